"""Reading a JSON-array file element by element, in bounded memory.

The file is scanned as bytes: a small state machine (bracket depth, inside a string or not,
driven by C-level regex searches) finds where each element ends, and the element alone is parsed
by ``jsonio.loads``, exactly as a JSONL line is. So a bad element (a syntax error, an invalid UTF-8
byte, NaN, an unpaired surrogate escape) is one reject naming the line it starts on, and the
elements after it are still read. Memory is bounded by ``MAX_RECORD_BYTES``: a longer element is
a reject and is scanned past without being kept; an element that never closes costs no more.

After the closing ``]`` the file may go on: another array (``cat a.json b.json``) or JSONL lines
are read too; anything else is a reject for its line, never dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from midb_cli.jsonio import JSONError, loads
from midb_cli.records.limits import RAW_KEEP_BYTES, max_record_bytes, too_large_reason

if TYPE_CHECKING:
    from midb_cli.records.reader import ReadCounts

Item = tuple[int, Any, bytes | None, str | None]

_CHUNK = 1 << 20
_BOM = b"\xef\xbb\xbf"
_NOT_WS = re.compile(rb"[^ \t\r\n]")
# inside a string: runs of plain bytes and escape pairs; stops at '"', a line end or a backslash
# the buffer cuts off. A raw line end cannot be in a JSON string: it ends a broken element there,
# so a stray quote costs that element and its line, not the rest of the file.
_STRING_BODY = re.compile(rb'[^"\\\n]*(?:\\[^\n][^"\\\n]*)*')
# an object with no '{' '[' ']' outside its strings and no line end inside them (one way to match
# each byte, so a failed match costs linear time, not backtracking)
_FLAT_OBJECT = re.compile(rb'\{(?:[^"{}\[\]]|"[^"\\\n]*(?:\\[^\n][^"\\\n]*)*")*\}')
_STRUCTURE = re.compile(rb'[\[\]{}"]')
_RESYNC = re.compile(rb"\n[ \t\r]*[{\]]")
_SCALAR_END = re.compile(rb'[,\[\]{}"\s]')
_QUOTE, _BACKSLASH, _NEWLINE = ord('"'), ord("\\"), ord("\n")
_OPEN = frozenset(b"[{")


def array_objects(
    fh: IO[bytes], path: str, counts: ReadCounts, limit: int | None = None
) -> Iterator[Item]:
    """``(line, object, raw, error)`` for every element of the file's arrays and every line
    after them; ``limit`` (default ``max_record_bytes()``) bounds one element."""
    return _ArrayScanner(fh, path, counts, limit or max_record_bytes()).items()


class _ArrayScanner:
    def __init__(self, fh: IO[bytes], path: str, counts: ReadCounts, limit: int) -> None:
        self.fh = fh
        self.path = path
        self.counts = counts
        self.limit = limit
        self.buf = bytearray()
        self.pos = 0  # first byte not yet consumed
        self.line = 1  # line number at self.pos
        self.eof = False
        # inside an element over the limit: its first bytes and line, the rest is read past
        self.skipping = False
        self.head = b""
        self.head_line = 0
        self.resynced = False  # the last element was broken and read up to a likely restart
        self.broke_off = False  # an element ran to the end of the file
        self.rebased = 0  # where a scan position moved to when ``more`` dropped consumed bytes

    # -- buffer -------------------------------------------------------------------------
    def fill(self) -> bool:
        """Drop consumed bytes, read more; False at the end of the file."""
        if self.pos:
            del self.buf[: self.pos]
            self.pos = 0
        if self.eof:
            return False
        chunk = self.fh.read(_CHUNK)
        if not chunk:
            self.eof = True
            return False
        self.buf += chunk
        return True

    def advance(self, to: int) -> None:
        self.line += self.buf.count(b"\n", self.pos, to)
        self.pos = to

    def peek(self) -> int | None:
        """The next byte that is not whitespace (consuming the whitespace), None at the end."""
        while True:
            m = _NOT_WS.search(self.buf, self.pos)
            if m is not None:
                self.advance(m.start())
                return self.buf[self.pos]
            self.advance(len(self.buf))
            if not self.fill():
                return None

    # -- the file -----------------------------------------------------------------------
    def items(self) -> Iterator[Item]:
        while True:
            if self.peek() is None:
                return
            if self.buf.startswith(_BOM, self.pos):  # `cat a.json b.json` keeps b's BOM
                self.advance(self.pos + len(_BOM))
                continue
            if self.buf[self.pos] == ord("["):
                self.advance(self.pos + 1)
                yield from self.array()
            else:
                yield self.text_line()

    def array(self) -> Iterator[Item]:
        after_value = False  # an element was read and no ',' yet
        after_comma = False
        while True:
            ch = self.peek()
            if ch is None:
                yield (
                    self.line,
                    None,
                    None,
                    "invalid JSON: the array is not closed (file ends early)",
                )
                return
            if ch == ord("]"):
                self.advance(self.pos + 1)
                if after_comma:
                    yield self.line, None, None, "invalid JSON: a ',' with no element before ']'"
                return
            if ch == ord(","):
                self.advance(self.pos + 1)
                if not after_value:
                    yield self.line, None, None, "invalid JSON: a ',' with no element before it"
                after_value, after_comma = False, True
                continue
            indent = self.indent()
            line, raw, error = self.element()
            if error is None and after_value:
                # two elements with nothing between them: probably two records, but not certain
                error = "invalid JSON: expected ',' or ']' before this element"
            if error is not None:
                yield line, None, raw, error
            else:
                item = _parsed(line, raw)
                if item[3] is not None and indent is not None:
                    item = self.cut_at_sibling(item, indent)
                yield item
            if self.broke_off:
                return
            # a broken element swallowed its ',' with its line: the next one needs none
            after_value, after_comma = not self.resynced, False
            self.resynced = False

    def indent(self) -> bytes | None:
        """The white space before the element at ``pos`` on its line; None when the element
        does not start its line."""
        start = self.buf.rfind(b"\n", 0, self.pos) + 1
        if start == 0 and self.line != 1:
            return None  # the line began before the buffer: cannot tell
        lead = bytes(self.buf[start : self.pos])
        return lead if not lead.strip() else None

    def cut_at_sibling(self, item: Item, indent: bytes) -> Item:
        """A broken element whose brackets happen to balance further on (a stray quote
        turned a '[' into structure) swallows the elements after it. Where a later line of it
        starts with '{' at the element's own indentation, the next element begins: the broken
        one ends there, and reading goes on from that line. Only ever applied to an element
        that does not parse, so a valid record is never cut."""
        line, _, raw, reason = item
        assert raw is not None
        at = raw.find(b"\n" + indent + b"{")  # exactly this indentation: a sibling, not a child
        if at < 0:
            return item
        cut = at + 1
        self.pos -= len(raw) - cut
        self.line -= raw.count(b"\n", cut)
        self.resynced = True  # the broken element swallowed its ',': the next needs none
        return line, None, raw[:cut].rstrip(), reason

    # -- one element ----------------------------------------------------------------------
    def element(self) -> tuple[int, bytes, str | None]:
        """``(line, bytes, None)``, or ``(line, first bytes, reason)`` for an element over the
        limit or not closed before the end of the file."""
        start_line = self.line
        end = self.scan_to_end()
        if end is not None and end - self.pos > self.limit and not self.skipping:
            self.start_skipping()
        if self.skipping:
            self.skipping = False
            if end is not None:
                self.advance(end)
            return self.head_line, self.head, self.unclosed(too_large_reason(self.limit), end)
        if end is None:
            head = bytes(self.buf[self.pos : self.pos + RAW_KEEP_BYTES])
            return start_line, head, self.unclosed("invalid JSON", end)
        raw = bytes(self.buf[self.pos : end])
        self.advance(end)
        return start_line, raw, None

    def unclosed(self, reason: str, end: int | None) -> str:
        if end is not None:
            return reason
        self.advance(len(self.buf))
        self.broke_off = True
        self.counts.unreadable_tail.append(self.path)
        return (
            f"{reason}: the element is not closed before the end of the file; "
            "the rest of this JSON array was not read"
        )

    def scan_to_end(self) -> int | None:
        """Where the element at ``pos`` ends; None when the file ends inside it."""
        first = self.buf[self.pos]
        if first not in _OPEN and first != _QUOTE:
            return self.scalar_end()
        flat = _FLAT_OBJECT.match(self.buf, self.pos)  # most records: one C-level match
        if flat is not None:
            return flat.end()
        depth, in_string, scan = 0, False, self.pos
        while True:
            if in_string:
                e = _STRING_BODY.match(self.buf, scan).end()  # type: ignore[union-attr]
                n = len(self.buf)
                if e < n and self.buf[e] == _QUOTE:
                    in_string, scan = False, e + 1
                    if depth == 0:
                        return scan
                elif e < n and (self.buf[e] == _NEWLINE or e + 1 < n):
                    return self.resync(e)
                elif not self.more(e):
                    return None
                else:
                    scan = self.rebased
                continue
            m = _STRUCTURE.search(self.buf, scan)
            if m is None:
                if not self.more(len(self.buf)):
                    return None
                scan = self.rebased
                continue
            ch, scan = self.buf[m.start()], m.end()
            if ch == _QUOTE:
                in_string = True
            elif ch in _OPEN:
                depth += 1
            else:
                depth -= 1
                if depth <= 0:
                    return scan

    def resync(self, scan: int) -> int | None:
        """A line end inside a string: the element is broken. It runs on to the next line that
        starts with '{' or ']' (where the next element or the array's end must be), so a stray
        quote costs that element, not the rest of the file."""
        self.resynced = True
        while True:
            m = _RESYNC.search(self.buf, scan)
            if m is not None:
                return m.start()
            last = self.buf.rfind(b"\n", scan)
            scan = last if last >= 0 else len(self.buf)
            if not self.more(scan):
                return None
            scan = self.rebased

    def scalar_end(self) -> int | None:
        scan = self.pos + 1  # at least one byte: a stray '}' is an element of its own
        while True:
            m = _SCALAR_END.search(self.buf, scan)
            if m is not None:
                return m.start()
            if not self.more(len(self.buf)):
                # the file ends right after a scalar: the open array is reported next
                return len(self.buf)
            scan = self.rebased

    def more(self, scan: int) -> bool:
        """Read more inside an element scanned up to ``scan``; the new position of ``scan`` is
        left in ``rebased``. The element stays in the buffer up to the limit; past it only its
        head is kept and the rest is consumed as it is scanned."""
        if not self.skipping and scan - self.pos > self.limit:
            self.start_skipping()
        if self.skipping:
            self.advance(scan)
        offset = self.pos
        ok = self.fill()
        self.rebased = scan - offset
        return ok

    def start_skipping(self) -> None:
        self.skipping = True
        self.head = bytes(self.buf[self.pos : self.pos + RAW_KEEP_BYTES])
        self.head_line = self.line

    # -- after the array --------------------------------------------------------------------
    def text_line(self) -> Item:
        """One line after an array is read like a JSONL line."""
        start_line = self.line
        scan = self.pos
        while True:
            end = self.buf.find(b"\n", scan)
            if end >= 0 or not self.more(len(self.buf)):
                break
            scan = self.rebased
        end = len(self.buf) if end < 0 else end
        if end - self.pos > self.limit and not self.skipping:
            self.start_skipping()
        if self.skipping:
            self.skipping = False
            self.advance(end)
            return self.head_line, None, self.head, too_large_reason(self.limit)
        raw = bytes(self.buf[self.pos : end]).rstrip(b"\r")
        self.advance(end)
        return _parsed(start_line, raw)


def _parsed(line: int, raw: bytes) -> Item:
    try:
        return line, loads(raw), None, None
    except JSONError as exc:
        return line, None, raw, str(exc)
    except RecursionError:
        return line, None, raw, "JSON nested too deeply"
