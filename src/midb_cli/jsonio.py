"""Fast JSON in and out (orjson), with the standard library as a fallback for valid JSON
that orjson refuses (integers beyond 64 bits, NaN/Infinity), so no valid record is lost."""

from __future__ import annotations

import json
from typing import Any

import orjson


class JSONError(ValueError):
    """The text is not valid JSON (message says why, without the text itself)."""


def loads(data: bytes | str) -> Any:
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        first_error = exc
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JSONError(f"invalid UTF-8 at byte {exc.start}") from None
    else:
        text = data
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise JSONError(f"invalid JSON: {first_error}") from None


def dumps(obj: Any) -> bytes:
    """One compact JSON document, UTF-8, non-ASCII kept as is, key order kept."""
    try:
        return orjson.dumps(obj)
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def dumps_line(obj: Any) -> bytes:
    return dumps(obj) + b"\n"
