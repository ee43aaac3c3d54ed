"""Live progress on stderr (only when it is a terminal): done/total, records/s, ETA, statuses.

The total is counted in a background thread so the run starts at once; until it is known the
bar shows no ETA. For JSONL it is the line count (fast, blank lines included); for a JSON array
(one record may span many lines) and Parquet it is the number of records.
"""

from __future__ import annotations

import gzip
import threading
import time
from typing import Any

from midb_cli.boost.summary import BoostSummary

_COUNT_CHUNK = 1 << 22


def count_lines(path: str) -> int:
    """Lines of a JSONL(.gz) file (blank ones too: the total is an estimate), counted fast."""
    opener: Any = gzip.open if path.endswith(".gz") else open
    lines = 0
    last = b"\n"
    with opener(path, "rb") as fh:
        while chunk := fh.read(_COUNT_CHUNK):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n")


def count_records(path: str) -> int:
    """Records (and rejects) of a file whose lines are not records: JSON arrays, Parquet."""
    from midb_cli.records.parquet import is_parquet_file

    if is_parquet_file(path):
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(path).metadata.num_rows)
    from midb_cli.records.reader import RecordReader

    reader = RecordReader(path)
    try:
        for _ in reader:
            pass
    except Exception:  # the run itself reports what is wrong with the file
        pass
    return reader.counts.records + reader.counts.rejected


def count_items(path: str) -> int:
    from midb_cli.records.parquet import is_parquet_file
    from midb_cli.records.reader import is_json_array_file

    if is_parquet_file(path) or is_json_array_file(path):
        return count_records(path)
    return count_lines(path)


class LineCounter(threading.Thread):
    """Counts the input's items in the background; ``total`` is None until done (or on
    error)."""

    def __init__(self, path: str) -> None:
        super().__init__(daemon=True, name="midb-count-lines")
        self.path = path
        self.total: int | None = None

    def run(self) -> None:
        try:
            self.total = count_items(self.path)
        except (OSError, EOFError, gzip.BadGzipFile, ImportError):
            self.total = None


class BoostProgress:
    """A rich progress bar; ``update`` is cheap and redraws at most a few times a second."""

    REFRESH_SECONDS = 0.25

    def __init__(self, console: Any, path: str, engine: str) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self._counter = LineCounter(path) if path != "-" else None
        self._progress = Progress(
            TextColumn(f"boost ({engine})"),
            # a short bar leaves room for the counts on an 80-column terminal
            BarColumn(bar_width=16),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[statuses]}"),
            console=console,
            transient=True,
            auto_refresh=False,
        )
        self._task = self._progress.add_task("boost", total=None, rate="", statuses="")
        self._start = time.monotonic()
        self._last = 0.0
        self._first_done: int | None = None

    def __enter__(self) -> BoostProgress:
        if self._counter:
            self._counter.start()
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def update(self, done: int, summary: BoostSummary, *, force: bool = False) -> None:
        """Redraw with ``done`` records (resumed ones included) and the run's counts."""
        now = time.monotonic()
        if not force and now - self._last < self.REFRESH_SECONDS:
            return
        self._last = now
        if self._first_done is None:
            self._first_done = done  # records resumed from an earlier run do not count for speed
        elapsed = now - self._start
        rate = (done - self._first_done) / elapsed if elapsed > 0 else 0.0
        total = self._counter.total if self._counter else None
        self._progress.update(
            self._task,
            completed=done,
            total=total,
            rate=f"{rate:,.0f} rec/s",
            statuses=" ".join(f"{s} {n:,}" for s, n in summary.by_status.most_common())
            + _engine_text(summary.engine_stats() if summary.engine_stats else {}),
        )
        self._progress.refresh()


def _engine_text(stats: dict[str, Any]) -> str:
    """The LLM counters worth a glance: tokens/s and requests in flight."""
    parts = []
    if isinstance(stats.get("tokens_per_s"), (int, float)):
        parts.append(f"{stats['tokens_per_s']:,.0f} tok/s")
    if isinstance(stats.get("in_flight"), int):
        parts.append(f"{stats['in_flight']:,} in flight")
    return ("  " + " ".join(parts)) if parts else ""
