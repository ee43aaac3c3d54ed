"""Fuzzing the JSON-array reader: whatever the bytes, no exception escapes, every element is
counted as a record or a reject, and a mutation that leaves the brackets alone costs only its
own element (every good element is read). Bounded examples keep it fast; bench/fuzz_reader.py
runs the long version through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from midb_cli.errors import InputError
from midb_cli.records import Record, RecordReader, Reject

TEXTS = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)

# mutations inside one element that keep its brackets balanced: the element is a reject or
# still a record, the others are untouched
CONTENT_MUTATIONS: dict[str, bytes] = {
    "invalid_utf8": b"\xff",
    "truncated_utf8": "ü".encode()[:1],
    "lone_surrogate": b"\\ud800",
    "bad_escape": b"\\x",
    "newline": b"\n",
    "tab": b"\t",
    "stray_quote": b'"',
    "nul": b"\x00",
}
VALUE_MUTATIONS = [b"NaN", b"Infinity", b"-Infinity", b"1e999", b"-0", b"nope", b"'x'", b""]


@st.composite
def array_file(draw: st.DrawFn) -> tuple[bytes, set[int]]:
    """An array of records, some mutated; returns the bytes and the indexes left good."""
    n = draw(st.integers(1, 12))
    rows = [
        {"id": f"r{i}", "instruction": draw(TEXTS), "input": draw(TEXTS), "output": draw(TEXTS)}
        for i in range(n)
    ]
    indent = draw(st.sampled_from([None, 1]))
    ascii_only = draw(st.booleans())
    parts = [json.dumps(r, ensure_ascii=ascii_only, indent=indent).encode() for r in rows]
    good = set(range(n))
    for i in draw(st.sets(st.integers(0, n - 1), max_size=n)):
        kind = draw(st.sampled_from(["content", "value", "extra"]))
        if kind == "content":
            text = parts[i]
            at = text.index(b'"instruction"') + len(b'"instruction": "')
            at += draw(st.integers(0, 3))
            mutation = CONTENT_MUTATIONS[draw(st.sampled_from(sorted(CONTENT_MUTATIONS)))]
            parts[i] = text[:at] + mutation + text[at:]
        elif kind == "value":
            value = draw(st.sampled_from(VALUE_MUTATIONS))
            parts[i] = parts[i].replace(b'"id": "r', b'"n": ' + value + b', "id": "r', 1)
        else:
            parts[i] = draw(st.sampled_from([b"{oops}", b"42", b'"text"', b"[1, 2]", b"null"]))
        good.discard(i)
    body = b"[\n" + b",\n".join(parts) + b"\n]"  # json.dumps(rows, indent=1) puts '},' on its line
    tail = draw(st.sampled_from([b"", b"\n", b" GARBAGE\n", b"\n[]\n", b"\n{bad\n", b"]]"]))
    return body + tail, good


def read_all(path: Path) -> tuple[list[Record], list[Reject], RecordReader]:
    reader = RecordReader(path)
    items: list[Record | Reject] = []
    try:
        for item in reader:
            items.append(item)
    except InputError:  # no schema fits, or no valid record at all: a clean error, allowed
        pass
    records = [i for i in items if isinstance(i, Record)]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert reader.counts.records == len(records) and reader.counts.rejected == len(rejects)
    return records, rejects, reader


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(array_file())
def test_mutated_arrays_lose_no_good_element(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[bytes, set[int]]
) -> None:
    data, good = case
    path = tmp_path_factory.mktemp("fz") / "a.json"
    path.write_bytes(data)
    records, rejects, _ = read_all(path)
    read_ids = {r.id for r in records}
    assert {f"r{i}" for i in good} <= read_ids
    assert all(r.line >= 1 for r in rejects)


@settings(max_examples=150, deadline=None)
@given(array_file(), st.data())
def test_any_byte_damage_is_counted_never_raised(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[bytes, set[int]], data: st.DataObject
) -> None:
    raw, _ = case
    # arbitrary damage: bytes deleted, replaced or the file cut short, brackets included
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw)))
        how = data.draw(st.sampled_from(["delete", "replace", "cut"]))
        if how == "delete":
            raw = raw[:at] + raw[at + 1 :]
        elif how == "replace":
            raw = raw[:at] + bytes([data.draw(st.integers(0, 255))]) + raw[at + 1 :]
        else:
            raw = raw[:at]
    path = tmp_path_factory.mktemp("fz") / "a.json"
    path.write_bytes(raw)
    _, rejects, _ = read_all(path)
    assert all(r.line >= 1 for r in rejects)
