"""Restoring input order after a booster that answers in any order.

Each item sent to the booster gets the next sequence number and a key (its ``BoostItem.id``,
unique among items in flight). Answers are parked until every earlier item is answered. The
booster pulls items only when it has room, so the buffer never holds more than the engine's
window of items: memory stays bounded however long the stream is.

``register`` may be called from the thread a booster pulls items on, ``complete`` and
``pop_ready`` from the pipeline's thread; a lock keeps the two consistent.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Generic, TypeVar

from midb_cli.errors import EngineError

Entry = TypeVar("Entry")
Answer = TypeVar("Answer")


class ReorderBuffer(Generic[Entry, Answer]):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_seq = 0  # the next sequence number to hand out
        self._next_out = 0  # the next sequence number to release
        self._seq_by_key: dict[str, int] = {}
        self._entries: dict[int, Entry] = {}
        self._answers: dict[int, Answer] = {}

    def in_flight(self, key: str) -> bool:
        with self._lock:
            return key in self._seq_by_key

    def register(self, key: str, entry: Entry) -> None:
        with self._lock:
            if key in self._seq_by_key:
                raise ValueError(f"key {key!r} is already in flight")
            seq = self._next_seq
            self._next_seq += 1
            self._seq_by_key[key] = seq
            self._entries[seq] = entry

    def complete(self, key: str, answer: Answer) -> Entry:
        """Park the answer for ``key``; returns the entry it belongs to."""
        with self._lock:
            seq = self._seq_by_key.pop(key, None)
            if seq is None:
                raise EngineError(f"the engine answered for an unknown or finished record {key!r}")
            self._answers[seq] = answer
            return self._entries[seq]

    def pop_ready(self) -> Iterator[tuple[Entry, Answer]]:
        """Entries with their answers, in input order, as far as no earlier one is missing."""
        while True:
            with self._lock:
                seq = self._next_out
                if seq not in self._answers:
                    return
                answer = self._answers.pop(seq)
                entry = self._entries.pop(seq)
                self._next_out += 1
            yield entry, answer

    def unanswered(self) -> list[tuple[str, Entry]]:
        """Items the engine never answered (key, entry), in input order."""
        with self._lock:
            return sorted(
                ((key, self._entries[seq]) for key, seq in self._seq_by_key.items()),
                key=lambda kv: self._seq_by_key[kv[0]],
            )

    @property
    def parked(self) -> int:
        """Answers waiting for an earlier item's answer."""
        with self._lock:
            return len(self._answers)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
