"""The ``midb stats`` tables (rich), written to the console given."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from midb_cli.records.pair import ROLES
from midb_cli.stats.accumulator import LanguageStats, StatsAccumulator

_ROLE_ABBR = {"instruction": "instr", "input": "input", "response": "resp"}


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def _num(value: float | int | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if isinstance(value, float) else f"{value:,}"


def _chars(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _rows(acc: StatsAccumulator, total: LanguageStats) -> list[tuple[str, LanguageStats]]:
    rows = acc.ordered_languages()
    if len(rows) > 1:
        rows.append(("all", total))
    return rows


def print_stats(console: Console, acc: StatsAccumulator) -> None:
    n = acc.records
    total = acc.total
    table = Table(
        box=box.SIMPLE_HEAD,
        title="Records per language",
        title_justify="left",
        caption=(
            "instr/input/resp: characters, mean/median; empty: empty inputs; "
            "mixed: fields disagree in language; und: fields of unknown language"
        ),
        caption_justify="left",
    )
    table.add_column("lang", no_wrap=True, min_width=4)
    table.add_column("records", justify="right", no_wrap=True)
    table.add_column("share", justify="right", no_wrap=True)
    for role in ROLES:
        table.add_column(_ROLE_ABBR[role], justify="right", no_wrap=True)
    for name in ("empty", "mixed", "und"):
        table.add_column(name, justify="right", no_wrap=True)
    for lang, s in _rows(acc, total):
        table.add_row(
            lang,
            _num(s.records),
            _pct(s.records, n),
            *(f"{_chars(s.chars[r].mean)}/{_chars(s.chars[r].median)}" for r in ROLES),
            _pct(s.empty_input, s.records),
            _pct(s.mixed, s.records),
            _num(s.undetermined_fields),
        )
    console.print(table)

    if total.revised:
        rev = Table(box=box.SIMPLE_HEAD, title="Revisions (raw → revised)", title_justify="left")
        for name in ("lang", "records", "changed", "dist mean", "median", "p90", "len ratio"):
            rev.add_column(name, justify="left" if name == "lang" else "right")
        for lang, s in _rows(acc, total):
            if not s.revised:
                continue
            ratio = f"{s.revised_chars / s.raw_chars:.2f}" if s.raw_chars else "–"
            rev.add_row(
                lang,
                _num(s.revised),
                _pct(s.changed, s.revised),
                _num(s.distance.mean),
                _num(s.distance.median),
                _num(s.distance.quantile(0.9)),
                ratio,
            )
        console.print(rev)

    if total.boost_records:
        boost = Table(box=box.SIMPLE_HEAD, title="Boost status", title_justify="left")
        boost.add_column("lang", no_wrap=True, min_width=4)
        boost.add_column("status")
        boost.add_column("reasons (top 4)")
        for lang, s in _rows(acc, total):
            if s.boost_records:
                boost.add_row(
                    lang,
                    ", ".join(f"{k} {v:,}" for k, v in sorted(s.status.items())),
                    ", ".join(f"{k} {v:,}" for k, v in s.reasons.most_common(4)) or "–",
                )
        console.print(boost)
        if total.findings_before or total.findings_after:
            defects = Table(box=box.SIMPLE_HEAD, title="Defects found", title_justify="left")
            for name in ("lang", "kind", "before boost", "after boost"):
                defects.add_column(name, justify="right" if "boost" in name else "left")
            for lang, s in _rows(acc, total):
                for kind in sorted(set(s.findings_before) | set(s.findings_after)):
                    defects.add_row(
                        lang, kind, _num(s.findings_before[kind]), _num(s.findings_after[kind])
                    )
            console.print(defects)

    if total.findings:
        found = Table(box=box.SIMPLE_HEAD, title="Findings", title_justify="left")
        found.add_column("lang", no_wrap=True, min_width=4)
        found.add_column("kinds")
        for lang, s in _rows(acc, total):
            found.add_row(lang, ", ".join(f"{k} {v:,}" for k, v in s.findings.most_common()))
        console.print(found)

    if len(acc.files) > 1:
        files = Table(box=box.SIMPLE_HEAD, title="Files", title_justify="left")
        for name in ("file", "records", "rejected", "blank"):
            files.add_column(name, justify="left" if name == "file" else "right")
        for path, c in acc.files.items():
            files.add_row(path, _num(c.records), _num(c.rejected), _num(c.blank))
        console.print(files)
    console.print(f"{n:,} records, {acc.rejected:,} rejected lines.")
