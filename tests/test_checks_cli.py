"""`midb check`: linter lines, the JSONL format, the summary, and the exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "checks"


def run_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "midb_cli", "check", *args], capture_output=True, text=True
    )


@pytest.fixture()
def defective(tmp_path: Path) -> Path:
    """Clean records, three planted defects and one bad line."""
    rows = [json.loads(line) for line in (DATA / "clean.jsonl").read_text("utf-8").splitlines()]
    rows[1]["input"] = "<keine Eingabe>"
    rows[3]["output"] = rows[3]["output"].replace("。", ".")
    rows[5]["output"] = "Response: " + rows[5]["output"]
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    lines.insert(4, '{"id": "broken", "instruction": ')
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_clean_file_exits_0_with_a_summary() -> None:
    result = run_check(str(DATA / "clean.jsonl"))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "6 records checked, 0 with findings, 6 clean, 0 rejected lines" in result.stderr


def test_text_format_is_linter_style(defective: Path) -> None:
    result = run_check(str(defective))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{defective}:2: placeholder_input input: input is a placeholder ('<keine Eingabe>')",
        f"{defective}:4: punctuation_locale response: ASCII '.' where the language has its own marks (7x)",
        f"{defective}:7: field_leak response: response starts with a response label",
    ]
    assert "6 records checked, 3 with findings, 3 clean, 1 rejected line" in result.stderr
    assert f"rejected: {defective}:5:" in result.stderr
    assert "de     placeholder_input" in result.stderr


def test_jsonl_format_has_one_object_per_record(defective: Path) -> None:
    result = run_check(str(defective), "--format", "jsonl")
    assert result.returncode == 1
    objects = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in objects] == [
        "de-0001",
        "de-0005",
        "ja-0001",
        "ja-0007",
        "ar-0003",
        "es-0006",
    ]
    for o in objects:
        assert list(o)[:3] == ["id", "lang", "findings"]
        for f in o["findings"]:
            assert list(f) == ["kind", "field", "message", "fixable"]
    assert [o["lang"] for o in objects] == ["de", "de", "ja", "ja", "ar", "es"]
    assert objects[1]["findings"] == [
        {
            "kind": "placeholder_input",
            "field": "input",
            "message": "input is a placeholder ('<keine Eingabe>')",
            "fixable": True,
        }
    ]
    assert objects[0]["findings"] == []


def test_select_and_ignore(defective: Path) -> None:
    result = run_check(str(defective), "--select", "field_leak,mojibake")
    assert [line.split(": ")[1] for line in result.stdout.splitlines()] == ["field_leak response"]
    result = run_check(str(defective), "--ignore", "field_leak", "--ignore", "punctuation_locale")
    assert [line.split(": ")[1] for line in result.stdout.splitlines()] == [
        "placeholder_input input"
    ]


def test_unknown_kind_is_exit_2() -> None:
    result = run_check(str(DATA / "clean.jsonl"), "--select", "typos")
    assert result.returncode == 2
    assert "unknown check kind 'typos'" in result.stderr and "Traceback" not in result.stderr


def test_bad_format_is_exit_2() -> None:
    result = run_check(str(DATA / "clean.jsonl"), "--format", "xml")
    assert result.returncode == 2 and "--format" in result.stderr


def test_missing_file_is_exit_3(tmp_path: Path) -> None:
    result = run_check(str(tmp_path / "nope.jsonl"))
    assert result.returncode == 3 and "no such file" in result.stderr


def test_strict_stops_at_the_bad_line_with_exit_3(defective: Path) -> None:
    result = run_check(str(defective), "--strict")
    assert result.returncode == 3 and ":5:" in result.stderr and "Traceback" not in result.stderr


def test_rejected_lines_beyond_the_first_ones_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    good = '{"instruction": "Nenne eine Farbe.", "input": "", "output": "Rot."}\n'
    path.write_text(good + '{"instruction": \n' * 8)
    result = run_check(str(path))
    assert "1 record checked, 0 with findings, 1 clean, 8 rejected lines" in result.stderr
    assert result.stderr.count("rejected: ") == 4  # three reasons, then the rest counted
    assert "rejected: ... and 5 more lines" in result.stderr
