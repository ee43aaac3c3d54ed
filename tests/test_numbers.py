"""Numbers in keys midb does not use are written back byte for byte, and midb never writes
invalid JSON (no Infinity, no NaN, no unpaired surrogates)."""

from __future__ import annotations

import copy
import json
import pickle
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from midb_cli.jsonio import JSONError, RawNumber, dumps, loads
from midb_cli.records import Pair, RecordReader

ODD_NUMBERS = [
    "19.990000000000000001",
    "1E2",
    "1e2",
    "-0",
    "-0.0",
    "0.10",
    "1e999",
    "-1e999",
    "1e-999",
    "123456789012345678901234567890",
    "-98765432109876543210987",
    "18446744073709551616",
    "2.50e+3",
    "1.5",
    "0",
    "7",
]


@pytest.mark.parametrize("number", ODD_NUMBERS)
def test_any_json_number_is_written_back_as_written(number: str) -> None:
    raw = f'{{"a":{number},"b":[{number},{{"c":{number}}}],"s":"x"}}'.encode()
    assert dumps(loads(raw)) == raw
    assert dumps(loads(raw.decode())) == raw


def test_big_integers_and_huge_floats_together_stay_valid_json() -> None:
    raw = b'{"n":12345678901234567890123,"f":1e999,"g":-1E400}'
    out = dumps(loads(raw))
    assert out == raw and b"Infinity" not in out
    assert loads(out)["n"] == 12345678901234567890123  # still an exact int in memory


def test_raw_numbers_behave_as_numbers_and_survive_copies() -> None:
    obj = loads(b'{"p":19.990000000000000001,"z":-0}')
    assert isinstance(obj["p"], RawNumber) and obj["p"] == 19.99 and obj["z"] == 0
    for twin in (copy.deepcopy(obj), pickle.loads(pickle.dumps(obj)), copy.copy(obj)):
        assert dumps(twin) == b'{"p":19.990000000000000001,"z":-0}'


def test_plain_documents_keep_plain_types() -> None:
    obj = loads(b'{"a":1.5,"b":2,"c":"-0 x"}')
    assert type(obj["a"]) is float and type(obj["b"]) is int


@pytest.mark.parametrize(
    "raw",
    [b'{"a":NaN}', b'{"a":Infinity}', b'{"a":-Infinity}', b'{"a":"\\ud800"}', b'{"a":"\xff"}'],
)
def test_not_json_or_not_writable_is_refused(raw: bytes) -> None:
    with pytest.raises(JSONError):
        loads(raw)


def test_dumps_never_writes_invalid_json() -> None:
    out = dumps({"inf": float("inf"), "nan": float("nan"), "s": "a\ud800b", 1: 2**80})
    assert json.loads(out, parse_constant=lambda c: pytest.fail(c)) == {
        "inf": None,
        "nan": None,
        "s": "a\ufffdb",
        "1": 2**80,
    }


def test_unused_keys_round_trip_through_a_schema_write(tmp_path: Path) -> None:
    raw = (
        b'{"instruction":"a","input":"","output":"b","price":19.990000000000000001,'
        b'"n":1E2,"z":-0,"big":123456789012345678901234,"f":1e999}\n'
    )
    path = tmp_path / "in.jsonl"
    path.write_bytes(raw)
    reader = RecordReader(path)
    (record,) = list(reader)
    assert reader.schema is not None
    out = reader.schema.write(record.data, Pair("A", "", "B"))  # type: ignore[union-attr]
    assert dumps(out) == raw.rstrip(b"\n").replace(b'"a"', b'"A"').replace(b'"b"', b'"B"')


json_numbers = st.one_of(
    st.integers().map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.from_regex(r"\A-?(0|[1-9][0-9]{0,30})(\.[0-9]{1,25})?([eE][+-]?[0-9]{1,4})?\Z"),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(json_numbers, min_size=1, max_size=6))
def test_fuzzed_numbers_round_trip_byte_for_byte(numbers: list[str]) -> None:
    raw = ("[" + ",".join(numbers) + "]").encode()
    try:
        value = loads(raw)
    except JSONError as exc:  # only Python's own 4300-digit limit may refuse a number
        assert "digits" in str(exc)
        return
    assert dumps(value) == raw
