"""The counts of a boost run, and how they are shown at the end.

Counts add up by construction: every input line that is not blank is either a record written to
the output (this run, or an earlier run that this one resumed) or a reject.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from midb_cli.boost.protocol import STATUSES


@dataclass
class BoostSummary:
    output: str
    rejects_path: str
    engine: str
    read: int = 0  # records + rejects seen in the input
    resumed: int = 0  # records an earlier run had already written (skipped this time)
    written: int = 0  # records written by this run
    rejected: int = 0
    repaired_bytes: int = 0  # torn tail cut from the output before resuming
    interrupted: bool = False
    sharded: bool = False  # a driver's run: OUT is merged from the shards at the end
    unfinished: int = 0  # records read but not written when interrupted (redone on rerun)
    retried: int = 0  # `error` records of an earlier run asked again
    elapsed: float = 0.0
    #: (lang, status) -> records of this run
    by_lang_status: Counter[tuple[str, str]] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    #: the engine's live counters (tokens/s, requests in flight...) when it offers them
    engine_stats: Callable[[], dict[str, Any]] | None = field(default=None, repr=False)
    #: things that went wrong without stopping the run (shown after the counts)
    warnings: list[str] = field(default_factory=list)

    def count(self, lang: str, status: str, reason: str) -> None:
        self.written += 1
        self.by_lang_status[lang, status] += 1
        if reason and status != "boosted":
            self.reasons[reason] += 1

    @property
    def by_status(self) -> Counter[str]:
        out: Counter[str] = Counter()
        for (_, status), n in self.by_lang_status.items():
            out[status] += n
        return out

    @property
    def all_failed(self) -> bool:
        """This run asked for records and every one came back `error` (a model name the server
        does not know, a request it refuses): the run wrote them, and revised nothing."""
        return self.written > 0 and self.by_status["error"] == self.written

    @property
    def total_written(self) -> int:
        return self.resumed + self.written

    def counts_line(self) -> str:
        statuses = self.by_status
        parts = ", ".join(f"{s} {statuses[s]:,}" for s in STATUSES if statuses[s])
        line = f"read {self.read:,} = written {self.total_written:,} + rejected {self.rejected:,}"
        if self.unfinished:
            line += f" + unfinished {self.unfinished:,} (redone on rerun)"
        if self.resumed:
            line += f" ({self.resumed:,} already done by an earlier run)"
        if self.retried:
            line += f"; {self.retried:,} error record(s) asked again"
        if parts:
            line += f"; this run: {parts}"
        return line

    def to_json(self) -> dict[str, Any]:
        return {
            "output": self.output,
            "rejects": self.rejects_path if self.rejected else None,
            "engine": self.engine,
            "read": self.read,
            "written": self.total_written,
            "rejected": self.rejected,
            "resumed": self.resumed,
            "unfinished": self.unfinished,
            "retried": self.retried,
            "interrupted": self.interrupted,
            "statuses": dict(self.by_status),
            "reasons": dict(self.reasons),
        }


def render_summary(summary: BoostSummary, console: Any) -> None:
    """The final table (language x status), the fallback reasons, and the counts line."""
    from rich.table import Table

    langs = sorted({lang for lang, _ in summary.by_lang_status})
    statuses = [s for s in STATUSES if summary.by_status[s]]
    if langs and statuses:
        table = Table(title=f"midb boost ({summary.engine}) — this run", title_justify="left")
        table.add_column("lang")
        for status in statuses:
            table.add_column(status, justify="right")
        table.add_column("total", justify="right")
        # an interrupted sharded run knows its shards' statuses, not their languages ("all")
        for lang in [lang for lang in langs if lang != "all"]:
            row = [summary.by_lang_status[lang, s] for s in statuses]
            table.add_row(lang, *(f"{n:,}" for n in row), f"{sum(row):,}")
        totals = [summary.by_status[s] for s in statuses]
        table.add_row("all", *(f"{n:,}" for n in totals), f"{sum(totals):,}", style="bold")
        console.print(table)
    if summary.reasons:
        reasons = ", ".join(f"{r} {n:,}" for r, n in summary.reasons.most_common())
        console.print(f"reasons: {reasons}", highlight=False)
    if summary.repaired_bytes:
        console.print(
            f"cut a torn last line ({summary.repaired_bytes:,} bytes) from {summary.output}",
            highlight=False,
        )
    console.print(summary.counts_line(), highlight=False)
    if summary.rejected and summary.rejects_path:
        console.print(f"rejected lines: {summary.rejects_path}", highlight=False)
    timing = f"{summary.elapsed:.1f}s"
    if summary.written and summary.elapsed > 0:  # a rerun that only checked has no rate
        timing += f", {summary.written / summary.elapsed:,.0f} records/s"
    if summary.interrupted and not os.path.exists(summary.output):
        # sharded: OUT is merged at the end and the finished shards wait for the rerun; a
        # plain run stopped before its first record has not created OUT
        timing = "not written yet; the rerun merges it" if summary.sharded else "not written yet"
    console.print(f"output: {summary.output} ({timing})", highlight=False)
    for warning in summary.warnings:
        console.print(f"warning: {warning}", highlight=False)
    if summary.interrupted:
        console.print("Interrupted: rerun the same command to continue.", highlight=False)
    elif summary.resumed and not summary.written:
        console.print(
            f"Nothing left to do: {summary.output} was already complete (--overwrite starts over).",
            highlight=False,
        )
