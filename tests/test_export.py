"""`midb export`: every format loads back in its trainer's shape, statuses filter, no metadata."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from midb_cli.cli.main import app

ROWS = [
    {"id": "a", "instruction": "I1", "input": "In1", "output": "R1", "x": 1,
     "midb": {"id": "a", "status": "boosted"}},
    {"id": "b", "instruction": "I2", "input": "", "output": "R2",
     "midb": {"id": "b", "status": "unchanged"}},
    {"id": "c", "instruction": "I3", "input": "", "output": "R3",
     "midb": {"id": "c", "status": "fallback"}},
]  # fmt: skip


def run(tmp_path: Path, name: str, *extra: str) -> Path:
    src = tmp_path / "boosted.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in ROWS) + "{broken\n")
    out = tmp_path / name
    result = CliRunner().invoke(app, ["export", str(src), "-o", str(out), *extra])
    assert result.exit_code == 0, result.stderr
    assert "left out by --status: 1 fallback" in result.stderr
    return out


def test_alpaca_json_array(tmp_path: Path) -> None:
    data = json.loads(run(tmp_path, "train.json", "--format", "alpaca").read_text())
    assert data == [
        {"instruction": "I1", "input": "In1", "output": "R1"},
        {"instruction": "I2", "input": "", "output": "R2"},
    ]


@pytest.mark.parametrize("fmt", ["messages", "sharegpt"])
def test_chat_formats(tmp_path: Path, fmt: str) -> None:
    lines = run(tmp_path, "train.jsonl", "--format", fmt).read_text().splitlines()
    rows = [json.loads(x) for x in lines]
    if fmt == "messages":
        assert rows[0] == {
            "messages": [
                {"role": "user", "content": "I1\nIn1"},
                {"role": "assistant", "content": "R1"},
            ]
        }
    else:
        assert rows[1] == {
            "conversations": [{"from": "human", "value": "I2"}, {"from": "gpt", "value": "R2"}]
        }
    assert len(rows) == 2


def test_meb_exports_the_revised_pair(tmp_path: Path) -> None:
    src = Path(__file__).parent / "data" / "boost" / "meb.jsonl"
    out = tmp_path / "t.jsonl"
    result = CliRunner().invoke(app, ["export", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    first = json.loads(out.read_text().splitlines()[0])
    raw = json.loads(src.read_text().splitlines()[0])
    assert first["output"] == raw["Revised Response"]


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_an_empty_input_is_an_error_and_leaves_no_output(tmp_path: Path, suffix: str) -> None:
    src, out = tmp_path / "empty.jsonl", tmp_path / f"out{suffix}"
    src.write_text("")
    cmd = [sys.executable, "-m", "midb_cli", "export", str(src), "-o", str(out)]
    result = subprocess.run(cmd, capture_output=True, timeout=120)
    assert result.returncode == 3 and b"no record to export" in result.stderr
    assert not out.exists()
