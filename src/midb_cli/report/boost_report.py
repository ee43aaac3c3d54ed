"""The `midb boost --report` page, built from the finished output file.

Built after the run by streaming over the whole output, so it describes every record the
output holds, records written by earlier (resumed) runs included, in bounded memory (the
``DiffReport`` heap). Each record's change is midb's own: ``midb.original`` -> the pair the
record now holds; its language and status are the ones midb stored.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from midb_cli.records.paths import refuse_clashes
from midb_cli.records.reader import Record, RecordReader, Reject
from midb_cli.report.builder import DiffReport
from midb_cli.report.change import midb_change, midb_meta


@dataclass
class BoostReportCounts:
    """What the report was built from."""

    records: int = 0
    compared: int = 0
    #: records without ``midb.original`` (``--no-keep-original``): counted, not compared
    without_original: int = 0
    #: lines of the output that are not valid records (should be 0 for a finished output)
    rejected: int = 0


def write_boost_report(
    output_path: str | os.PathLike[str],
    report_path: str | os.PathLike[str],
    *,
    title: str | None = None,
    rejects_path: str | os.PathLike[str] | None = None,
    rejected: int | None = None,
    top: int | None = 200,
) -> BoostReportCounts:
    """Write the HTML report of the boost output ``output_path`` to ``report_path``.

    ``rejected`` (the run's count of rejected input lines) and ``rejects_path`` add a note
    naming the rejects file. Raises ``UsageError`` when ``report_path`` is the output or the
    rejects file, ``InputError`` when the output cannot be read."""
    refuse_clashes(
        {"--report": str(report_path)},
        [str(output_path)] + ([str(rejects_path)] if rejects_path else []),
    )
    report = DiffReport(top=top, title=title or f"midb boost report: {output_path}")
    counts = BoostReportCounts()
    for item in RecordReader(output_path):
        if isinstance(item, Reject):
            counts.rejected += 1
            continue
        counts.records += 1
        change = midb_change(item)
        if change is None:
            counts.without_original += 1
            continue
        raw, revised = change
        lang, status = _lang_and_status(item)
        report.add(item.id, lang, raw, revised, status=status)
        counts.compared += 1
    if counts.without_original:
        report.note(
            f"{counts.without_original:,} record(s) without midb.original (written with "
            "--no-keep-original): counted, not compared."
        )
    if counts.rejected:
        report.note(f"{counts.rejected:,} line(s) of {output_path} are not valid records.")
    if rejected:
        where = f": {rejects_path}" if rejects_path else ""
        lines = "line" if rejected == 1 else "lines"
        report.note(f"{rejected:,} rejected {lines} of the input{where}")
    report.write_html(report_path)
    return counts


def _lang_and_status(record: Record) -> tuple[str, str | None]:
    meta = midb_meta(record) or {}
    lang = meta.get("lang")
    status = meta.get("status")
    return (
        lang if isinstance(lang, str) and lang else "und",
        status if isinstance(status, str) else None,
    )
