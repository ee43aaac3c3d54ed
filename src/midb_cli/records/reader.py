"""Streaming record reader: JSONL, JSONL.gz, JSON-array and Parquet files, in bounded memory.

Yields ``Record`` for every valid pair and ``Reject`` (with line number and reason) for every
bad line, in file order, so a consumer can keep input order and count everything. Blank lines
are skipped, a UTF-8 BOM and CRLF line ends are accepted.

JSON arrays (``.json`` files whose first character is ``[``) are read element by element
by ``midb_cli.records.json_array``.
"""

from __future__ import annotations

import gzip
import io
import os
import sys
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from midb_cli.errors import InputError, UsageError
from midb_cli.jsonio import JSONError, loads
from midb_cli.records.diagnose import RESEMBLANCE_MARKS, file_hint, first_seen, resemblance
from midb_cli.records.json_array import array_objects
from midb_cli.records.limits import bounded_lines, max_record_bytes, too_large_reason
from midb_cli.records.pair import Pair
from midb_cli.records.parquet import is_parquet_file, iter_parquet_rows, parquet_schema
from midb_cli.records.schema import (
    FieldError,
    Schema,
    detect_schema,
    resolve_schema,
    schema_choices_hint,
    schema_specs,
)

BOM = b"\xef\xbb\xbf"
#: how much of a bad line a reject keeps (a single bad line can be tens of MB)
REJECT_RAW_LIMIT = 1 << 20
META_KEY = "midb"
#: objects that may fit no schema before the reader gives up guessing
SCHEMA_PROBE_LIMIT = 100


@dataclass(slots=True)
class Record:
    path: str
    line: int
    id: str
    data: dict[str, Any]
    pair: Pair
    #: (raw, revised) when the record carries a revision: MEB revised fields, or midb output
    revision: tuple[Pair, Pair] | None = None

    @property
    def original(self) -> Pair:
        """The pair before any revision."""
        return self.revision[0] if self.revision else self.pair


@dataclass(slots=True)
class Reject:
    path: str
    line: int
    reason: str
    raw: bytes | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "line": self.line, "reason": self.reason}
        if self.raw is not None:
            out["raw"] = self.raw[:REJECT_RAW_LIMIT].decode("utf-8", errors="replace")
            if len(self.raw) > REJECT_RAW_LIMIT:
                out["raw_truncated"] = True
        return out

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


@dataclass
class ReadCounts:
    records: int = 0
    rejected: int = 0
    blank: int = 0
    #: set when a JSON array broke off and the rest of its file was not read
    unreadable_tail: list[str] = field(default_factory=list)


def open_binary(path: str | os.PathLike[str]) -> IO[bytes]:
    """Open a file for reading bytes, gunzipping ``.gz``; ``-`` is standard input."""
    p = str(path)
    if p == "-":
        return sys.stdin.buffer
    try:
        fh: IO[bytes] = open(p, "rb")  # noqa: SIM115 - the caller closes it
    except FileNotFoundError:
        raise InputError(f"{p}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{p}: is a directory, not a file") from None
    except PermissionError:
        raise InputError(f"{p}: permission denied") from None
    if p.endswith(".gz"):
        return gzip.GzipFile(fileobj=fh, mode="rb")  # type: ignore[return-value]
    return fh


def is_json_array_file(path: str) -> bool:
    name = path[:-3] if path.endswith(".gz") else path
    return name.endswith(".json")


def prompt_only(reader: RecordReader) -> bool:
    """Whether the file holds prompts without responses (AlpacaEval, MT-Bench)."""
    return reader.schema is not None and not reader.schema.holds_response


def record_id(obj: dict[str, Any], line: int, id_key: str | None) -> str:
    """The record's own id (``--id-key``, else ``id``, else the one midb stored), else
    ``line-N``: stable on every run over the same file."""
    for key in (id_key,) if id_key else ("id",):
        value = obj.get(key)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and value != "":
            return str(value)
    meta = obj.get(META_KEY)
    if isinstance(meta, dict) and isinstance(meta.get("id"), str):
        return str(meta["id"])
    return f"line-{line}"


