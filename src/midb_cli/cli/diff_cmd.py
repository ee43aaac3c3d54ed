"""`midb diff`: what changed between raw and revised pairs, with the paper's distance."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from midb_cli.cli.options import (
    DetectorOpt,
    FieldsOpt,
    IdKeyOpt,
    SchemaOpt,
    StrictOpt,
)
from midb_cli.report.run import HTML_TOP, TEXT_TOP


class Sort(str, Enum):
    distance = "distance"
    input = "input"


class Order(str, Enum):
    desc = "desc"
    asc = "asc"


class Compare(str, Enum):
    auto = "auto"
    midb = "midb"
    paper = "paper"


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
        compare: Annotated[
            Compare,
            typer.Option(
                "--compare",
                help="One file: auto (midb's own change in a boost output, else the file's "
                "revision), midb, or paper (the raw pair -> the MEB 'Revised ...' keys).",
            ),
        ] = Compare.auto,
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
        from midb_cli.report.run import DiffOptions, run_diff
        from midb_cli.report.safe_text import terminal_safe

        summary = run_diff(
            DiffOptions(
                str(original),
                str(revised) if revised else None,
                format=fmt.value if fmt else None,
                sort=sort.value if sort else None,
                order=order.value if order else None,
                top=top,
                langs=list(langs or ()),
                ids=list(ids or ()),
                html=str(html) if html is not None else None,
                schema=schema,
                fields=fields,
                id_key=id_key,
                strict=strict,
                detector=detector,
                compare=compare.value,
            ),
            stdout=sys.stdout.buffer,
            console=make_console(soft_wrap=True),
        )
        notes = list(summary.notes)
        if summary.html is not None:
            notes.append(f"HTML report written to {summary.html}")
        for line in notes:  # ids and reject reasons come from the data
            print(terminal_safe(line), file=sys.stderr)
