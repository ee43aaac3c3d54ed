"""Which diff entries a view shows, in which order, in bounded memory.

Input order streams straight through; ``--top N`` by distance keeps a heap of N; a full sort
by distance spills the entries to a temporary SQLite file and reads them back in order.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator

from midb_cli.jsonio import dumps, loads
from midb_cli.records.pair import Pair
from midb_cli.report.entry import DiffEntry
from midb_cli.report.top import TopN, entry_key


class EntryView:
    """``add`` returns the entries to show now; ``finish`` the rest, in view order."""

    def __init__(self, sort: str = "distance", order: str = "desc", top: int | None = None):
        self.sort, self.order, self.top = sort, order, top
        self._shown = 0
        self._streaming = sort == "input" and order == "asc"
        self._heap: TopN[DiffEntry] | None = None
        self._spill: _Spill | None = None
        if not self._streaming:
            if top is not None:
                self._heap = TopN(top, entry_key(sort, order))
            else:
                self._spill = _Spill()

    def add(self, entry: DiffEntry) -> Iterable[DiffEntry]:
        if self._streaming:
            if self.top is None or self._shown < self.top:
                self._shown += 1
                return (entry,)
            return ()
        if self._heap is not None:
            self._heap.add(entry)
        elif self._spill is not None:
            self._spill.add(entry)
        return ()

    def finish(self) -> Iterator[DiffEntry]:
        if self._heap is not None:
            yield from self._heap.best_first()
        elif self._spill is not None:
            try:
                yield from self._spill.ordered(self.sort, self.order)
            finally:
                self._spill.close()

    def close(self) -> None:
        if self._spill is not None:
            self._spill.close()


class _Spill:
    def __init__(self) -> None:
        fd, self.path = tempfile.mkstemp(prefix="midb-sort-", suffix=".sqlite")
        os.close(fd)
        self.db = sqlite3.connect(self.path)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE e (seq INTEGER, distance INTEGER, body BLOB)")
        self._pending: list[tuple[int, int, bytes]] = []
        self._closed = False

    def add(self, e: DiffEntry) -> None:
        body = dumps(
            [
                e.id,
                e.lang,
                e.distance,
                e.fields,
                e.status,
                e.seq,
                e.raw.as_dict(),
                e.revised.as_dict(),
            ]
        )
        self._pending.append((e.seq, e.distance, body))
        if len(self._pending) >= 2000:
            self._flush()

    def _flush(self) -> None:
        self.db.executemany("INSERT INTO e VALUES (?,?,?)", self._pending)
        self._pending.clear()

    def ordered(self, sort: str, order: str) -> Iterator[DiffEntry]:
        self._flush()
        direction = "DESC" if order == "desc" else "ASC"
        # ties of distance keep input order, as the heap does
        by = f"distance {direction}, seq ASC" if sort == "distance" else f"seq {direction}"
        for (body,) in self.db.execute(f"SELECT body FROM e ORDER BY {by}"):
            i, lang, dist, fields, status, seq, raw, rev = loads(body)
            yield DiffEntry(
                i, lang, Pair.from_dict(raw), Pair.from_dict(rev), dist, fields, status, seq
            )

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.db.close()
            with contextlib.suppress(OSError):
                os.unlink(self.path)
