"""`midb select`: keep the top K or top P% of pairs by edit distance (the papers' rule)."""

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
    LangOpt,
    SchemaOpt,
    StrictOpt,
)


class Order(str, Enum):
    desc = "desc"
    asc = "asc"


def register(app: typer.Typer) -> None:
    @app.command()
    def select(
        path: Annotated[
            Path, typer.Argument(help="A file with revised pairs (MEB revised, or boost output).")
        ],
        output: Annotated[
            Path, typer.Option("-o", "--output", help="Where the selected records go (JSONL).")
        ],
        top: Annotated[
            int | None, typer.Option("--top", help="Keep the K pairs with the largest distance.")
        ] = None,
        top_percent: Annotated[
            float | None,
            typer.Option("--top-percent", help="Keep the top P percent (rounded half up)."),
        ] = None,
        order: Annotated[
            Order, typer.Option("--order", help="desc: largest distance first; asc: smallest.")
        ] = Order.desc,
        by: Annotated[
            str,
            typer.Option(
                "--by", help="distance: edit distance; score: midb.score from `midb score`."
            ),
        ] = "distance",
        min_score: Annotated[
            float | None,
            typer.Option("--min", help="With --by score: keep every record scored at least this."),
        ] = None,
        per_lang: Annotated[
            bool, typer.Option("--per-lang", help="Apply the quota within each language.")
        ] = False,
        lang: LangOpt = None,
        rejects: Annotated[
            Path | None,
            typer.Option("--rejects", help="Bad lines go here (default: OUT.rejects.jsonl)."),
        ] = None,
        schema: SchemaOpt = None,
        fields: FieldsOpt = None,
        id_key: IdKeyOpt = None,
        strict: StrictOpt = False,
        detector: DetectorOpt = "auto",
    ) -> None:
        """Keep the pairs that changed most (edit distance), as MIDB and CoachLM did.

        Selected records are copied unchanged, in input order. Ties at the cut-off distance
        are taken in input order. Example: midb select meb.jsonl --top-percent 30 -o top.jsonl;
        by score: midb select scored.jsonl --by score --min 4.5 --per-lang -o good.jsonl
        """
        from midb_cli.api import run_select

        result = run_select(
            str(path),
            str(output),
            top=top,
            top_percent=top_percent,
            order=order.value,
            per_lang=per_lang,
            lang=lang,
            detector=detector,
            schema=schema,
            fields=fields,
            id_key=id_key,
            strict=strict,
            rejects=str(rejects) if rejects else None,
            by=by,
            min_score=min_score,
        )
        err = sys.stderr
        if per_lang:
            for name, quota in sorted(result.groups.items()):
                cut: object = "–" if quota.threshold is None else quota.threshold
                if by == "score" and quota.threshold is not None:
                    lowest = quota.threshold + (1 if min_score is not None else 0)
                    cut = f"score {lowest / 1000:g}"
                print(
                    f"  {name}: {quota.wanted:,} of {quota.records:,} (cut-off distance {cut})",
                    file=err,
                )
        line = (
            f"{result.selected:,} of {result.records:,} records selected → {output}"
            f" ({result.rejected:,} rejected line{'s' if result.rejected != 1 else ''}"
        )
        if result.rejects_path:
            line += f" → {result.rejects_path}"
        line += ")"
        print(line, file=err)
        if result.no_revision:
            print(
                f"{result.no_revision:,} record(s) had no "
                f"{'score' if by == 'score' else 'revision'} and were not selected",
                file=err,
            )
        for sample in result.reject_samples:
            print(f"  {sample}", file=err)
