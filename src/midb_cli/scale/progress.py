"""Progress across workers, seen from the driver: it follows the shard output files as they grow.

That works the same for local processes, Ray actors and a scheduler's jobs (the plan folder is
the one place they all write to), and needs no channel from the workers. Only whole lines are
counted; the status of each is found by its ``"status":"..."`` bytes (orjson writes no spaces,
and a string value that held those bytes would have its quotes escaped).
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Callable

from midb_cli.boost.protocol import STATUSES
from midb_cli.boost.summary import BoostSummary
from midb_cli.scale.manifest import Plan

_MARKS = {status: f'"status":"{status}"'.encode() for status in STATUSES}


class ShardTail:
    """Counts the records in the shard outputs; ``poll`` reads only what is new."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._offsets: dict[int, int] = {}
        self._partial: dict[int, bytes] = {}
        self.records = 0
        self.by_status: Counter[str] = Counter()
        self._per_shard: dict[int, tuple[int, Counter[str]]] = {}

    def poll(self) -> int:
        for shard in self.plan.shards:
            path = self.plan.output_of(shard.index)
            offset = self._offsets.get(shard.index, 0)
            try:
                size = os.path.getsize(path)
                if size < offset:  # a torn tail was cut on resume: count again from the start
                    offset = 0
                    self._partial[shard.index] = b""
                    self.records -= self._recount(shard.index)
                if size == offset:
                    continue
                with open(path, "rb") as fh:
                    fh.seek(offset)
                    chunk = self._partial.get(shard.index, b"") + fh.read(size - offset)
            except FileNotFoundError:
                continue
            cut = chunk.rfind(b"\n") + 1
            whole, self._partial[shard.index] = chunk[:cut], chunk[cut:]
            self._offsets[shard.index] = size
            self._add(shard.index, whole)
        return self.records

    def summary(self, engine: str) -> BoostSummary:
        summary = BoostSummary(self.plan.options.output, "", engine)
        for status, n in self.by_status.items():
            summary.by_lang_status["all", status] = n
        return summary

    # -- internals ----------------------------------------------------------------------------
    def _add(self, index: int, data: bytes) -> None:
        lines, statuses = self._per_shard.get(index, (0, Counter()))
        n = data.count(b"\n")
        lines += n
        self.records += n
        for status, mark in _MARKS.items():
            found = data.count(mark)
            if found:
                statuses[status] += found
                self.by_status[status] += found
        self._per_shard[index] = (lines, statuses)

    def _recount(self, index: int) -> int:
        lines, statuses = self._per_shard.pop(index, (0, Counter()))
        self.by_status.subtract(statuses)
        return lines


class ProgressThread(threading.Thread):
    """Calls ``update(done, summary)`` a few times a second until ``stop``."""

    def __init__(
        self, tail: ShardTail, engine: str, update: Callable[[int, BoostSummary], None]
    ) -> None:
        super().__init__(daemon=True, name="midb-shard-progress")
        self.tail = tail
        self.engine = engine
        self.update = update
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.wait(0.5):
            self.update(self.tail.poll(), self.tail.summary(self.engine))

    def stop(self) -> None:
        self._stop_event.set()
        self.join()
