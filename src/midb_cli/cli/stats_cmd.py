"""`midb stats`: per-language statistics of one or more files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from midb_cli.cli.boost_cmd import WorkersOpt
from midb_cli.cli.options import (
    DetectorOpt,
    FieldsOpt,
    IdKeyOpt,
    LangOpt,
    SchemaOpt,
    StrictOpt,
)


def register(app: typer.Typer) -> None:
    @app.command()
    def stats(
        paths: Annotated[
            list[Path], typer.Argument(help="Input files (.jsonl, .jsonl.gz, .json, .parquet).")
        ],
        as_json: Annotated[
            bool, typer.Option("--json", help="Print only JSON on stdout (schema in README).")
        ] = False,
        schema: SchemaOpt = None,
        fields: FieldsOpt = None,
        id_key: IdKeyOpt = None,
        lang: LangOpt = None,
        strict: StrictOpt = False,
        detector: DetectorOpt = "auto",
        checks: Annotated[
            bool,
            typer.Option(
                "--checks",
                help="Also count MT defects per language and kind (see `midb check`; slower).",
            ),
        ] = False,
        workers: WorkersOpt = "1",
    ) -> None:
        """Per-language statistics: sizes, empty inputs, mixed languages, revisions, boost status.

        Example: midb stats data/*.jsonl.gz --json
        """
        from midb_cli.api import run_stats
        from midb_cli.cli.console import make_console
        from midb_cli.jsonio import dumps
        from midb_cli.scale.local import resolve_workers
        from midb_cli.stats.render import print_stats

        # auto on stdin is one process, as for boost (stdin is one stream); N > 1 is refused
        n = resolve_workers(workers, "-" if "-" in [str(p) for p in paths] else None)
        if n > 1:
            from midb_cli.scale.files import ReadSettings, parallel_stats

            settings = ReadSettings(schema, fields, id_key, strict, detector, lang)
            acc = parallel_stats([str(p) for p in paths], settings, n, checks=checks)
        else:
            acc = run_stats(
                [str(p) for p in paths],
                checks=checks,
                lang=lang,
                detector=detector,
                schema=schema,
                fields=fields,
                id_key=id_key,
                strict=strict,
            )
        if as_json:
            sys.stdout.buffer.write(dumps(acc.to_json()) + b"\n")
            sys.stdout.flush()
        else:
            print_stats(make_console(), acc)
        report_rejects(acc.rejected, [str(r) for r in acc.reject_samples])


def report_rejects(count: int, examples: list[str]) -> None:
    """Rejected lines on stderr: the count and the first few reasons."""
    if not count:
        return
    print(f"{count:,} rejected line{'s' if count != 1 else ''}, first ones:", file=sys.stderr)
    for line in examples[:3]:
        print(f"  {line}", file=sys.stderr)
