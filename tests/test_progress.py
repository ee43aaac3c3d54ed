"""The progress total: lines for JSONL, records for files whose lines are not records."""

from __future__ import annotations

import json
from pathlib import Path

from midb_cli.boost.progress import count_items

PROMPTS = Path(__file__).parent / "data" / "prompts"


def test_an_indented_json_array_counts_records_not_lines(tmp_path: Path) -> None:
    rows = [{"instruction": f"Frage {i}?", "input": "", "output": "Antwort."} for i in range(7)]
    path = tmp_path / "a.json"
    path.write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")
    assert path.read_text().count("\n") > 30  # many lines per record
    assert count_items(str(path)) == 7
    one_line = tmp_path / "b.json"
    one_line.write_text(json.dumps(rows), encoding="utf-8")
    assert count_items(str(one_line)) == 7


def test_jsonl_counts_lines(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"a": 1}\n{"a": 2}\n{"a": 3}', encoding="utf-8")
    assert count_items(str(path)) == 3
