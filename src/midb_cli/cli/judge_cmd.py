"""`midb judge IN [SECOND] --engine openai ...`: the paper's pairwise judge, both orders."""

from __future__ import annotations

import sys
from typing import Annotated

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
from midb_cli.cli.options import DetectorOpt, FieldsOpt, IdKeyOpt, SchemaOpt, StrictOpt
from midb_cli.errors import EXIT_INPUT

JudgePromptOpt = Annotated[
    str | None,
    typer.Option(
        "--prompt",
        help="Judge prompt: judge-midb (MIDB's, verbatim, one user turn), judge-mtbench "
        "([System] as the system message), or a .toml file.",
    ),
]


def split_list(values: list[str] | None) -> frozenset[str] | None:
    """Comma-separated and repeated values (`--lang de,fr --lang ja`)."""
    if not values:
        return None
    return frozenset(v.strip().lower() for value in values for v in value.split(",") if v.strip())


def default_output(first_input: str, suffix: str) -> str:
    base = first_input[:-3] if first_input.endswith(".gz") else first_input
    for ext in (".jsonl", ".json", ".parquet"):
        if base.endswith(ext):
            base = base[: -len(ext)]
            break
    return f"{base}.{suffix}.jsonl"


def judge(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="A boost output or MEB file (original vs revised), or two files aligned by id "
            "(first vs second)."
        ),
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "-o",
            "--output",
            help="Per-pair judgments (JSONL; a rerun continues it) [default: beside IN: boosted.jsonl -> boosted.judge.jsonl].",
        ),
    ] = None,
    engine: Annotated[str, typer.Option(help="LLM engine (see `midb engines`).")] = "openai",
    compare: Annotated[
        str,
        typer.Option(
            help="response: which response answers the first side's instruction better; pair: "
            "each side's whole pair is its answer."
        ),
    ] = "response",
    sample: Annotated[
        int | None,
        typer.Option(min=1, help="Judge N random pairs per language (the paper: 520; --seed)."),
    ] = None,
    lang: Annotated[
        list[str] | None,
        typer.Option("--lang", help="Only these languages (comma-separated, repeatable)."),
    ] = None,
    status: Annotated[
        list[str] | None,
        typer.Option(help="Boost outputs: only records of these midb.status values."),
    ] = None,
    verdict_only: Annotated[
        bool,
        typer.Option(
            "--verdict-only",
            help="Constrain the judge's output to [[1]]|[[2]]|[[0]] (structured output, vLLM).",
        ),
    ] = False,
    bootstrap: Annotated[
        int, typer.Option(min=0, help="Bootstrap resamples for the 95% intervals (0: none).")
    ] = 1000,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the metrics as JSON on stdout.")
    ] = False,
    html: Annotated[
        str | None, typer.Option(help="Write an HTML page with a per-language chart.")
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Start over instead of continuing -o.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No table.")] = False,
    schema: SchemaOpt = None,
    fields: FieldsOpt = None,
    id_key: IdKeyOpt = None,
    strict: StrictOpt = False,
    detector: DetectorOpt = "auto",
    model: ModelOpt = None,
    api_base: ApiBaseOpt = None,
    api_key_env: ApiKeyEnvOpt = None,
    prompt: JudgePromptOpt = None,
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
    """Judge pairs in both orders with an LLM (the MIDB/MT-Bench pairwise protocol).

    Prints n, win, tie, loss, missing, WR1, WR2, QS, net win and the position-bias (flip)
    rate per language with 95% bootstrap intervals; outcomes are the second side's (the boosted
    pair's). Exit 0, 3 when no pair could be judged, 4 when the server
    cannot be reached or refuses the key. Example:
    midb judge boosted.jsonl --engine openai --api-base http://localhost:8000/v1 --model judge
    --sample 520 --json
    """
    from midb_cli.api import run_judge
    from midb_cli.cli.console import counted, make_console
    from midb_cli.jsonio import dumps
    from midb_cli.judge.pairs import ReaderOptions
    from midb_cli.judge.render import render_html, render_table
    from midb_cli.judge.run import JudgeOptions

    out = output or default_output(inputs[0], "judge")
    options = JudgeOptions(
        inputs=list(inputs),
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
        compare=compare,
        sample=sample,
        langs=split_list(lang),
        statuses=None
        if split_list(status) == frozenset({"all"})
        else split_list(status),  # (as export)
        verdict_only=verdict_only,
        overwrite=overwrite,
        resamples=bootstrap,
        reader=ReaderOptions(schema=schema, fields=fields, id_key=id_key, strict=strict),
        detector=detector,
        also_writes={"--html": html},
    )
    result = run_judge(options)
    doc = result.to_json()
    err = make_console(stderr=True, highlight=False)
    if as_json:
        sys.stdout.write(dumps(doc).decode() + "\n")
    elif not quiet:
        render_table(doc, make_console(stderr=False, highlight=False))
    if html:
        from midb_cli.records.writer import atomic_writer

        with atomic_writer(html) as fh:
            fh.write(render_html(doc).encode())
    line = (
        f"midb judge: {result.judged:,} judged, {result.missing:,} missing, "
        f"{counted(result.errors, 'failed request')} (asked again on a rerun), {result.rejected:,} "
        f"rejected, {result.resumed:,} from an earlier run → {out}"
    )
    err.print(line, soft_wrap=True)
    for sample_line in result.error_samples + result.reject_samples:
        err.print(f"  {sample_line}", soft_wrap=True, markup=False)
    if result.judged == 0:
        if result.missing == 0 and result.errors == 0 and result.rejected:
            why = f"none to judge ({result.rejected:,} rejected: the first reasons above)"
        else:
            why = "every verdict missing or failed"
        err.print(f"Error: no pair could be judged: {why}", soft_wrap=True)
        raise typer.Exit(EXIT_INPUT)


def register(app: typer.Typer) -> None:
    app.command("judge")(judge)
