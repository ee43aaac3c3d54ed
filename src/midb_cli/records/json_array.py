"""Reading a JSON-array file element by element, in bounded memory.

Elements are parsed from a sliding buffer, so memory stays bounded by the largest element, not
the file. A syntax error inside an array cannot be resynchronised reliably: it becomes one
reject naming the line, and the rest of that file is not read (the summary says so).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from midb_cli.records.reader import ReadCounts


def array_objects(
    fh: IO[bytes], path: str, counts: ReadCounts
) -> Iterator[tuple[int, Any, bytes | None, str | None]]:
    text = io.TextIOWrapper(fh, encoding="utf-8-sig", errors="strict", newline="")
    try:
        yield from _iter_json_array(text, path, counts)
    except UnicodeDecodeError as exc:
        counts.unreadable_tail.append(path)
        yield 0, None, None, f"invalid UTF-8 ({exc.reason}); the rest of the file was not read"
    finally:
        text.detach()


_CHUNK = 1 << 20
_WS = " \t\r\n"


def _iter_json_array(
    text: io.TextIOBase, path: str, counts: ReadCounts
) -> Iterator[tuple[int, Any, bytes | None, str | None]]:
    """Elements of one top-level JSON array, with the line each starts on."""
    decoder = json.JSONDecoder()
    buf = ""
    pos = 0
    line = 1  # line number at buf[pos]
    eof = False

    def fill(min_more: int = _CHUNK) -> bool:
        nonlocal buf, pos, eof
        if eof:
            return False
        if pos:
            buf = buf[pos:]
            pos = 0
        chunk = text.read(max(_CHUNK, min_more))
        if not chunk:
            eof = True
            return False
        buf += chunk
        return True

    def skip_ws() -> None:
        nonlocal pos, line
        while True:
            start = pos
            while pos < len(buf) and buf[pos] in _WS:
                pos += 1
            line += buf.count("\n", start, pos)
            if pos < len(buf) or not fill():
                return

    def fail(reason: str) -> tuple[int, Any, bytes | None, str | None]:
        counts.unreadable_tail.append(path)
        return line, None, None, f"{reason}; the rest of this JSON array was not read"

    fill()
    skip_ws()
    if pos >= len(buf) or buf[pos] != "[":
        yield fail("expected '[' at the start of a JSON array")
        return
    pos += 1
    expect_value = True
    first = True
    while True:
        skip_ws()
        if pos >= len(buf):
            yield fail("the JSON array is not closed (file ends early)")
            return
        ch = buf[pos]
        if ch == "]" and (first or not expect_value):
            pos += 1
            return
        if not expect_value:
            if ch != ",":
                yield fail(f"expected ',' or ']' between array elements, found {ch!r}")
                return
            pos += 1
            expect_value = True
            continue
        while True:
            try:
                obj, end = decoder.raw_decode(buf, pos)
                break
            except json.JSONDecodeError as exc:
                # An element cut by the buffer's end looks like a syntax error: read more
                # (doubling, so a huge element costs O(n)) until the file ends.
                if not fill(len(buf) - pos):
                    yield fail(f"invalid JSON: {exc.msg}")
                    return
            except RecursionError:
                yield fail("JSON nested too deeply")
                return
        yield line, obj, None, None
        line += buf.count("\n", pos, end)
        pos = end
        first = False
        expect_value = False
