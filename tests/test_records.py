"""The record reader and schemas: every bad line is a reject with a line number and a reason,
good records around it are read, and unknown keys survive a write untouched."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from midb_cli.errors import InputError, UsageError
from midb_cli.jsonio import dumps, loads
from midb_cli.records import Pair, Record, RecordReader, Reject
from midb_cli.records.schema import parse_field_mapping

GOOD = {"instruction": "Nenne drei Farben.", "input": "", "output": "Rot, Grün und Blau."}


def write_lines(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(lines))
    return path


def line(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode() + b"\n"


def read(path: Path, **kw: object) -> tuple[list[Record], list[Reject], RecordReader]:
    reader = RecordReader(path, **kw)  # type: ignore[arg-type]
    items = list(reader)
    return (
        [i for i in items if isinstance(i, Record)],
        [i for i in items if isinstance(i, Reject)],
        reader,
    )


def test_bad_lines_are_rejected_with_line_and_reason(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "in.jsonl",
        [
            b"\xef\xbb\xbf" + line({**GOOD, "id": "a"}).rstrip(b"\n") + b"\r\n",  # BOM + CRLF
            b"{not json\n",
            b"\n",
            b"   \r\n",  # blank lines are skipped, not errors
            b"[1, 2]\n",
            line({"instruction": "x", "input": ""}),  # no output
            line({"instruction": 3, "input": "", "output": "y"}),
            b'{"instruction": "caf\xe9", "input": "", "output": "x"}\n',  # latin-1 byte
            line({**GOOD, "id": "b"}),
            b'"just a string"\n',
            line({**GOOD, "id": "c"}).rstrip(b"\n"),  # no final newline
        ],
    )
    records, rejects, reader = read(path)
    assert [r.id for r in records] == ["a", "b", "c"]
    assert [r.line for r in records] == [1, 9, 11]
    assert [(r.line, r.reason.split(":")[0]) for r in rejects] == [
        (2, "invalid JSON"),
        (5, "not a JSON object (got an array)"),
        (6, "missing field 'output'"),
        (7, "field 'instruction' is int, not a string"),
        (8, "invalid UTF-8 at byte 20"),
        (10, "not a JSON object (got a string)"),
    ]
    assert reader.counts.records == 3 and reader.counts.rejected == 6 and reader.counts.blank == 2
    assert records[0].pair == Pair(GOOD["instruction"], "", GOOD["output"])


def test_reject_json_keeps_line_and_raw_text(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "in.jsonl", [line(GOOD), b"{broken\n"])
    _, rejects, _ = read(path)
    data = rejects[0].to_json()
    assert data["line"] == 2 and data["raw"] == "{broken" and data["path"] == str(path)


def test_strict_stops_at_first_bad_line(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "in.jsonl", [line(GOOD), b"oops\n", line(GOOD)])
    with pytest.raises(InputError, match=r"in.jsonl:2: invalid JSON"):
        read(path, strict=True)


def test_very_long_line_is_read(tmp_path: Path) -> None:
    big = "ä" * 6_000_000  # 12 MB: under the per-record limit
    path = write_lines(tmp_path / "in.jsonl", [line({**GOOD, "output": big}), line(GOOD)])
    records, rejects, _ = read(path)
    assert len(records) == 2 and not rejects and len(records[0].pair.response) == len(big)


def test_a_record_over_the_size_limit_is_a_reject_naming_line_and_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIDB_MAX_RECORD_BYTES", "5000")  # the documented setting, not a patch
    big = line({**GOOD, "output": "x" * 20_000})
    path = write_lines(tmp_path / "in.jsonl", [line(GOOD), big, line(GOOD)])
    records, rejects, _ = read(path)
    assert len(records) == 2 and len(rejects) == 1
    assert rejects[0].line == 2 and "limit of 5,000 bytes" in rejects[0].reason


def test_gzip_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(line(GOOD) * 3)
    records, _, _ = read(path)
    assert len(records) == 3


def test_missing_file_and_directory_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read(tmp_path / "nope.jsonl")
    with pytest.raises(InputError, match="is a directory"):
        read(tmp_path)


def test_unknown_schema_is_an_error_naming_the_keys(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "in.jsonl", [line({"question": "q", "answer": "a"})] * 100)
    with pytest.raises(
        InputError, match=r"none of the first 100.*keys of line 100: question, answer.*--fields"
    ):
        read(path)


def test_stray_objects_before_the_first_record_are_rejects(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "in.jsonl", [line({}), line({"foo": 1}), line(GOOD), line({"x": 2})]
    )
    records, rejects, _ = read(path)
    assert [r.line for r in records] == [3]
    assert [(r.line, r.reason) for r in rejects] == [
        (1, "fits no known schema (keys: (none))"),
        (2, "fits no known schema (keys: foo)"),
        (4, "missing field 'instruction'"),
    ]


def test_an_id_key_the_first_record_lacks_is_a_usage_error(tmp_path: Path) -> None:
    # a typo (`--id-key uuid` for `uid`) would give every record a line-N id in silence
    path = write_lines(
        tmp_path / "in.jsonl",
        [b"not json\n", line({"uid": 7, "instruction": "q", "input": "", "output": "a"})],
    )
    with pytest.raises(UsageError, match=r"line 2: --id-key 'uuid' is not a key.*uid"):
        read(path, id_key="uuid")
    records, rejects, _ = read(path, id_key="uid")
    assert [r.id for r in records] == ["7"] and len(rejects) == 1


def test_field_mapping_and_ids(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "in.jsonl",
        [
            line({"uid": 7, "q": "Frage?", "ctx": "Kontext", "a": "Antwort."}),
            line({"q": "x", "a": "y"}),
        ],
    )
    records, _, _ = read(path, fields="instruction=q,input=ctx,response=a", id_key="uid")
    assert records[0].pair == Pair("Frage?", "Kontext", "Antwort.")
    assert [r.id for r in records] == ["7", "line-2"]
    with pytest.raises(UsageError):
        parse_field_mapping("instruction=q,response")
    prompt_only = parse_field_mapping("instruction=q")  # no response key: a prompt set
    assert prompt_only.read({"q": "Frage?"}) == Pair("Frage?", "", "")


def test_deterministic_ids_are_stable(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "in.jsonl", [line(GOOD), b"\n", line(GOOD)])
    first = [r.id for r in read(path)[0]]
    assert first == ["line-1", "line-3"] == [r.id for r in read(path)[0]]


def test_meb_schema_with_revision(tmp_path: Path) -> None:
    rec = {
        "Raw Instruction": "I",
        "Raw Input": "",
        "Raw Response": "R",
        "Revised Instruction": "I2",
        "Revised Input": "",
        "Revised Response": "R2",
        "Distance": 2,
    }
    records, _, reader = read(write_lines(tmp_path / "m.jsonl", [line(rec)]))
    assert reader.schema is not None and reader.schema.name == "meb"
    assert records[0].revision == (Pair("I", "", "R"), Pair("I2", "", "R2"))
    assert records[0].original == Pair("I", "", "R")


def test_midb_output_carries_its_revision(tmp_path: Path) -> None:
    rec = {
        **GOOD,
        "midb": {"id": "x1", "original": {"instruction": "a", "input": "", "response": "b"}},
    }
    records, _, _ = read(write_lines(tmp_path / "o.jsonl", [line(rec)]))
    assert records[0].id == "x1"
    assert records[0].revision == (
        Pair("a", "", "b"),
        Pair(GOOD["instruction"], "", GOOD["output"]),
    )


@pytest.mark.parametrize(
    ("key", "user", "assistant"),
    [
        ("messages", {"role": "user", "content": "U"}, {"role": "assistant", "content": "A"}),
        ("conversations", {"from": "human", "value": "U"}, {"from": "gpt", "value": "A"}),
    ],
)
def test_chat_pair_is_first_user_assistant_exchange(
    tmp_path: Path, key: str, user: dict, assistant: dict
) -> None:
    text_key = "content" if key == "messages" else "value"
    role_key = "role" if key == "messages" else "from"
    system = {role_key: "system", text_key: "S"}
    later = [{**user, text_key: "U2"}, {**assistant, text_key: "A2"}]
    rec = {"id": "c1", key: [system, user, assistant, *later], "meta": {"k": [1, 2]}}
    records, rejects, reader = read(
        write_lines(tmp_path / "c.jsonl", [line(rec), line({key: [user]})])
    )
    assert records[0].pair == Pair("U", "", "A")
    assert rejects[0].reason.startswith("no user turn followed by an assistant turn")
    assert reader.schema is not None
    out = reader.schema.write(records[0].data, Pair("U!", "", "A!"))
    assert out[key][1][text_key] == "U!" and out[key][2][text_key] == "A!"
    assert out[key][0] == system and out[key][3:] == later and out["meta"] == rec["meta"]
    assert rec[key][1][text_key] == "U"  # the input object is not mutated


def test_write_keeps_unknown_keys_and_values(tmp_path: Path) -> None:
    raw = b'{"id":"z","instruction":"a","input":"","output":"b","n":123456789012345678901234,"f":1.5,"x":{"y":[true,null]}}\n'
    records, _, reader = read(write_lines(tmp_path / "k.jsonl", [raw]))
    assert reader.schema is not None
    out = reader.schema.write(records[0].data, Pair("A", "", "B"))
    assert dumps(out) == raw.rstrip(b"\n").replace(b'"a"', b'"A"').replace(b'"b"', b'"B"')
    assert out["n"] == 123456789012345678901234  # an exact int, not a float
    assert loads(dumps(out)) == {**loads(raw), "instruction": "A", "output": "B"}


def test_json_array_file_streams_elements_with_lines(tmp_path: Path) -> None:
    elements = [GOOD, [1], {**GOOD, "output": "x" * 3_000_000}, {"instruction": "only"}]
    text = "[\n" + ",\n".join(json.dumps(e) for e in elements) + "\n]\n"
    path = tmp_path / "a.json"
    path.write_text(text)
    records, rejects, _ = read(path)
    assert [r.line for r in records] == [2, 4]
    assert [(r.line, r.reason) for r in rejects] == [
        (3, "not a JSON object (got an array)"),
        (5, "missing field 'output'"),
    ]


def test_json_array_syntax_error_is_one_reject(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text("[\n" + json.dumps(GOOD) + ",\n{oops},\n" + json.dumps(GOOD) + "\n]")
    records, rejects, reader = read(path)
    assert [r.line for r in records] == [2, 4] and len(rejects) == 1
    assert rejects[0].line == 3 and rejects[0].reason.startswith("invalid JSON")
    assert rejects[0].raw == b"{oops}" and reader.counts.unreadable_tail == []


def test_json_file_holding_jsonl_is_read_as_jsonl(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "a.json", [line(GOOD), line(GOOD)])
    assert len(read(path)[0]) == 2


texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=50)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(texts, texts, texts), min_size=1, max_size=8))
def test_round_trip_any_text(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, str]]
) -> None:
    path = tmp_path_factory.mktemp("rt") / "in.jsonl"
    path.write_bytes(
        b"".join(dumps({"instruction": i, "input": n, "output": o}) + b"\n" for i, n, o in rows)
    )
    records, rejects, _ = read(path)
    assert not rejects
    assert [r.pair for r in records] == [Pair(*row) for row in rows]


def test_stopping_early_in_a_json_array_closes_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps([GOOD, GOOD, GOOD]))
    reader = iter(RecordReader(path))
    assert isinstance(next(reader), Record)
    reader.close()  # type: ignore[attr-defined]  # no "I/O operation on closed file"


def test_atomic_writer_gives_normal_permissions(tmp_path: Path) -> None:
    import os

    from midb_cli.records.writer import atomic_writer

    target = tmp_path / "out.jsonl"
    with atomic_writer(target) as fh:
        fh.write(b"x\n")
    umask = os.umask(0)
    os.umask(umask)
    assert target.read_bytes() == b"x\n"
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"instruction": "lone \\ud800", "input": "", "output": "x"}', "invalid JSON"),
        (b'{"instruction": "a", "input": "", "output": "x", "n": NaN}', "invalid JSON"),
        (b"[" * 100_000, "invalid JSON"),
    ],
)
def test_json_that_cannot_be_written_back_exactly_is_rejected(
    tmp_path: Path, raw: bytes, reason: str
) -> None:
    path = write_lines(tmp_path / "in.jsonl", [line(GOOD), raw + b"\n", line(GOOD)])
    records, rejects, _ = read(path)
    assert len(records) == 2 and [r.line for r in rejects] == [2]
    assert rejects[0].reason.startswith(reason)


def test_parquet_without_pyarrow_is_a_clear_error_and_nothing_else_needs_it(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    jsonl = write_lines(tmp_path / "in.jsonl", [line(GOOD)])
    script = f"""
import sys
sys.modules["pyarrow"] = None  # as if the extra were not installed
from midb_cli.errors import InputError
from midb_cli.records import RecordReader
assert len(list(RecordReader({str(jsonl)!r}))) == 1
try:
    list(RecordReader({str(tmp_path / "x.parquet")!r}))
except InputError as exc:
    print(exc)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert "Parquet needs pyarrow: pip install pyarrow" in done.stdout, done.stderr
