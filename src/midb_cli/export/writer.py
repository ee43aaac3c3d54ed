"""Writing an export atomically: JSONL, or one JSON array when the path ends in ``.json``; and
the rejects file of a command that writes its output whole (``midb export``, ``midb select``).

Both are written beside their target and renamed into place only when the command succeeds: an
interrupted run (Ctrl-C, SIGTERM, an error) leaves the files of the earlier run as they were.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from midb_cli.jsonio import dumps, dumps_line
from midb_cli.records.writer import RejectsWriter, atomic_writer
from midb_cli.report.files import make_readable


class RecordSink:
    def __init__(self, fh: IO[bytes], array: bool) -> None:
        self.fh = fh
        self.array = array
        self.count = 0

    def write(self, obj: dict[str, Any]) -> None:
        if self.array:
            self.fh.write((b"[\n" if self.count == 0 else b",\n") + dumps(obj))
        else:
            self.fh.write(dumps_line(obj))
        self.count += 1

    def finish(self) -> None:
        if self.array:
            self.fh.write(b"\n]\n" if self.count else b"[]\n")


@contextmanager
def record_sink(path: str) -> Iterator[RecordSink]:
    """A writer that replaces ``path`` only when everything was written."""
    with atomic_writer(path) as fh:
        sink = RecordSink(fh, path.endswith(".json"))
        yield sink
        sink.finish()
    make_readable(path)


@contextmanager
def rejects_file(path: str) -> Iterator[RejectsWriter]:
    """The rejects of a whole-file output: collected beside ``path`` (created at the first
    reject) and renamed over it on success; a run that rejected nothing removes the file an
    earlier run left, so the rejects file always belongs to the output beside it."""
    target = Path(path)
    work = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    writer = RejectsWriter(work)
    try:
        yield writer
        writer.close()
        if writer.count:
            os.replace(work, target)
        else:
            target.unlink(missing_ok=True)
    finally:
        writer.close()
        work.unlink(missing_ok=True)
