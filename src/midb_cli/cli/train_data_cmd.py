"""`midb train-data MEB_FILES -o booster.jsonl --prompt midb`: a booster's SFT set."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from midb_cli.cli.console import counted
from midb_cli.cli.options import DetectorOpt, FieldsOpt, IdKeyOpt, LangOpt, SchemaOpt, StrictOpt


def train_data(
    inputs: Annotated[list[str], typer.Argument(help="MEB-style files (raw and revised pairs).")],
    output: Annotated[str, typer.Option("-o", "--output", help="The SFT set (JSONL).")],
    prompt: Annotated[
        str, typer.Option(help="The prompt the booster will be run with (midb, instruct, a .toml).")
    ] = "midb",
    format: Annotated[
        str, typer.Option("--format", help="messages (OpenAI chat) or sharegpt.")
    ] = "messages",
    fixes: Annotated[
        bool,
        typer.Option(
            "--fixes/--no-fixes",
            help="Apply boost's deterministic fixes to the raw pair, as boost does before it "
            "sends it.",
        ),
    ] = True,
    cutoff_len: Annotated[
        int, typer.Option(min=1, help="Flag examples longer than this many tokens (paper: 4096).")
    ] = 4096,
    drop_over_cutoff: Annotated[
        bool,
        typer.Option("--drop-over-cutoff", help="Send over-long examples to the rejects file."),
    ] = False,
    tokenizer: Annotated[
        str | None,
        typer.Option(
            help="Count tokens with this tokenizer (needs transformers) [default: proxy]."
        ),
    ] = None,
    dataset_info: Annotated[
        str | None,
        typer.Option(
            help="LLaMA-Factory dataset_info.json to add the entry to [default: beside -o]."
        ),
    ] = None,
    dataset_name: Annotated[
        str | None, typer.Option(help="The entry's name [default: the output's file stem].")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the statistics as JSON.")] = False,
    rejects: Annotated[
        str | None, typer.Option(help="Unusable records go here [default: OUT.rejects.jsonl].")
    ] = None,
    schema: SchemaOpt = None,
    fields: FieldsOpt = None,
    id_key: IdKeyOpt = None,
    strict: StrictOpt = False,
    lang: LangOpt = None,
    detector: DetectorOpt = "auto",
) -> None:
    """Write a booster's training set: the user turn exactly what `midb boost --prompt P`
    sends, the assistant turn the revised pair (tagged for --prompt midb).

    Every target is parsed back by midb's parser; one that would not come back exactly is
    refused with the reason. Example: midb train-data meb/*.jsonl -o data/booster.jsonl
    """
    from midb_cli.api import run_train_data
    from midb_cli.export.train_data import TrainDataOptions
    from midb_cli.jsonio import dumps
    from midb_cli.judge.pairs import ReaderOptions

    result = run_train_data(
        TrainDataOptions(
            inputs=list(inputs),
            output=output,
            prompt=prompt,
            format=format,
            fixes=fixes,
            cutoff_len=cutoff_len,
            drop_over_cutoff=drop_over_cutoff,
            tokenizer=tokenizer,
            dataset_info=dataset_info,
            dataset_name=dataset_name,
            lang=lang,
            detector=detector,
            reader=ReaderOptions(schema=schema, fields=fields, id_key=id_key, strict=strict),
            rejects=rejects,
        )
    )
    doc = result.to_json()
    if as_json:
        sys.stdout.write(dumps(doc).decode() + "\n")
    else:
        for name, stats in doc["languages"].items():
            print(
                f"  {name}: {counted(stats['examples'], 'example')}, tokens ({doc['tokens']}) p50 "
                f"{stats['p50']}, p95 {stats['p95']}, max {stats['max']}; "
                f"{stats['over_cutoff']:,} over --cutoff-len {cutoff_len}",
                file=sys.stderr,
            )
    print(
        f"midb train-data: {result.written:,} of {result.records:,} examples → {output}; "
        f"{result.rejected:,} refused"
        + (f" → {result.rejects_path}" if result.rejected else "")
        + (f"; entry in {result.dataset_info}" if result.dataset_info else ""),
        file=sys.stderr,
    )
    for reason, n in sorted(result.reject_reasons.items()):
        print(f"  {n:,} × {reason}", file=sys.stderr)


def register(app: typer.Typer) -> None:
    app.command("train-data")(train_data)
