"""`midb export IN -o OUT --format alpaca|messages|sharegpt`: what a user fine-tunes on."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from midb_cli.cli.options import FieldsOpt, IdKeyOpt, SchemaOpt, StrictOpt


def export(
    input: Annotated[str, typer.Argument(help="A boost output (or MEB, alpaca ...) file.")],
    output: Annotated[
        str, typer.Option("-o", "--output", help="Training file: .jsonl, or .json for an array.")
    ],
    format: Annotated[
        str,
        typer.Option(
            "--format",
            help="alpaca (instruction/input/output), messages (OpenAI chat), sharegpt "
            "(conversations human/gpt).",
        ),
    ] = "alpaca",
    status: Annotated[
        str,
        typer.Option(help="Boost outputs: the midb.status values to export (comma-separated)."),
    ] = "boosted,unchanged",
    rejects: Annotated[
        str | None, typer.Option(help="Bad lines go here [default: OUT.rejects.jsonl].")
    ] = None,
    schema: SchemaOpt = None,
    fields: FieldsOpt = None,
    id_key: IdKeyOpt = None,
    strict: StrictOpt = False,
) -> None:
    """Write the chosen records in a trainer's format, without midb's metadata.

    Loads in LLaMA-Factory, TRL and axolotl. Example:
    midb export boosted.jsonl -o train.json --format alpaca --status boosted,unchanged
    """
    from midb_cli.api import run_export
    from midb_cli.export.export import ExportOptions
    from midb_cli.judge.pairs import ReaderOptions

    statuses = frozenset(s.strip() for s in status.split(",") if s.strip())
    result = run_export(
        ExportOptions(
            input=input,
            output=output,
            format=format,
            statuses=None if statuses == {"all"} else statuses,
            reader=ReaderOptions(schema=schema, fields=fields, id_key=id_key, strict=strict),
            rejects=rejects,
        )
    )
    skipped = ", ".join(f"{n:,} {s}" for s, n in sorted(result.skipped.items())) or "none"
    print(
        f"midb export: {result.exported:,} of {result.records:,} records → {output} "
        f"({format}); left out by --status: {skipped}; {result.rejected:,} rejected"
        + (f" → {result.rejects_path}" if result.rejected else ""),
        file=sys.stderr,
    )
    for line in result.reject_samples:
        print(f"  {line}", file=sys.stderr)


def register(app: typer.Typer) -> None:
    app.command("export")(export)
