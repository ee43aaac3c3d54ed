"""The boost output file: append-only JSONL that a rerun of the same command resumes.

Safety against ``kill -9`` rests on two facts: a record is one line that ends with ``\\n`` and
contains no other newline (JSON escapes them), and lines are only ever appended. So after any
crash the file is a run of complete records, possibly followed by one torn line; ``open``
truncates the torn tail and reports how many complete records there are and the ids of the first
and last, which the pipeline checks against the input before it skips that many records.

Lines are collected in memory and handed to the OS in large writes (by size or age); there is no
fsync per record: a killed process loses at most the unflushed tail, which the rerun redoes.

The file is created (or, starting over, truncated) only when the first record is written, so a
run that fails before it (a schema error, a server that cannot be reached) leaves no empty
output behind and destroys nothing. A lock beside the file (``OUT.lock``) keeps a second run off
the same output.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from midb_cli.errors import InputError
from midb_cli.jsonio import JSONError, dumps_line, loads
from midb_cli.records.lock import OutputLock
from midb_cli.records.paths import ensure_parent
from midb_cli.records.reader import META_KEY

FLUSH_BYTES = 1 << 20
FLUSH_SECONDS = 1.0
_SCAN_CHUNK = 1 << 22
#: how the `midb` object of an `error` record starts its status (orjson writes no spaces)
ERROR_MARK = b'"status":"error"'


@dataclass(frozen=True)
class ExistingOutput:
    """What an earlier run left in the output file."""

    records: int  # complete lines
    first_id: str | None
    last_id: str | None
    repaired_bytes: int  # size of the torn last line that was cut off (0 when none)
    last_engine: str | None = None  # the engine that wrote the last record
    #: lines that may hold an `error` record (a byte count, an upper bound; 0 means none)
    error_marks: int = 0

    def check_continues(self, output: object, record_id: str, index: int, where: str) -> None:
        """The input's record ``index`` (``where``: its path and line) must have the id this
        output holds there, checked at the first and the last record it holds."""
        expected = self.first_id if index == 1 else self.last_id
        if index in (1, self.records) and record_id != expected:
            which = "first" if index == 1 else "last"
            raise InputError(
                f"{output} does not continue this input: its {which} record has id "
                f"{expected!r}, the input's record {index:,} ({where}) has {record_id!r}; use "
                "--overwrite to start over"
            )


class ResumableOutput:
    """Append records to ``path``; ``open(resume=True)`` keeps what an earlier run wrote."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        flush_bytes: int = FLUSH_BYTES,
        flush_seconds: float = FLUSH_SECONDS,
        lock: bool = True,
        error_mark: bytes = ERROR_MARK,
    ) -> None:
        """``lock`` False: the caller already holds the lock that covers this file;
        ``error_mark``: the bytes a failed record's line holds (``ExistingOutput.error_marks``
        counts them: a score output marks its failures in ``score_reason``)."""
        self.path = Path(path)
        self.error_mark = error_mark
        self.flush_bytes = flush_bytes
        self.flush_seconds = flush_seconds
        self.written = 0  # records appended by this run (flushed or not)
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._last_flush = time.monotonic()
        self._fd: int | None = None
        self._truncate = False
        self._lock = OutputLock(self.path) if lock else None
        #: called just before the file is created or replaced (the first write of a new or
        #: overwritten output): what describes the output is written before it exists
        self.before_create: Callable[[], None] | None = None

    @property
    def is_open(self) -> bool:
        """The file is open for appending (an existing output being continued)."""
        return self._fd is not None

    def open(self, *, resume: bool) -> ExistingOutput:
        """Lock the output for this run. With ``resume`` an existing file is kept (torn tail
        cut off) and described; without it the file is replaced at the first write."""
        ensure_parent(self.path)
        if self._lock is not None:
            self._lock.acquire()
        try:
            existing = ExistingOutput(0, None, None, 0)
            if resume and self.path.exists():
                existing = scan_output(self.path, self.error_mark)
                self._open_fd(truncate=False)
            else:
                self._truncate = not resume
                # Fail now, not after the first record, when the folder is not writable.
                if not os.access(self.path.parent, os.W_OK):
                    raise InputError(f"{self.path}: cannot write: Permission denied")
        except BaseException:
            if self._lock is not None:
                self._lock.release()
            raise
        self._last_flush = time.monotonic()
        return existing

    def _open_fd(self, *, truncate: bool) -> None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (os.O_TRUNC if truncate else 0)
        try:
            self._fd = os.open(self.path, flags, 0o666)
        except OSError as exc:
            raise InputError(f"{self.path}: cannot write: {exc.strerror}") from None

    def write(self, obj: dict[str, Any]) -> None:
        self.write_raw(dumps_line(obj))

    def write_raw(self, line: bytes) -> None:
        """Append one record that is already a JSON line (ending with a newline)."""
        self._pending.append(line)
        self._pending_bytes += len(line)
        self.written += 1
        if (
            self._pending_bytes >= self.flush_bytes
            or time.monotonic() - self._last_flush >= self.flush_seconds
        ):
            self.flush()

    def flush(self) -> None:
        """Hand the collected lines to the OS in one write (survives kill -9, not power loss)."""
        if not self._pending:
            self._last_flush = time.monotonic()
            return
        if self._fd is None:
            if self.before_create is not None:
                self.before_create()
            self._open_fd(truncate=self._truncate)
        data = memoryview(b"".join(self._pending))
        self._pending.clear()
        self._pending_bytes = 0
        fd = self._fd
        assert fd is not None
        try:
            while data:
                n = os.write(fd, data)
                data = data[n:]
        except OSError as exc:
            raise InputError(f"{self.path}: cannot write: {exc.strerror}") from None
        self._last_flush = time.monotonic()

    def close(self) -> None:
        try:
            self.flush()
        finally:
            try:
                if self._fd is not None:
                    os.close(self._fd)
                    self._fd = None
            finally:
                if self._lock is not None:
                    self._lock.release()


