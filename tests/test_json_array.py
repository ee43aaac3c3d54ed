"""JSON-array files: every element is a record or a reject with its line, nothing after the
closing ']' is dropped, and a bad element costs only itself, in bounded memory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from midb_cli.jsonio import dumps
from midb_cli.records import Record, RecordReader, Reject

GOOD = {"instruction": "Nenne drei Farben.", "input": "", "output": "Rot, Grün und Blau."}


def rec(i: int, **extra: object) -> dict[str, object]:
    return {"id": f"r{i}", **GOOD, **extra}


def pretty(elements: list[object]) -> bytes:
    """An indented array: one element per line after '[' (element i starts on line i + 2)."""
    return (
        "[\n" + ",\n".join(json.dumps(e, ensure_ascii=False) for e in elements) + "\n]"
    ).encode()


def read(path: Path) -> tuple[list[Record], list[Reject], RecordReader]:
    reader = RecordReader(path)
    items = list(reader)
    records = [i for i in items if isinstance(i, Record)]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert reader.counts.records == len(records) and reader.counts.rejected == len(rejects)
    return records, rejects, reader


def test_jsonl_lines_after_the_array_are_read(tmp_path: Path) -> None:
    lines = b"".join(dumps(rec(i)) + b"\n" for i in range(10, 50))
    path = tmp_path / "a.json"
    path.write_bytes(pretty([rec(i) for i in range(10)]) + b"\n" + lines)
    records, rejects, _ = read(path)
    assert [r.id for r in records] == [f"r{i}" for i in range(50)] and not rejects
    assert records[10].line == 13 and records[-1].line == 52


def test_two_arrays_in_one_file_are_both_read(tmp_path: Path) -> None:
    first = pretty([rec(i) for i in range(25)])
    second = pretty([rec(i) for i in range(25, 50)])
    path = tmp_path / "a.json"
    path.write_bytes(b"\xef\xbb\xbf" + first + b"\n\xef\xbb\xbf" + second + b"\n")  # cat a b
    records, rejects, _ = read(path)
    assert len(records) == 50 and not rejects


@pytest.mark.parametrize(
    ("tail", "line"), [(b" GARBAGE", 4), (b"\nGARBAGE\n", 5), (b"]", 4), (b",", 4)]
)
def test_garbage_after_the_array_is_a_reject(tmp_path: Path, tail: bytes, line: int) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(pretty([rec(0), rec(1)]) + tail)
    records, rejects, _ = read(path)
    assert len(records) == 2
    assert [(r.line, r.reason.split(":")[0], r.raw) for r in rejects] == [
        (line, "invalid JSON", tail.strip())
    ]


def test_invalid_utf8_rejects_only_its_element(tmp_path: Path) -> None:
    elements = [json.dumps(rec(i), ensure_ascii=False).encode() for i in range(30)]
    elements[20] = elements[20].replace("Grün".encode(), b"Gr\xfcn")
    path = tmp_path / "a.json"
    path.write_bytes(b"[\n" + b",\n".join(elements) + b"\n]\n")
    records, rejects, reader = read(path)
    assert len(records) == 29 and [r.id for r in records][19:21] == ["r19", "r21"]
    assert [(r.line, r.reason.split(" at ")[0]) for r in rejects] == [(22, "invalid UTF-8")]
    assert reader.counts.unreadable_tail == []


@pytest.mark.parametrize(
    ("element", "reason"),
    [
        (b'{"instruction": "lone \\ud800", "input": "", "output": "x"}', "unpaired surrogate"),
        (b'{"instruction": "a", "input": "", "output": "x", "n": NaN}', "NaN is not JSON"),
        (b'{"instruction": "a", "input": "", "output": "x", "n": -Infinity}', "-Infinity"),
        (b'{"instruction": "a", "input": , "output": "x"}', "invalid JSON"),
        (b'{"instruction": "a\nb", "input": "", "output": "x"}', "invalid JSON"),
        (b"{oops}", "invalid JSON"),
        (b"oops", "invalid JSON"),
        (b"[[[", "invalid JSON"),
    ],
)
def test_a_bad_element_is_one_reject_and_the_rest_is_read(
    tmp_path: Path, element: bytes, reason: str
) -> None:
    path = tmp_path / "a.json"
    good = dumps(rec(1))
    path.write_bytes(b"[\n" + dumps(rec(0)) + b",\n" + element + b",\n" + good + b"\n]\n")
    records, rejects, _ = read(path)
    assert [r.id for r in records] == ["r0", "r1"] or element == b"[[["
    assert rejects[0].line == 3 and reason in rejects[0].reason
    assert rejects[0].raw is not None and rejects[0].raw.startswith(element[:3])


def test_unclosed_element_says_the_rest_was_not_read(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b"[\n" + dumps(rec(0)) + b',\n{"instruction": [\n' + dumps(rec(1)) + b"\n]")
    records, rejects, reader = read(path)
    assert len(records) == 1 and [r.line for r in rejects] == [3]
    assert "rest of this JSON array was not read" in rejects[0].reason
    assert reader.counts.unreadable_tail == [str(path)]


@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        (b"[\n{A},\n]", ["a ',' with no element before ']'"]),
        (b"[\n,{A}]", ["a ',' with no element before it"]),
        (b"[\n{A}\n{A}]", ["expected ',' or ']' before this element"]),
        (b"[\n{A},\n{A}", ["the array is not closed"]),
    ],
)
def test_structure_errors_between_elements(tmp_path: Path, text: bytes, reasons: list[str]) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(text.replace(b"{A}", dumps(rec(0))))
    records, rejects, _ = read(path)
    assert [any(want in r.reason for r in rejects) for want in reasons] == [True] * len(reasons)
    # the element after a missing ',' is kept whole in the reject, not lost
    assert len(records) + sum(r.raw is not None for r in rejects) == text.count(b"{A}")


def test_elements_across_buffer_refills_match_the_standard_library(tmp_path: Path) -> None:
    # 2.5 MB of elements with escapes, quotes, brackets in strings and non-ASCII text, so
    # elements straddle the 1 MiB reads at every kind of position
    tricky = 'a "q" [x] {y} \\ \\" ü 日本 \n\t \u2028 ' * 40
    elements = [
        rec(i, output=tricky[: 50 + (i * 37) % 1500], n=[i, {"k": "]"}]) for i in range(3000)
    ]
    path = tmp_path / "a.json"
    path.write_text(json.dumps(elements, indent=1), encoding="utf-8")
    assert path.stat().st_size > 2_500_000
    records, rejects, _ = read(path)
    assert not rejects and [r.data for r in records] == elements


def test_an_element_over_the_limit_is_a_reject_naming_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MIDB_MAX_RECORD_BYTES", "100000")
    big = rec(1, output="x" * 3_000_000)
    path = tmp_path / "a.json"
    path.write_bytes(pretty([rec(0), big, rec(2), rec(3, output="y" * 100_001)]))
    path.write_bytes(path.read_bytes() + b"\n" + dumps(big) + b"\n" + dumps(rec(4)) + b"\n")
    records, rejects, _ = read(path)
    assert [r.id for r in records] == ["r0", "r2", "r4"]
    assert [r.line for r in rejects] == [3, 5, 7]
    assert all("limit of 100,000 bytes" in r.reason for r in rejects)
    assert all(r.raw is not None and len(r.raw) <= (1 << 20) + 1 for r in rejects)
    assert rejects[0].raw is not None and len(rejects[0].raw) < 3_000_000


def test_a_bad_limit_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from midb_cli.errors import UsageError

    monkeypatch.setenv("MIDB_MAX_RECORD_BYTES", "lots")
    path = tmp_path / "a.json"
    path.write_bytes(pretty([rec(0)]))
    with pytest.raises(UsageError, match="MIDB_MAX_RECORD_BYTES='lots'"):
        read(path)


def test_a_stray_quote_that_balances_brackets_later_costs_one_element(tmp_path: Path) -> None:
    # Found by the fuzz test: the stray quote makes the '[' of "input" structure, the brackets
    # balance only at the array's end, and the broken element swallowed every later record.
    rows = [f'{{"id": "r{i}", "instruction": "", "input": "", "output": ""}}' for i in range(6)]
    rows[2] = '{"id": "r2", "instruction": """, "input": "[", "output": "\\\\""}'
    path = tmp_path / "a.json"
    path.write_bytes(("[\n" + ",\n".join(rows) + "\n]").encode())
    items = list(RecordReader(str(path)))
    ids = [i.id for i in items if isinstance(i, Record)]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert ids == ["r0", "r1", "r3", "r4", "r5"]
    assert len(rejects) == 1 and rejects[0].line == 4
    indented = tmp_path / "b.json"  # the same in json.dumps(indent=2) layout
    indented.write_bytes(("[\n  " + ",\n  ".join(rows) + "\n]").encode())
    assert [i.id for i in RecordReader(str(indented)) if isinstance(i, Record)] == ids
