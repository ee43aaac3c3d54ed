"""Fast JSON in and out (orjson), exact where orjson is not.

Every JSON number a user wrote is written back byte for byte. orjson normalises numbers
(``1E2`` -> ``100.0``, ``19.990000000000000001`` -> ``19.99``, ``-0`` -> ``0``), reads integers
beyond 64 bits as floats and refuses ``1e999``; so a document holding a float, a ``-0`` or a number
orjson cannot read is parsed again by the standard library, whose hooks see each number's text.
A number that would not round-trip becomes a ``RawNumber``: a float that remembers its text and is
written back as that text (``orjson.Fragment``). Ordinary documents (strings and small integers)
keep orjson's fast path.

Refused, as not JSON or not writable as UTF-8: NaN/Infinity, unpaired surrogate escapes, invalid
UTF-8. ``dumps`` never writes invalid JSON: no NaN/Infinity, no unpaired surrogates.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

# "-0" as a whole number token; text such as "UTC-0 " also matches, which only costs a slow parse
_NEG_ZERO_BYTES = re.compile(rb"-0(?![0-9.eE])")
_NEG_ZERO_TEXT = re.compile(r"-0(?![0-9.eE])")


class JSONError(ValueError):
    """The text is not valid JSON (message says why, without the text itself)."""


class RawNumber(float):
    """A JSON number whose text a float cannot reproduce; ``raw`` is that text."""

    __slots__ = ("raw",)
    raw: str

    def __new__(cls, value: float, raw: str) -> RawNumber:
        self = super().__new__(cls, value)
        self.raw = raw
        return self

    def __getnewargs__(self) -> tuple[float, str]:  # type: ignore[override]  # copy and pickle
        return float(self), self.raw

    def __repr__(self) -> str:
        return f"RawNumber({self.raw})"


def loads(data: bytes | str) -> Any:
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError:
        _check_utf8(data)
        return _exact_loads(data)
    if _has_float(obj) or _has_negative_zero(data):
        return _exact_loads(data)
    return obj


def _has_negative_zero(data: bytes | str) -> bool:
    if isinstance(data, bytes):
        # the search alone: the engine scans for its literal `-0` lead faster than
        # `b"-0" in data` finds it (0.6 against 1.3 us on a 1.3 kB line)
        return _NEG_ZERO_BYTES.search(data) is not None
    return "-0" in data and _NEG_ZERO_TEXT.search(data) is not None


def _has_float(obj: Any) -> bool:
    """True when a float is anywhere in ``obj`` (iterative: orjson nests up to 1024 deep)."""
    if type(obj) is dict:
        stack = list(obj.values())
    elif type(obj) is list:
        stack = obj[:]
    else:
        return type(obj) is float
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is str:
            continue
        if kind is float:
            return True
        if kind is dict:
            stack.extend(value.values())
        elif kind is list:
            stack.extend(value)
    return False


def _check_utf8(data: bytes | str) -> None:
    if isinstance(data, bytes):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JSONError(f"invalid UTF-8 at byte {exc.start}") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _exact_float(text: str) -> float:
    value = float(text)
    return value if orjson.dumps(value) == text.encode() else RawNumber(value, text)


def _exact_int(text: str) -> int | float:
    # JSON integers have no sign or leading zeros to lose: only "-0" does not round-trip
    return RawNumber(-0.0, text) if text == "-0" else int(text)


def _exact_loads(data: bytes | str) -> Any:
    """The standard library's parser: big integers stay exact, odd numbers keep their text."""
    _check_utf8(data)
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    try:
        obj = json.loads(
            text, parse_constant=_refuse_constant, parse_float=_exact_float, parse_int=_exact_int
        )
    except json.JSONDecodeError as exc:
        raise JSONError(f"invalid JSON: {exc.msg}: line {exc.lineno} column {exc.colno}") from None
    except (ValueError, RecursionError) as exc:
        raise JSONError(f"invalid JSON: {exc}") from None
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise JSONError("invalid JSON: a string holds an unpaired surrogate escape") from None
    return obj


def _raw_default(obj: Any) -> Any:
    if isinstance(obj, RawNumber):
        return orjson.Fragment(obj.raw)
    raise TypeError(f"Type is not JSON serializable: {type(obj).__name__}")


def dumps(obj: Any) -> bytes:
    """One compact JSON document, UTF-8, non-ASCII kept as is, key order kept."""
    try:
        return orjson.dumps(obj, default=_raw_default)
    except orjson.JSONEncodeError:
        # integers beyond 64 bits, unpaired surrogates (only midb's own text can hold them: the
        # reader refuses them), non-string keys: made writable, then orjson again
        return orjson.dumps(_writable(obj), default=_raw_default, option=orjson.OPT_NON_STR_KEYS)


def dumps_line(obj: Any) -> bytes:
    return dumps(obj) + b"\n"


def _writable(obj: Any) -> Any:
    """A copy of ``obj`` orjson can write: big integers as exact fragments, unpaired
    surrogates as U+FFFD (recursive: only reached on rare documents)."""
    kind = type(obj)
    if kind is dict:
        return {_writable(k): _writable(v) for k, v in obj.items()}
    if kind is list or kind is tuple:
        return [_writable(v) for v in obj]
    if kind is int and not -(1 << 63) <= obj < (1 << 64):
        return orjson.Fragment(str(obj))
    if kind is str:
        return _without_surrogates(obj)
    return obj


def _without_surrogates(text: str) -> str:
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        # a high + low pair stored as two code units becomes the one character it stands for
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
