"""One engine for many shards: a long-lived worker (a Ray actor on a GPU) builds its booster
once, and each shard's run gets a view of it that does not close it at the end of the shard."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from midb_cli.boost.protocol import Booster, BoostItem, BoostOutcome


class KeptOpen:
    """``booster`` for one shard: ``close`` is left to the owner; the name is the engine's as
    the user chose it (what a run that built its own booster writes into ``midb.engine``)."""

    def __init__(self, booster: Booster, name: str) -> None:
        self._booster = booster
        self.name = name

    def boost(self, items: Iterator[BoostItem]) -> Iterator[BoostOutcome]:
        return self._booster.boost(items)

    def close(self) -> None:
        pass  # the owner closes the booster when the worker ends

    def __getattr__(self, attribute: str) -> Any:
        # the optional hooks (stats, hold_when, note_fallback) are the booster's own
        return getattr(self._booster, attribute)
