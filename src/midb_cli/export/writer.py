"""Writing an export atomically: JSONL, or one JSON array when the path ends in ``.json``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from midb_cli.jsonio import dumps, dumps_line
from midb_cli.records.writer import atomic_writer
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
