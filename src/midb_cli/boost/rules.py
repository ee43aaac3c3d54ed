"""The `rules` engine: the deterministic fixes of `midb_cli.checks.fixes`, no model.

It is the default engine. It works one record at a time (pulls the next item only after
answering the last), changes only what a fix is certain about, and reports ``boosted`` when the
pair changed and ``unchanged`` otherwise; findings it cannot fix stay in ``findings_after``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from midb_cli.boost.protocol import BoosterSpec, BoostItem, BoostOutcome, EngineSelection
from midb_cli.checks.fixes import fix_pair


class RulesBooster:
    name: ClassVar[str] = "rules"

    def __init__(self, selection: EngineSelection | None = None) -> None:
        self._fix_pair = fix_pair

    def boost(self, items: Iterator[BoostItem]) -> Iterator[BoostOutcome]:
        for item in items:
            result = self._fix_pair(item.pair, item.lang, item.findings, item.source)
            if result.pair is not item.pair and result.pair != item.pair:
                yield BoostOutcome(
                    item.id, "boosted", result.pair, details={"fixes": list(result.applied)}
                )
            else:
                yield BoostOutcome(item.id, "unchanged", item.pair)

    def close(self) -> None:
        pass


SPEC = BoosterSpec(
    "rules",
    "deterministic fixes, no model (placeholders, field leaks, punctuation, mojibake, loops)",
    RulesBooster,
)
