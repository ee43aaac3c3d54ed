"""`midb diff`: what changed between raw and revised pairs, with the paper's distance."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from midb_cli.cli.options import (
    DetectorOpt,
    FieldsOpt,
    IdKeyOpt,
    SchemaOpt,
    StrictOpt,
)
from midb_cli.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from midb_cli.report.align import AlignCounts
    from midb_cli.report.entry import DiffEntry


#: records shown by default: the terminal view and the HTML report are for reading
TEXT_TOP = 20
HTML_TOP = 200


class Sort(str, Enum):
    distance = "distance"
    input = "input"


class Order(str, Enum):
    desc = "desc"
    asc = "asc"


class Format(str, Enum):
    text = "text"
    jsonl = "jsonl"


def register(app: typer.Typer) -> None:
    @app.command()
    def diff(
        original: Annotated[
            Path, typer.Argument(help="The raw file, or one file holding raw and revised pairs.")
        ],
        revised: Annotated[
            Path | None, typer.Argument(help="The revised file, aligned to ORIGINAL by record id.")
        ] = None,
        fmt: Annotated[
            Format | None,
            typer.Option(
                "--format",
                help="text: highlighted diffs; jsonl: one {id, lang, distance, fields} per record.",
            ),
        ] = None,
        sort: Annotated[
            Sort | None,
            typer.Option(
                "--sort", help="distance (default for text) or input order (default for jsonl)."
            ),
        ] = None,
        order: Annotated[
            Order | None,
            typer.Option("--order", help="desc or asc (default: largest distance first)."),
        ] = None,
        top: Annotated[
            int | None,
            typer.Option(
                "--top", help=f"Show N records, 0 for all (default: text {TEXT_TOP}, jsonl all)."
            ),
        ] = None,
        langs: Annotated[
            list[str] | None, typer.Option("--lang", help="Only records of this language.")
        ] = None,
        ids: Annotated[
            list[str] | None, typer.Option("--id", help="Only this record id (repeatable).")
        ] = None,
        html: Annotated[
            Path | None,
            typer.Option(
                "--html",
                help=f"Write a self-contained HTML report (top {HTML_TOP} by distance, or --top N).",
            ),
        ] = None,
        schema: SchemaOpt = None,
        fields: FieldsOpt = None,
        id_key: IdKeyOpt = None,
        strict: StrictOpt = False,
        detector: DetectorOpt = "auto",
    ) -> None:
        """Compare raw and revised pairs: edit distance (the MIDB paper's) and highlighted diffs.

        Examples: midb diff meb.jsonl --top 5 ; midb diff in.jsonl out.jsonl --format jsonl ;
        midb diff out.jsonl --html report.html
        """
        from midb_cli.cli.console import make_console
        from midb_cli.jsonio import dumps_line
        from midb_cli.langid import LanguageIdentifier
        from midb_cli.records.writer import refuse_overwriting_input
        from midb_cli.report import DiffReport
        from midb_cli.report.align import DiffSource
        from midb_cli.report.terminal import print_entry
        from midb_cli.report.view import EntryView

        if top is not None and top < 0:
            raise UsageError("--top must be 0 (all) or more")
        inputs = [str(original)] + ([str(revised)] if revised else [])
        if html is not None:
            refuse_overwriting_input(html, inputs)
        # --html alone writes the report only; add --format to also print a view
        view_format = fmt if fmt is not None else (None if html else Format.text)
        is_jsonl = view_format is Format.jsonl
        sort_by = (sort or (Sort.input if is_jsonl else Sort.distance)).value
        order_by = (order or (Order.asc if sort_by == "input" else Order.desc)).value
        view_top = top if top is not None else (None if is_jsonl else TEXT_TOP)
        view = EntryView(sort_by, order_by, view_top or None) if view_format else None
        report = (
            DiffReport(
                top=HTML_TOP if top is None else (top or None),
                title=f"midb diff: {' → '.join(inputs)}",
            )
            if html is not None
            else None
        )
        source = DiffSource(
            str(original),
            str(revised) if revised else None,
            identifier=LanguageIdentifier(backend=detector),
            schema=schema,
            fields=fields,
            id_key=id_key,
            strict=strict,
        )
        lang_filter = set(langs or ())
        id_filter = set(ids or ())
        console = make_console(soft_wrap=True)
        out = sys.stdout.buffer

        def show(entries: Iterable[DiffEntry]) -> None:
            for entry in entries:
                if is_jsonl:
                    out.write(dumps_line(entry.to_json()))
                else:
                    print_entry(console, entry)

        shown_matches = 0
        try:
            for entry in source:
                if lang_filter and entry.lang not in lang_filter:
                    continue
                if id_filter and entry.id not in id_filter:
                    continue
                shown_matches += 1
                if report is not None:
                    report.add_entry(entry)
                if view is not None:
                    show(view.add(entry))
            if view is not None:
                show(view.finish())
        finally:
            if view is not None:
                view.close()
        out.flush()

        counts = source.counts
        notes = _summary_lines(counts, inputs, shown_matches, bool(lang_filter or id_filter))
        if report is not None:
            for line in notes:
                report.note(line)
            report.write_html(html)
            notes.append(f"HTML report written to {html}")
        for line in notes:
            print(line, file=sys.stderr)


def _summary_lines(
    counts: AlignCounts, inputs: list[str], matched: int, filtered: bool
) -> list[str]:
    """What was compared and what could not be, for stderr and the HTML report."""
    lines = [f"{counts.compared:,} records compared"]
    if filtered:
        lines[0] += f", {matched:,} match --lang/--id"
    if counts.rejected:
        lines.append(
            f"{counts.rejected:,} rejected line(s), first: " + "; ".join(counts.reject_samples[:3])
        )
    if counts.no_revision:
        lines.append(
            f"{counts.no_revision:,} record(s) without a revision, not compared: "
            + ", ".join(counts.no_revision_ids)
        )
    if counts.only_original:
        lines.append(
            f"{counts.only_original:,} id(s) only in {inputs[0]}: "
            + ", ".join(counts.only_original_ids)
        )
    if counts.only_revised:
        lines.append(
            f"{counts.only_revised:,} id(s) only in {inputs[-1]}: "
            + ", ".join(counts.only_revised_ids)
        )
    return lines
