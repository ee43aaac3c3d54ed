"""``DiffReport``: collect compared records in bounded memory, write one HTML file.

Used by ``midb diff --html`` and ``midb boost --report``::

    rep = DiffReport(top=200, title="midb boost report")
    for ...:
        rep.add(record_id, lang, raw_pair, revised_pair, status="boosted")
    rep.write_html("report.html")

Only the ``top`` records by distance are kept (a heap; ``top=None`` keeps all); the summary
and histogram count every record added.
"""

from __future__ import annotations

import os

from midb_cli.records.pair import Pair
from midb_cli.records.writer import atomic_writer
from midb_cli.report.entry import DiffEntry
from midb_cli.report.files import make_readable
from midb_cli.report.html import render_report
from midb_cli.report.summary import LanguageSummaries
from midb_cli.report.top import TopN, entry_key


class DiffReport:
    def __init__(
        self,
        top: int | None = 200,
        title: str = "midb diff report",
        *,
        sort: str = "distance",
        order: str = "desc",
    ) -> None:
        self.title = title
        self.top = top
        self.sort = sort
        self.order = order
        self.summaries = LanguageSummaries()
        self.notes: list[str] = []
        self._best: TopN[DiffEntry] = TopN(top, entry_key(sort, order))
        self._seq = 0

    def add(
        self, id: str, lang: str, raw: Pair, revised: Pair, status: str | None = None
    ) -> DiffEntry:
        """Compare one record and count it; returns the entry (distance, field distances)."""
        entry = DiffEntry.compare(id, lang, raw, revised, status, self._seq)
        self.add_entry(entry)
        return entry

    def add_entry(self, entry: DiffEntry) -> None:
        self._seq = max(self._seq, entry.seq) + 1
        self.summaries.add(entry)
        self._best.add(entry)

    def note(self, text: str) -> None:
        """A line shown under the title (e.g. rejected lines, unmatched ids)."""
        self.notes.append(text)

    def render_html(self) -> str:
        shown = self._best.best_first()
        total = self.summaries.total.records
        if self.sort == "input":
            what = "in input order" if self.order == "asc" else "in reverse input order"
        else:
            what = f"by distance, {'largest' if self.order == 'desc' else 'smallest'} first"
        caption = f"{len(shown):,} of {total:,} records, {what}"
        unchanged = sum(1 for e in shown if not e.changed)
        if unchanged:
            caption += f"; the {unchanged:,} unchanged among them are collapsed at the end"
        caption += "."
        return render_report(
            self.title, self.summaries, shown, shown_caption=caption, notes=self.notes
        )

    def write_html(self, path: str | os.PathLike[str]) -> None:
        with atomic_writer(path) as fh:
            fh.write(self.render_html().encode("utf-8"))
        make_readable(path)