class RecordReader:
    """Iterate over one input file. ``schema``/``fields`` override auto-detection."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        schema: str | None = None,
        fields: str | None = None,
        id_key: str | None = None,
        strict: bool = False,
        start: int | None = None,
        end: int | None = None,
        first_line: int = 1,
    ) -> None:
        """``start``/``end``: read only the bytes ``[start, end)`` of a plain JSONL file (a
        shard; both on line starts), numbering its first line ``first_line`` so that line
        numbers and ``line-N`` ids stay those of the whole file."""
        self.path = str(path)
        self.start = start
        self.end = end
        self.first_line = first_line
        self.schema_name = schema
        self.fields = fields
        self.id_key = id_key
        self.strict = strict
        self.schema: Schema | None = None
        self.counts = ReadCounts()
        self._undetected = 0  # objects seen before the schema was known that fit none
        #: the first non-blank item and the first reject, for the no-valid-record error
        self._first: tuple[int, Any, bytes | None] | None = None
        self._first_reject: Reject | None = None
        # a shard's first record is not the file's (the plan read that one)
        self._id_key_seen = start is not None and start > 0
        #: a Parquet input's arrow schema (for a Parquet output with the same column types)
        self.arrow_schema: Any = None

    # -- public -------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Record | Reject]:
        ranged = self.start is not None or self.end is not None
        parquet = not ranged and is_parquet_file(self.path)
        fh = None if parquet else open_binary(self.path)
        source = None
        try:
            if ranged:
                assert fh is not None
                source = self._jsonl_objects(_byte_range(fh, self.path, self.start, self.end))
            elif fh is None:
                self.arrow_schema = parquet_schema(self.path)
                source = iter_parquet_rows(self.path)
            elif is_json_array_file(self.path) and _starts_with(fh, b"["):
                source = array_objects(fh, self.path, self.counts)
            else:
                source = self._jsonl_objects(fh)
            for line, obj, raw, error in source:
                if self._first is None:
                    self._first = (line, obj, raw)
                item = self._to_item(line, obj, raw, error)
                if isinstance(item, Reject):
                    self.counts.rejected += 1
                    if self.strict:
                        raise InputError(f"{item} (--strict stops at the first bad line)")
                    if self._first_reject is None:
                        self._first_reject = item
                else:
                    self.counts.records += 1
                yield item
            # Here, in the reader, so that every command fails the same way whatever the
            # file's size: a run that read nothing usable must not look like a success.
            # A shard judges no file: whoever merges the shards checks the total.
            if self.counts.records == 0 and self._first_reject is not None and not ranged:
                raise InputError(self._nothing_valid_message())
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise InputError(f"{self.path}: cannot read: {exc}") from None
        finally:
            if isinstance(source, Generator):
                source.close()  # before the file: a JSON-array source detaches its text layer
            if fh is not None and fh is not sys.stdin.buffer:
                fh.close()

    # -- internals ----------------------------------------------------------------------
    def _to_item(
        self, line: int, obj: Any, raw: bytes | None, error: str | None
    ) -> Record | Reject:
        if error is not None:
            return Reject(self.path, line, error, raw)
        if not isinstance(obj, dict):
            return Reject(self.path, line, f"not a JSON object (got {_json_type(obj)})", raw)
        if self.schema is None:
            self.schema = resolve_schema(self.schema_name, self.fields, obj)
            if self.schema is None:
                # A stray object before the first real record is one bad line; a file where
                # nothing fits is the user's to fix with --schema/--fields.
                keys = ", ".join(list(obj)[:8]) or "(none)"
                self._undetected += 1
                like = resemblance(obj, ((spec.name, spec.template) for spec in schema_specs()))
                if self._undetected >= SCHEMA_PROBE_LIMIT:
                    raise InputError(
                        f"{self.path}: cannot tell the schema: none of the first "
                        f"{SCHEMA_PROBE_LIMIT} objects fits one (keys of line {line}: {keys}); "
                        + file_hint(None, obj, like, schema_choices_hint())
                    )
                reason = f"fits no known schema (keys: {keys})"
                return Reject(self.path, line, f"{reason}; {like.hint()}" if like else reason, raw)
        try:
            pair = self.schema.read(obj)
            revised = self.schema.read_revised(obj)
        except FieldError as exc:
            return Reject(self.path, line, self._explain(obj, exc), raw)
        revision = (pair, revised) if revised is not None else _midb_revision(obj, pair)
        if self.id_key is not None and not self._id_key_seen:
            self._check_id_key(obj, line)
        return Record(self.path, line, record_id(obj, line, self.id_key), obj, pair, revision)

    def _check_id_key(self, obj: dict[str, Any], line: int) -> None:
        """``--id-key`` names a key of the first record: a typo would give every record a
        ``line-N`` id in silence (a later record without the key gets one, as documented)."""
        if self.id_key in obj:
            self._id_key_seen = True
            return
        keys = ", ".join(list(obj)[:8]) or "(none)"
        raise UsageError(
            f"{self.path}: line {line}: --id-key {self.id_key!r} is not a key of the first "
            f"record (its keys: {keys})"
        )

    def _explain(self, obj: dict[str, Any], exc: FieldError) -> str:
        """The reject reason for an object the file's schema cannot read."""
        assert self.schema is not None
        other = detect_schema(obj)
        # Only when none of its keys belong to this schema: an alpaca record without its
        # output is an alpaca record with a missing field, not a prompt.
        if other is not None and not any(t.key in obj for t in self.schema.template):
            return f"{exc}; it fits the {other.name} schema (--schema {other.name})"
        known = frozenset(t.key for spec in schema_specs() for t in spec.template)
        like = resemblance(obj, [(self.schema.name, self.schema.template)], known)
        return f"{exc}; {like.hint()}" if like else str(exc)

    def _nothing_valid_message(self) -> str:
        assert self._first is not None and self._first_reject is not None
        line, obj, raw = self._first
        first = self._first_reject
        seen = "" if "keys:" in first.reason else f"; {first_seen(line, obj, raw)}"
        # A reject reason that already names the schema the keys resemble needs no more advice.
        explained = any(mark in first.reason for mark in RESEMBLANCE_MARKS)
        return (
            f"{self.path}: no valid record: all {self.counts.rejected:,} rejected "
            f"(first: line {first.line}: {first.reason}{seen}); "
            + (
                schema_choices_hint()
                if explained
                else file_hint(raw, obj, None, schema_choices_hint())
            )
        )

    def _jsonl_objects(self, fh: IO[bytes]) -> Iterator[tuple[int, Any, bytes | None, str | None]]:
        limit = max_record_bytes()
        offset = self.first_line - 1
        for line, raw, too_large in bounded_lines(fh, limit):
            line += offset
            if too_large:
                yield line, None, raw, too_large_reason(limit)
                continue
            if raw.startswith(BOM):  # also mid-file: `cat a.jsonl b.jsonl` keeps b's BOM
                raw = raw[3:]
            if raw[:1] != b"{" and not raw.strip():  # an object's line is not blank: no copy
                self.counts.blank += 1
                continue
            try:
                yield line, loads(raw), None, None
            except JSONError as exc:
                yield line, None, raw.rstrip(b"\r\n"), str(exc)
            except RecursionError:
                yield line, None, raw.rstrip(b"\r\n"), "JSON nested too deeply"


