"""Parquet in and out: same schemas and rejects as JSONL, streamed by row group, types kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from midb_cli.records import Pair, Record, RecordReader, Reject
from midb_cli.records.parquet import ParquetWriter

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

ROWS = [
    {"id": "a", "instruction": "Nenne drei Farben.", "input": "", "output": "Rot, Grün, Blau."},
    {"id": "b", "instruction": "日本の首都は？", "input": "", "output": "東京です。"},
    {"id": "c", "instruction": None, "input": "", "output": "x"},
    {"id": "d", "instruction": "Combien font 2+2 ?", "input": "", "output": "4."},
]


def read(path: Path, **kw: object) -> tuple[list[Record], list[Reject], RecordReader]:
    reader = RecordReader(path, **kw)  # type: ignore[arg-type]
    items = list(reader)
    return (
        [i for i in items if isinstance(i, Record)],
        [i for i in items if isinstance(i, Reject)],
        reader,
    )


def test_rows_read_like_jsonl_lines_with_rejects_naming_the_row(tmp_path: Path) -> None:
    path = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(ROWS), path, row_group_size=2)
    records, rejects, reader = read(path)
    assert [r.id for r in records] == ["a", "b", "d"] and [r.line for r in records] == [1, 2, 4]
    assert records[1].pair == Pair("日本の首都は？", "", "東京です。")
    assert [(r.line, r.reason) for r in rejects] == [
        (3, "field 'instruction' is NoneType, not a string")
    ]
    assert reader.schema is not None and reader.schema.name == "alpaca"


def test_streams_by_row_group(tmp_path: Path) -> None:
    path = tmp_path / "big.parquet"
    rows = [{**ROWS[0], "id": str(i)} for i in range(5000)]
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=1000)
    reader = iter(RecordReader(path))
    first = next(reader)
    assert isinstance(first, Record) and first.id == "0"
    assert sum(1 for _ in reader) == 4999


def test_round_trip_keeps_types_and_other_columns(tmp_path: Path) -> None:
    src = tmp_path / "in.parquet"
    table = pa.table(
        {
            "instruction": ["Frage?", "Question ?"],
            "output": ["Antwort.", "Réponse."],
            "score": pa.array([1, 2], pa.int32()),
            "tags": [["a", "b"], []],
        }
    )
    pq.write_table(table, src)
    records, _, reader = read(src)
    out = tmp_path / "out.parquet"
    with ParquetWriter(out, arrow_schema=reader.arrow_schema) as writer:
        for record in records:
            assert reader.schema is not None
            obj = reader.schema.write(record.data, Pair("Neu", "", record.pair.response))
            writer.write({**obj, "midb": {"id": record.id, "status": "boosted", "n": [1]}})
    back = pq.read_table(out)
    assert back.schema.field("score").type == pa.int32()
    assert back.column("tags").to_pylist() == [["a", "b"], []]
    again, rejects, _ = read(out)
    assert not rejects
    assert [r.pair.instruction for r in again] == ["Neu", "Neu"]
    assert again[0].data["midb"] == {"id": "line-1", "status": "boosted", "n": [1]}
    assert again[0].id == "line-1"  # the stored midb.id, decoded from its JSON column


def test_jsonl_to_parquet_matches_its_jsonl_twin(tmp_path: Path) -> None:
    jsonl = tmp_path / "in.jsonl"
    rows = [r for r in ROWS if r["instruction"] is not None]
    rows[0] = {**rows[0], "meta": {"source": "x", "k": [1, 2]}, "n": 3}
    rows[1] = {**rows[1], "meta": None, "n": 4}
    rows[2] = {**rows[2], "meta": {"source": "y"}, "n": 5}
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    out = tmp_path / "out.parquet"
    with ParquetWriter(out, row_group_rows=2) as writer:
        for record in read(jsonl)[0]:
            writer.write(record.data)
    assert pq.ParquetFile(out).num_row_groups == 2
    assert [r.data for r in read(out)[0]] == [r.data for r in read(jsonl)[0]]


def test_a_failed_write_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    with (
        pytest.raises(ValueError, match="do not fit the Parquet column types"),
        ParquetWriter(out, row_group_rows=1) as writer,
    ):
        writer.write({"instruction": "a", "n": 1})
        writer.write({"instruction": "b", "n": "not a number"})
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_prompt_only_and_chat_rows(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    pq.write_table(pa.Table.from_pylist([{"question_id": 1, "turns": ["Hallo?", "Und?"]}]), path)
    records, _, reader = read(path)
    assert reader.schema is not None and reader.schema.name == "mtbench"
    assert records[0].pair == Pair("Hallo?", "", "")


def test_a_parquet_file_with_no_valid_row_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "q.parquet"
    pq.write_table(pa.Table.from_pylist([{"question": "q", "answer": "a"}] * 3), path)
    done = subprocess.run(
        [sys.executable, "-m", "midb_cli", "stats", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 3 and "no valid record: all 3 rejected" in done.stderr


def test_a_file_that_is_not_parquet_is_a_clear_error(tmp_path: Path) -> None:
    from midb_cli.errors import InputError

    path = tmp_path / "x.parquet"
    path.write_text('{"instruction": "a", "output": "b"}\n')
    with pytest.raises(InputError, match="not a readable Parquet file"):
        read(path)


def test_boost_round_trips_parquet_like_its_jsonl_twin(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from midb_cli.boost.pipeline import BoostOptions, run_boost

    sample = Path(__file__).resolve().parent.parent / "examples" / "alpaca_sample.jsonl"
    rows = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines()]
    src = tmp_path / "in.parquet"
    pq.write_table(pa.Table.from_pylist(rows), src)
    run_boost(BoostOptions(str(sample), str(tmp_path / "twin.jsonl")))
    run_boost(BoostOptions(str(src), str(tmp_path / "out.parquet")))
    twin = [json.loads(line) for line in (tmp_path / "twin.jsonl").open(encoding="utf-8")]
    back = [item.data for item in RecordReader(str(tmp_path / "out.parquet"))]
    assert back == twin  # the same records, midb's object included, in the same order
    # a rerun finds the work file complete and writes the same Parquet again
    run_boost(BoostOptions(str(src), str(tmp_path / "out.parquet")))
    assert [item.data for item in RecordReader(str(tmp_path / "out.parquet"))] == twin
