"""`midb diff` never sends a record's control characters to the terminal: escape sequences
in record text are shown (``\\x1b``), not obeyed; JSONL and HTML keep the data as it is."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from midb_cli.report.safe_text import terminal_safe

TITLE = "\x1b]0;pwned\x07"  # sets the window title
CLEAR = "\x1b[2J\x1b[H"  # clears the screen
C1 = "\x9b31m"  # CSI as one 8-bit character
RLO = "\u202e"  # right-to-left override


def _file(tmp_path: Path) -> Path:
    row = {
        "id": f"evil{TITLE}",
        "Raw Instruction": "Sag hallo.",
        "Raw Input": f"Text {CLEAR}mit{C1} Steuerzeichen",
        "Raw Response": f"Hallo {RLO}tlew\u202c!",
        "Revised Instruction": "Sag hallo.",
        "Revised Input": f"Text {CLEAR}ohne{C1} Steuerzeichen\r",
        "Revised Response": f"Hallo Welt{RLO}!\ttab\nzweite Zeile",
    }
    path = tmp_path / "evil.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    return path


def _diff(*args: str, color: bool) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    if color:
        env.update(FORCE_COLOR="1", TERM="xterm-256color")
    else:
        env["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "midb_cli", "diff", *args], capture_output=True, env=env
    )


def _control_characters(text: str) -> set[str]:
    return {c for c in text if (ord(c) < 0x20 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0}


def test_terminal_view_shows_control_characters_instead_of_obeying_them(tmp_path: Path) -> None:
    path = _file(tmp_path)
    plain = _diff(str(path), "--detector", "langdetect", color=False)
    assert plain.returncode == 0, plain.stderr
    out = plain.stdout.decode("utf-8")
    assert not _control_characters(out) and RLO not in out and "\u202c" not in out
    assert "evil\\x1b]0;pwned\\x07" in out
    assert "\\x1b[2J\\x1b[" in out and "\\x9b31m" in out and "\\u202e" in out
    assert "\\x0d" in out  # a stray carriage return shows as a change
    assert "!        tab\nzweite Zeile" in out  # tab (rich expands it) and newline are kept

    colored = _diff(str(path), "--detector", "langdetect", color=True)
    out = colored.stdout.decode("utf-8")
    # the only escape sequences left are rich's own colours (SGR: ESC [ ... m)
    assert "\x1b[" in out
    assert not _control_characters(re.sub(r"\x1b\[[0-9;]*m", "", out))


def test_jsonl_keeps_the_data_and_stderr_notes_are_safe(tmp_path: Path) -> None:
    path = _file(tmp_path)
    missing = tmp_path / "rev.jsonl"
    missing.write_text(json.dumps({"id": f"x{CLEAR}", "instruction": "a", "output": "b"}) + "\n")
    result = _diff(str(path), str(missing), "--format", "jsonl", color=False)
    assert result.returncode == 0, result.stderr
    err = result.stderr.decode("utf-8")
    assert "\x1b" not in err and "evil\\x1b]0;pwned\\x07" in err  # the unmatched id, shown
    single = _diff(str(path), "--format", "jsonl", color=False)
    assert json.loads(single.stdout)["id"] == f"evil{TITLE}"  # data stays data


def test_terminal_safe_keeps_ordinary_text() -> None:
    text = "Arabic مرحبا, Japanese 日本語, emoji 🙂, marks \u200f\u200e, tab\tand\nnewline"
    assert terminal_safe(text) == text
    assert terminal_safe("a\x00b\x1bc\x7fd\x85e\u2066f") == "a\\x00b\\x1bc\\x7fd\\x85e\\u2066f"
