"""Mergeable per-language statistics of a stream of records (``midb stats``).

``StatsAccumulator.add(record, record_lang, findings=None)`` counts one record; shards merge
with ``+=``. Every distribution is an exact ``IntHistogram``, so memory does not grow with the
number of records. ``to_json()`` is the documented ``midb stats --json`` schema (README).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from midb_cli.distance import pair_distance
from midb_cli.langid import RecordLanguage
from midb_cli.languages import UNDETERMINED
from midb_cli.records.pair import ROLES
from midb_cli.records.reader import META_KEY, Record, Reject
from midb_cli.stats.histogram import IntHistogram

if TYPE_CHECKING:  # checks import langid models lazily; stats must not pull them in
    from midb_cli.checks.finding import Finding

SCHEMA_VERSION = 1
#: how many rejects are kept as examples (the count is always exact)
REJECT_SAMPLES = 5


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _add_counter(target: Counter[str], source: Counter[str]) -> None:
    target.update(source)


class LanguageStats:
    """Everything counted for one record language (or for all records)."""

    def __init__(self) -> None:
        self.records = 0
        self.chars = {role: IntHistogram() for role in ROLES}
        self.empty_input = 0
        self.mixed = 0
        self.undetermined_fields = 0
        # revisions (MEB revised fields, boost outputs with midb.original)
        self.revised = 0
        self.changed = 0
        self.distance = IntHistogram()
        self.raw_chars = 0
        self.revised_chars = 0
        # boost outputs (the `midb` object)
        self.boost_records = 0
        self.status: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.findings_before: Counter[str] = Counter()
        self.findings_after: Counter[str] = Counter()
        # findings fed by the caller (a later `midb stats --checks`)
        self.findings: Counter[str] = Counter()

    def add(
        self,
        record: Record,
        record_lang: RecordLanguage | None,
        findings: Iterable[Finding] | None,
    ) -> None:
        self.records += 1
        pair = record.pair  # what the file holds: raw for MEB files, the output for boost files
        for role in ROLES:
            self.chars[role].add(len(pair.get(role)))
        if not pair.input:
            self.empty_input += 1
        if record_lang is not None:
            if record_lang.mixed:
                self.mixed += 1
            for name, field_lang in record_lang.fields.items():
                if field_lang.lang == UNDETERMINED and pair.get(name):
                    self.undetermined_fields += 1
        if record.revision is not None:
            self._add_revision(record)
        meta = record.data.get(META_KEY)
        if isinstance(meta, dict):
            self._add_meta(meta)
        if findings is not None:
            self.findings.update(f.kind for f in findings)

    def _add_revision(self, record: Record) -> None:
        raw, revised = record.revision  # type: ignore[misc]
        self.revised += 1
        self.raw_chars += len(raw.instruction) + len(raw.input) + len(raw.response)
        self.revised_chars += len(revised.instruction) + len(revised.input) + len(revised.response)
        if raw == revised:
            self.distance.add(0)
        else:
            self.changed += 1
            self.distance.add(pair_distance(raw, revised))

    def _add_meta(self, meta: dict[str, Any]) -> None:
        self.boost_records += 1
        status = meta.get("status")
        self.status[status if isinstance(status, str) else "(none)"] += 1
        reason = meta.get("reason")
        if isinstance(reason, str) and reason:
            self.reasons[reason] += 1
        for key, counter in (
            ("findings_before", self.findings_before),
            ("findings_after", self.findings_after),
        ):
            items = meta.get(key)
            if isinstance(items, list):
                counter.update(
                    item["kind"]
                    for item in items
                    if isinstance(item, dict) and isinstance(item.get("kind"), str)
                )

    def __iadd__(self, other: LanguageStats) -> LanguageStats:
        self.records += other.records
        for role in ROLES:
            self.chars[role] += other.chars[role]
        for name in (
            "empty_input",
            "mixed",
            "undetermined_fields",
            "revised",
            "changed",
            "raw_chars",
            "revised_chars",
            "boost_records",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.distance += other.distance
        for name in ("status", "reasons", "findings_before", "findings_after", "findings"):
            _add_counter(getattr(self, name), getattr(other, name))
        return self

    def to_json(self, all_records: int) -> dict[str, Any]:
        out: dict[str, Any] = {
            "records": self.records,
            "share": _share(self.records, all_records),
            "chars": {role: self.chars[role].summary() for role in ROLES},
            "empty_input": self.empty_input,
            "empty_input_share": _share(self.empty_input, self.records),
            "mixed": self.mixed,
            "mixed_share": _share(self.mixed, self.records),
            "undetermined_fields": self.undetermined_fields,
            "revision": None,
            "boost": None,
            "findings": dict(sorted(self.findings.items())),
        }
        if self.revised:
            out["revision"] = {
                "records": self.revised,
                "changed": self.changed,
                "changed_share": _share(self.changed, self.revised),
                "distance": self.distance.summary(p90=True),
                "length_ratio": round(self.revised_chars / self.raw_chars, 4)
                if self.raw_chars
                else None,
            }
        if self.boost_records:
            out["boost"] = {
                "records": self.boost_records,
                "status": dict(sorted(self.status.items())),
                "reasons": dict(sorted(self.reasons.items())),
                "findings_before": dict(sorted(self.findings_before.items())),
                "findings_after": dict(sorted(self.findings_after.items())),
            }
        return out


@dataclass
class FileCounts:
    records: int = 0
    rejected: int = 0
    blank: int = 0

    def __iadd__(self, other: FileCounts) -> FileCounts:
        self.records += other.records
        self.rejected += other.rejected
        self.blank += other.blank
        return self


class StatsAccumulator:
    """Per-language ``LanguageStats``, per-file counts, and the rejects."""

    def __init__(self) -> None:
        self.languages: dict[str, LanguageStats] = {}
        self.files: dict[str, FileCounts] = {}
        self.rejected = 0
        self.reject_samples: list[Reject] = []

    @property
    def records(self) -> int:
        return sum(s.records for s in self.languages.values())

    @property
    def total(self) -> LanguageStats:
        """All languages together (summed on demand: per record only one group is updated)."""
        out = LanguageStats()
        for group in self.languages.values():
            out += group
        return out

    def _file(self, path: str) -> FileCounts:
        counts = self.files.get(path)
        if counts is None:
            counts = self.files[path] = FileCounts()
        return counts

    def add(
        self,
        record: Record,
        record_lang: RecordLanguage | None,
        findings: Iterable[Finding] | None = None,
    ) -> None:
        """Count one valid record under its record language (``und`` when unknown)."""
        if findings is not None:
            findings = list(findings)
        lang = record_lang.lang if record_lang is not None else UNDETERMINED
        group = self.languages.get(lang)
        if group is None:
            group = self.languages[lang] = LanguageStats()
        group.add(record, record_lang, findings)
        self._file(record.path).records += 1

    def add_reject(self, reject: Reject) -> None:
        self.rejected += 1
        self._file(reject.path).rejected += 1
        if len(self.reject_samples) < REJECT_SAMPLES:
            # keep no raw bytes: a bad line can be tens of MB
            self.reject_samples.append(Reject(reject.path, reject.line, reject.reason))

    def add_blank(self, path: str, count: int) -> None:
        self._file(path).blank += count

    def __iadd__(self, other: StatsAccumulator) -> StatsAccumulator:
        for lang, group in other.languages.items():
            mine = self.languages.setdefault(lang, LanguageStats())
            mine += group
        for path, counts in other.files.items():
            self._file(path).__iadd__(counts)
        self.rejected += other.rejected
        room = REJECT_SAMPLES - len(self.reject_samples)
        self.reject_samples.extend(other.reject_samples[: max(0, room)])
        return self

    def ordered_languages(self) -> list[tuple[str, LanguageStats]]:
        """Languages by record count, largest first; ``und`` last."""
        return sorted(
            self.languages.items(),
            key=lambda kv: (kv[0] == UNDETERMINED, -kv[1].records, kv[0]),
        )

    def to_json(self) -> dict[str, Any]:
        n = self.records
        und = self.languages.get(UNDETERMINED)
        return {
            "schema_version": SCHEMA_VERSION,
            "records": n,
            "rejected": self.rejected,
            "blank": sum(c.blank for c in self.files.values()),
            "undetermined": und.records if und else 0,
            "files": {
                path: {"records": c.records, "rejected": c.rejected, "blank": c.blank}
                for path, c in self.files.items()
            },
            "languages": {lang: s.to_json(n) for lang, s in self.ordered_languages()},
            "total": self.total.to_json(n),
            "rejects_sample": [
                {"path": r.path, "line": r.line, "reason": r.reason} for r in self.reject_samples
            ],
        }