def scan_output(path: Path, error_mark: bytes = ERROR_MARK) -> ExistingOutput:
    """Count the complete lines of ``path``, cut a torn last line, read the first and last ids,
    count the lines that may hold a failed record (``error_mark``)."""
    size = path.stat().st_size
    records = 0
    marks = 0
    first_newline = last_newline = -1  # offsets of the first and last b"\n"
    with open(path, "rb") as fh:
        offset = 0
        tail = b""  # the end of the last chunk: a mark may straddle two chunks
        while chunk := fh.read(_SCAN_CHUNK):
            marks += (tail + chunk).count(error_mark)
            tail = chunk[-(len(error_mark) - 1) :]
            n = chunk.count(b"\n")
            if n:
                records += n
                last_newline = offset + chunk.rindex(b"\n")
                if first_newline < 0:
                    first_newline = offset + chunk.index(b"\n")
            offset += len(chunk)
        fh.seek(0)
        first_line = fh.read(first_newline) if records else b""
        last_line = _line_ending_at(fh, last_newline) if records else b""
    keep = last_newline + 1
    if keep < size:
        # A torn last line from a killed run: cut it; the record is redone.
        os.truncate(path, keep)
    if not records:
        return ExistingOutput(0, None, None, size - keep)
    first = output_meta(path, 1, first_line)
    last = output_meta(path, records, last_line)
    engine = last.get("engine")
    return ExistingOutput(
        records,
        first["id"],
        last["id"],
        size - keep,
        engine if isinstance(engine, str) else None,
        marks,
    )


def _line_ending_at(fh: Any, newline_at: int) -> bytes:
    """The line that ends with the newline at offset ``newline_at`` (without it)."""
    start = newline_at
    step = 1 << 16
    while start > 0:
        lo = max(0, start - step)
        fh.seek(lo)
        block = fh.read(start - lo)
        cut = block.rfind(b"\n")
        if cut >= 0:
            start = lo + cut + 1
            break
        start = lo
        step *= 2
    fh.seek(start)
    line: bytes = fh.read(newline_at - start)
    return line


def output_meta(path: Path, line: int, raw: bytes) -> dict[str, Any]:
    try:
        obj = loads(raw)
    except JSONError:
        obj = None
    meta = obj.get(META_KEY) if isinstance(obj, dict) else None
    if not isinstance(meta, dict) or not isinstance(meta.get("id"), str):
        raise InputError(
            f"{path}:{line}: the output file exists but was not written by midb (no "
            f"{META_KEY!r} with an id in its records); "
            "use --overwrite to replace it, or choose another path"
        )
    return meta
