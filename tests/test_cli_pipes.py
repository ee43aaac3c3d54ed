"""A reader that goes away (`midb diff OUT | head -1`) is not a failure: exit 0, no traceback,
no error line. Real processes and real pipes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "boost"


@pytest.fixture(scope="module")
def boosted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A boost output far larger than a pipe's buffer, so writers hit the closed pipe."""
    tmp = tmp_path_factory.mktemp("pipes")
    rows = [json.loads(line) for line in (DATA / "alpaca.jsonl").read_text().splitlines()[:3]]
    src = tmp / "in.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for i in range(3000):
            row = dict(rows[i % len(rows)], id=f"r{i}")
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    out = tmp / "out.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "midb_cli", "boost", str(src), "-o", str(out), "--quiet"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.parametrize(
    "args",
    [
        # each prints far more than a pipe holds (64 KiB), so the write after `head` left fails
        ["diff", "{out}", "--format", "jsonl"],
        ["diff", "{out}", "--top", "0"],
        ["check", "{out}", "--select", "all", "--format", "jsonl"],
    ],
)
def test_a_closed_pipe_exits_0_quietly(boosted: Path, args: list[str]) -> None:
    argv = [a.replace("{out}", str(boosted)) for a in args]
    proc = subprocess.Popen(
        [sys.executable, "-m", "midb_cli", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()  # like `head -1`: one line, then the reader is gone
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert first
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "Error" not in err and "Exception ignored" not in err
