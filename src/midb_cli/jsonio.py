"""Fast JSON in and out (orjson), exact where orjson is not.

orjson reads integers beyond 64 bits as floats, which would change a user's value on the way
through; lines holding 20 or more digits in a row are therefore parsed by the standard library
instead (a C scan finds them; such lines are rare). NaN/Infinity are not JSON and are refused,
as are unpaired surrogate escapes, which cannot be written back as UTF-8.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

_LONG_DIGITS_BYTES = re.compile(rb"[0-9]{20}")
_LONG_DIGITS_TEXT = re.compile(r"[0-9]{20}")


class JSONError(ValueError):
    """The text is not valid JSON (message says why, without the text itself)."""


def loads(data: bytes | str) -> Any:
    long_digits = (_LONG_DIGITS_BYTES if isinstance(data, bytes) else _LONG_DIGITS_TEXT).search(
        data
    )  # type: ignore[arg-type]
    if long_digits is None:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            _check_utf8(data)
            raise JSONError(f"invalid JSON: {exc}") from None
    return _exact_loads(data)


def _check_utf8(data: bytes | str) -> None:
    if isinstance(data, bytes):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JSONError(f"invalid UTF-8 at byte {exc.start}") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _exact_loads(data: bytes | str) -> Any:
    """The standard library's parser: big integers stay exact integers."""
    _check_utf8(data)
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    try:
        obj = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise JSONError(f"invalid JSON: {exc.msg}: line {exc.lineno} column {exc.colno}") from None
    except (ValueError, RecursionError) as exc:
        raise JSONError(f"invalid JSON: {exc}") from None
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise JSONError("invalid JSON: a string holds an unpaired surrogate escape") from None
    return obj


def dumps(obj: Any) -> bytes:
    """One compact JSON document, UTF-8, non-ASCII kept as is, key order kept."""
    try:
        return orjson.dumps(obj)
    except (TypeError, orjson.JSONEncodeError):
        # integers beyond 64 bits: the standard library writes them exactly
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def dumps_line(obj: Any) -> bytes:
    return dumps(obj) + b"\n"
