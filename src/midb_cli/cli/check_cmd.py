"""`midb check`: report MT defects, linter style (`path:line: kind field: message`) or JSONL."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from midb_cli.cli.boost_cmd import WorkersOpt
from midb_cli.cli.console import counted
from midb_cli.cli.options import (
    DetectorOpt,
    FieldsOpt,
    IdKeyOpt,
    LangOpt,
    SchemaOpt,
    StrictOpt,
)
from midb_cli.errors import EXIT_FINDINGS, UsageError

FORMATS = ("text", "jsonl")


def register(app: typer.Typer) -> None:
    @app.command()
    def check(
        paths: Annotated[
            list[Path], typer.Argument(help="Input files (.jsonl, .jsonl.gz, .json, .parquet).")
        ],
        output_format: Annotated[
            str,
            typer.Option(
                "--format", help="text: one line per finding; jsonl: one object per record."
            ),
        ] = "text",
        select: Annotated[
            list[str] | None,
            typer.Option(
                "--select",
                help="Only these kinds (comma-separated or repeated; 'all' adds the opt-in kinds).",
            ),
        ] = None,
        ignore: Annotated[
            list[str] | None,
            typer.Option("--ignore", help="Skip these kinds (comma-separated or repeated)."),
        ] = None,
        schema: SchemaOpt = None,
        fields: FieldsOpt = None,
        id_key: IdKeyOpt = None,
        lang: LangOpt = None,
        detector: DetectorOpt = "auto",
        strict: StrictOpt = False,
        workers: WorkersOpt = "1",
    ) -> None:
        """Find MT defects: wrong language, untranslated sentences, translated code, loops,
        placeholders, leaked field markers, punctuation, mojibake, truncation.

        Exit code 0 when every record is clean, 1 when a record has findings or a line was
        rejected, 2 for bad flags, 3 for unreadable input.

        Example: midb check data/de.jsonl --ignore truncated --format jsonl
        """
        from midb_cli.api import run_check
        from midb_cli.checks.run import CheckedRecord
        from midb_cli.jsonio import dumps
        from midb_cli.scale.local import resolve_workers

        if output_format not in FORMATS:
            raise UsageError(
                f"--format must be one of: {', '.join(FORMATS)} (got {output_format!r})"
            )
        out = sys.stdout

        def show(item: CheckedRecord) -> None:
            if output_format == "jsonl":
                out.buffer.write(dumps(item.to_json()) + b"\n")
            else:
                for f in item.findings:
                    out.write(f"{item.path}:{item.line}: {f.kind} {f.field}: {f.message}\n")

        # auto on stdin is one process, as for boost (stdin is one stream); N > 1 is refused
        n = resolve_workers(workers, "-" if "-" in [str(p) for p in paths] else None)
        if n > 1:
            from midb_cli.scale.files import ReadSettings, parallel_check

            settings = ReadSettings(schema, fields, id_key, strict, detector, lang)
            summary = parallel_check(
                [str(p) for p in paths],
                settings,
                n,
                select=select,
                ignore=ignore,
                fmt=output_format,
            )
        else:
            summary = run_check(
                [str(p) for p in paths],
                select=select,
                ignore=ignore,
                lang=lang,
                detector=detector,
                schema=schema,
                fields=fields,
                id_key=id_key,
                strict=strict,
                on_record=show,
            )
        out.flush()
        _print_summary(summary)
        if summary.flagged or summary.rejected:
            raise typer.Exit(EXIT_FINDINGS)


def _print_summary(summary: object) -> None:
    from midb_cli.checks.run import CheckSummary

    assert isinstance(summary, CheckSummary)
    err = sys.stderr
    s = summary
    print(
        f"{counted(s.records, 'record')} checked, {s.flagged:,} with findings, "
        f"{s.records - s.flagged:,} clean, {s.rejected:,} rejected line{'' if s.rejected == 1 else 's'}",
        file=err,
    )
    if s.findings:
        print(f"{'lang':6} {'kind':22} {'count':>7}", file=err)
        for (lang, kind), n in sorted(
            s.findings.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1])
        ):
            print(f"{lang:6} {kind:22} {n:7,}", file=err)
    for line in s.reject_samples:
        print(f"rejected: {line}", file=err)
    if s.rejected > len(s.reject_samples):
        more = s.rejected - len(s.reject_samples)
        print(f"rejected: ... and {more:,} more line{'' if more == 1 else 's'}", file=err)
