"""Per-language distance summaries for diff views; merge by addition."""

from __future__ import annotations

from collections import Counter
from typing import Any

from midb_cli.report.entry import DiffEntry
from midb_cli.stats.histogram import IntHistogram


class DistanceSummary:
    """Counts and an exact distance histogram for one group of records."""

    __slots__ = ("changed", "distances", "statuses")

    def __init__(self) -> None:
        self.changed = 0
        self.distances = IntHistogram()
        self.statuses: Counter[str] = Counter()

    @property
    def records(self) -> int:
        return self.distances.count

    def add(self, entry: DiffEntry) -> None:
        self.distances.add(entry.distance)
        if entry.changed:
            self.changed += 1
        if entry.status is not None:
            self.statuses[entry.status] += 1

    def __iadd__(self, other: DistanceSummary) -> DistanceSummary:
        self.changed += other.changed
        self.distances += other.distances
        self.statuses.update(other.statuses)
        return self

    def to_json(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "changed": self.changed,
            "changed_share": round(self.changed / self.records, 4) if self.records else None,
            "distance": self.distances.summary(p90=True),
            "status": dict(sorted(self.statuses.items())),
        }


class LanguageSummaries:
    """A ``DistanceSummary`` per language plus one over everything."""

    def __init__(self) -> None:
        self.by_lang: dict[str, DistanceSummary] = {}
        self.total = DistanceSummary()

    def add(self, entry: DiffEntry) -> None:
        group = self.by_lang.get(entry.lang)
        if group is None:
            group = self.by_lang[entry.lang] = DistanceSummary()
        group.add(entry)
        self.total.add(entry)

    def __iadd__(self, other: LanguageSummaries) -> LanguageSummaries:
        for lang, group in other.by_lang.items():
            mine = self.by_lang.setdefault(lang, DistanceSummary())
            mine += group
        self.total += other.total
        return self

    def ordered(self) -> list[tuple[str, DistanceSummary]]:
        """Languages by record count, largest first, then by code."""
        return sorted(self.by_lang.items(), key=lambda kv: (-kv[1].records, kv[0]))