def _byte_range(fh: IO[bytes], path: str, start: int | None, end: int | None) -> IO[bytes]:
    """``fh`` positioned at ``start``, ending at ``end``: a view, no copy of the bytes."""
    if path == "-" or path.endswith(".gz"):
        raise InputError(f"{path}: a byte range needs a plain file (.gz inputs shard by file)")
    fh.seek(start or 0)
    if end is None:
        return fh
    # buffered: IOBase.readline on a raw stream would read one byte at a time
    return io.BufferedReader(_Bounded(fh, end - (start or 0)), buffer_size=1 << 20)


class _Bounded(io.RawIOBase):
    """The next ``size`` bytes of ``fh`` as a file of their own (``readline`` stops there)."""

    def __init__(self, fh: IO[bytes], size: int) -> None:
        self._fh = fh
        self._left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._left <= 0:
            return 0
        view = memoryview(buffer)[: self._left]
        n = self._fh.readinto(view)  # type: ignore[attr-defined]
        self._left -= n or 0
        return n or 0


def _starts_with(fh: IO[bytes], prefix: bytes) -> bool:
    """Peek at the first non-blank byte without consuming it (handles BOM)."""
    peek = fh.peek(4096) if hasattr(fh, "peek") else b""
    return peek.lstrip(BOM).lstrip()[:1] == prefix


def _json_type(obj: Any) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(obj), "a number"
    )


def _midb_revision(obj: dict[str, Any], pair: Pair) -> tuple[Pair, Pair] | None:
    meta = obj.get(META_KEY)
    if isinstance(meta, dict):
        original = meta.get("original")
        if isinstance(original, dict) and all(isinstance(v, str) for v in original.values()):
            return Pair.from_dict(original), pair
    return None
