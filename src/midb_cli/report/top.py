"""Keep the N best items of a stream in bounded memory (a min-heap of size N)."""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Generic, TypeVar

from midb_cli.report.entry import DiffEntry

T = TypeVar("T")

SORT_KEYS = ("distance", "input")
ORDERS = ("desc", "asc")


class TopN(Generic[T]):
    """The ``n`` items with the largest ``key`` (None: keep everything)."""

    def __init__(self, n: int | None, key: Callable[[T], tuple[int, ...]]) -> None:
        self.n = n
        self.key = key
        self._heap: list[tuple[tuple[int, ...], int, T]] = []
        self._counter = 0

    def add(self, item: T) -> None:
        if self.n == 0:
            return
        entry = (self.key(item), self._counter, item)
        self._counter += 1
        if self.n is None or len(self._heap) < self.n:
            heapq.heappush(self._heap, entry)
        elif entry[0] > self._heap[0][0]:
            heapq.heapreplace(self._heap, entry)

    def __len__(self) -> int:
        return len(self._heap)

    def best_first(self) -> list[T]:
        return [item for _, _, item in sorted(self._heap, key=lambda e: e[0], reverse=True)]


def entry_key(
    sort: str = "distance", order: str = "desc"
) -> Callable[[DiffEntry], tuple[int, ...]]:
    """A key for ``TopN`` over diff entries: the largest key comes first in the view.
    Ties of distance keep input order."""
    if sort not in SORT_KEYS:
        raise ValueError(f"sort must be one of {SORT_KEYS}")
    if order not in ORDERS:
        raise ValueError(f"order must be one of {ORDERS}")
    sign = 1 if order == "desc" else -1
    if sort == "input":
        return lambda e: (sign * e.seq,)
    return lambda e: (sign * e.distance, -e.seq)
