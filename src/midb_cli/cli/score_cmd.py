"""`midb score IN -o OUT --engine openai ...`: a 0-5 quality score in each record's midb.score."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from midb_cli.cli.engine_options import (
    ApiBaseOpt,
    ApiKeyEnvOpt,
    CacheOpt,
    ConcurrencyOpt,
    EngineOptionOpt,
    LoraOpt,
    MaxModelLenOpt,
    MaxRetriesOpt,
    MaxTokensOpt,
    ModelOpt,
    NoCacheOpt,
    SeedOpt,
    TemperatureOpt,
    TensorParallelOpt,
    TimeoutOpt,
    TopKOpt,
    TopPOpt,
    backend_values,
    llm_settings,
)
from midb_cli.cli.options import (
    DetectorOpt,
    FieldsOpt,
    IdKeyOpt,
    LangOpt,
    SchemaOpt,
    StrictOpt,
)
from midb_cli.errors import EXIT_INPUT

ScorePromptOpt = Annotated[
    str | None,
    typer.Option(
        "--prompt",
        help="Score prompt: score-alpagasus (0-5 accuracy, first line the number) or a .toml file.",
    ),
]


def score(
    input: Annotated[
        str, typer.Argument(help="Records to score (a boost output, MEB, alpaca...).")
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "-o",
            "--output",
            help="The records with midb.score (JSONL; a rerun continues it) [default: IN.score.jsonl].",
        ),
    ] = None,
    engine: Annotated[str, typer.Option(help="LLM engine (see `midb engines`).")] = "openai",
    side: Annotated[
        str,
        typer.Option(help="For records with a revision: score the revised or the original pair."),
    ] = "revised",
    high: Annotated[
        float, typer.Option(min=0.0, max=5.0, help="The 'high quality' threshold.")
    ] = 4.5,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the statistics as JSON on stdout.")
    ] = False,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Start over instead of continuing -o.")
    ] = False,
    rejects: Annotated[
        str | None, typer.Option(help="Bad input lines go here [default: OUT.rejects.jsonl].")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No table.")] = False,
    retry_errors: Annotated[
        bool,
        typer.Option(
            "--retry-errors/--no-retry-errors",
            help="On a rerun, ask again for records whose request failed (score_reason error:).",
        ),
    ] = True,
    schema: SchemaOpt = None,
    fields: FieldsOpt = None,
    id_key: IdKeyOpt = None,
    strict: StrictOpt = False,
    lang: LangOpt = None,
    detector: DetectorOpt = "auto",
    model: ModelOpt = None,
    api_base: ApiBaseOpt = None,
    api_key_env: ApiKeyEnvOpt = None,
    prompt: ScorePromptOpt = None,
    lora: LoraOpt = None,
    tensor_parallel_size: TensorParallelOpt = None,
    max_model_len: MaxModelLenOpt = None,
    concurrency: ConcurrencyOpt = None,
    timeout: TimeoutOpt = None,
    max_retries: MaxRetriesOpt = None,
    temperature: TemperatureOpt = None,
    top_p: TopPOpt = None,
    top_k: TopKOpt = None,
    max_tokens: MaxTokensOpt = None,
    seed: SeedOpt = 0,
    engine_option: EngineOptionOpt = None,
    cache: CacheOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Score every record 0-5 with an LLM judge (the AlpaGasus/CoachLM rubric).

    Writes each record with midb.score (null when the judge gave no readable score: missing,
    never 0) and prints the mean score and the share >= 4.5 per language. Then keep the good
    ones with `midb select OUT --by score --min 4.5 -o good.jsonl`. Exit 0, 3 when no record
    could be scored, or 4 when the server cannot be reached or refuses the key.
    """
    from midb_cli.api import run_score
    from midb_cli.cli.console import counted, make_console
    from midb_cli.cli.judge_cmd import default_output
    from midb_cli.jsonio import dumps
    from midb_cli.judge.pairs import ReaderOptions
    from midb_cli.judge.score import ScoreOptions

    out = output or default_output(input, "score")
    options = ScoreOptions(
        input=input,
        output=out,
        engine=engine,
        backend_options=backend_values(
            engine_option,
            model=model,
            api_base=api_base,
            api_key_env=api_key_env,
            lora=lora,
            tensor_parallel_size=tensor_parallel_size,
            max_model_len=max_model_len,
            concurrency=concurrency,
            timeout=timeout,
            max_retries=max_retries,
        ),
        llm=llm_settings(
            prompt=prompt,
            temperature=temperature,
            top_p=top_p,
            top_k=top_k,
            max_tokens=max_tokens,
            seed=seed,
            cache=cache,
            no_cache=no_cache,
        ),
        side=side,
        high=high,
        overwrite=overwrite,
        rejects=rejects,
        reader=ReaderOptions(schema=schema, fields=fields, id_key=id_key, strict=strict),
        lang=lang,
        detector=detector,
        retry_errors=retry_errors,
    )
    result = run_score(options)
    doc = result.to_json()
    err = make_console(stderr=True, highlight=False)
    if as_json:
        sys.stdout.write(dumps(doc).decode() + "\n")
    elif not quiet:
        _table(doc, high, make_console(stderr=False, highlight=False))
    total = result.total()
    err.print(
        f"midb score: {total.scored:,} scored, {total.missing:,} missing, "
        f"{counted(result.errors, 'failed request')}, {result.rejected:,} rejected, "
        f"{result.resumed:,} from an earlier run"
        + (f", {result.retried:,} asked again" if result.retried else "")
        + f" → {out}",
        soft_wrap=True,
    )
    for line in result.error_samples + result.reject_samples:
        err.print(f"  {line}", soft_wrap=True, markup=False)
    if total.scored == 0:
        err.print("Error: no record could be scored")
        raise typer.Exit(EXIT_INPUT)


def _table(doc: dict[str, Any], high: float, console: object) -> None:
    from rich.table import Table

    table = Table(title="midb score (0-5)")
    for name in ("lang", "scored", "missing", "mean", f"share >= {high:g}"):
        table.add_column(name, justify="left" if name == "lang" else "right")
    rows = [*doc["languages"].items(), ("total", doc["total"])]
    for lang, b in rows:
        mean = "–" if b["mean"] is None else f"{b['mean']:.2f}"
        share = "–" if b["high_share"] is None else f"{100 * b['high_share']:.1f}%"
        table.add_row(lang, str(b["scored"]), str(b["missing"]), mean, share)
    console.print(table)  # type: ignore[attr-defined]


def register(app: typer.Typer) -> None:
    app.command("score")(score)
