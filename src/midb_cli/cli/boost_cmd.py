"""`midb boost IN -o OUT`: the flags, mapped onto ``BoostOptions``.

All the work is in ``midb_cli.boost.pipeline``; this module parses flags and prints.
The LLM flags exist for every engine so that engines plug in without touching this file;
the `rules` engine ignores them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from midb_cli.cli.engine_options import (
    ENGINE_PANEL,
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
    PromptOpt,
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
from midb_cli.errors import EngineError, MidbError, UsageError

if TYPE_CHECKING:
    from midb_cli.boost.pipeline import BoostOptions

_IO = "Input and output"
_RECORDS = "Records"
_CHECKS = "Checks and source"
_ENGINE = ENGINE_PANEL
_SCALE = "Scale-out"

WorkersOpt = Annotated[
    str,
    typer.Option(
        "--workers",
        metavar="N|auto",
        help="Processes on this machine (auto: one per core, fewer for a small input, one for "
        "a .gz/JSON array/Parquet input); the input is cut into shards (OUT.midb/) and merged "
        "in input order.",
        rich_help_panel=_SCALE,
    ),
]


def boost(
    input: Annotated[
        str, typer.Argument(help="Input JSONL(.gz), JSON array or Parquet file ('-' = stdin).")
    ],
    output: Annotated[
        str,
        typer.Option(
            "-o",
            "--output",
            help="Output (.jsonl, or .parquet). If it exists from an interrupted run, the run continues.",
            rich_help_panel=_IO,
        ),
    ],
    engine: Annotated[
        str, typer.Option(help="Engine: rules, or an LLM engine (see `midb engines`).")
    ] = "rules",
    overwrite: Annotated[
        bool,
        typer.Option(
            "--overwrite",
            help="Start over instead of resuming an existing output.",
            rich_help_panel=_IO,
        ),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="No progress and no table; one counts line.", rich_help_panel=_IO
        ),
    ] = False,
    rejects: Annotated[
        str | None,
        typer.Option(
            help="Where bad input lines go [default: OUT.rejects.jsonl beside OUT].",
            rich_help_panel=_IO,
        ),
    ] = None,
    report: Annotated[
        str | None,
        typer.Option(help="Write an HTML report (stats and top diffs).", rich_help_panel=_IO),
    ] = None,
    retry_errors: Annotated[
        bool,
        typer.Option(
            "--retry-errors/--no-retry-errors",
            help="On a rerun, ask again for records an earlier run left as `error`.",
            rich_help_panel=_IO,
        ),
    ] = True,
    keep_original: Annotated[
        bool,
        typer.Option(
            "--keep-original/--no-keep-original",
            help="Keep the original fields in midb.original (needed by `midb diff OUT`).",
            rich_help_panel=_IO,
        ),
    ] = True,
    schema: SchemaOpt = None,
    fields: FieldsOpt = None,
    id_key: IdKeyOpt = None,
    lang: LangOpt = None,
    detector: DetectorOpt = "auto",
    strict: StrictOpt = False,
    select: Annotated[
        list[str] | None,
        typer.Option(
            help="Only these check kinds (comma-separated, repeatable).", rich_help_panel=_CHECKS
        ),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option(
            help="Skip these check kinds (comma-separated, repeatable).", rich_help_panel=_CHECKS
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            help="English source file with the same ids in the same order.",
            rich_help_panel=_CHECKS,
        ),
    ] = None,
    source_key: Annotated[
        str | None,
        typer.Option(
            help="Key holding the English source pair inside each record.",
            rich_help_panel=_CHECKS,
        ),
    ] = None,
    model: ModelOpt = None,
    api_base: ApiBaseOpt = None,
    api_key_env: ApiKeyEnvOpt = None,
    prompt: PromptOpt = None,
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
    regenerate_fallbacks: Annotated[
        bool,
        typer.Option(
            "--regenerate-fallbacks",
            help="Ask again for cached answers that fell back.",
            rich_help_panel=_ENGINE,
        ),
    ] = False,
    min_length_ratio: Annotated[
        float,
        typer.Option(min=0.0, help="Guard: shortest revision / original.", rich_help_panel=_ENGINE),
    ] = 0.5,
    max_length_ratio: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            help="Guard: longest revision / original [default: no limit; real revisions that "
            "add reasoning steps grow a pair tenfold].",
            rich_help_panel=_ENGINE,
        ),
    ] = None,
    workers: WorkersOpt = "1",
    ray: Annotated[
        str | None,
        typer.Option(
            "--ray",
            metavar="ADDRESS",
            help="Run the shards on Ray: 'local' starts Ray here, 'auto' or ray://HOST:PORT "
            "joins a cluster (needs midb-cli[ray]).",
            rich_help_panel=_SCALE,
        ),
    ] = None,
) -> None:
    """Boost a file: fix what is certain, revise with an engine, keep order, resume after a crash.

    Writes OUT in the input's schema with the revised fields in place and a `midb` object per
    record (status, reason, language, findings, distance, original). Rerun the same command
    after an interruption to continue; --overwrite starts over.

    Exit codes: 0 done; 2 bad flags; 3 unreadable or empty input, no valid record, or an output that
    cannot be written; 4 the engine cannot run (server unreachable, key refused); 130 Ctrl-C,
    143 SIGTERM (both resume on rerun).

    Examples: midb boost in.jsonl -o out.jsonl --report report.html ;
    midb boost in.jsonl -o out.jsonl --engine openai --api-base http://localhost:8000/v1
    --model midb --prompt midb
    """
    flags = dict(locals())
    for key in _RUN_FLAGS:
        flags.pop(key)
    _run(boost_options(**flags), quiet=quiet, workers=workers, ray=ray)


#: flags of how `midb boost` runs, not of what it writes (the others make the BoostOptions)
_RUN_FLAGS = ("quiet", "workers", "ray")


def boost_options(**flags: Any) -> BoostOptions:
    """The ``BoostOptions`` of `midb boost`'s flags (also `midb shard plan`'s)."""
    from midb_cli.boost.guards import GuardSettings
    from midb_cli.boost.pipeline import BoostOptions
    from midb_cli.boost.protocol import EngineSelection

    f = flags
    if f["max_length_ratio"] is not None and f["min_length_ratio"] > f["max_length_ratio"]:
        raise UsageError("--min-length-ratio is larger than --max-length-ratio")
    backend_flags = [
        "model",
        "api_base",
        "api_key_env",
        "lora",
        "tensor_parallel_size",
        "max_model_len",
    ]
    backend_flags += ["concurrency", "timeout", "max_retries"]
    llm_flags = ("prompt", "temperature", "top_p", "top_k", "max_tokens", "seed", "cache")
    selection = EngineSelection(
        name=f["engine"],
        backend_options=backend_values(f["engine_option"], **{k: f[k] for k in backend_flags}),
        llm=llm_settings(**{k: f[k] for k in llm_flags}, no_cache=f["no_cache"]),
        regenerate_fallbacks=f["regenerate_fallbacks"],
    )
    same = [
        "input",
        "output",
        "rejects",
        "overwrite",
        "keep_original",
        "schema",
        "fields",
        "id_key",
        "lang",
    ]
    same += ["detector", "strict", "source", "source_key", "report"]
    return BoostOptions(
        **{k: f[k] for k in same},
        select=f["select"],  # comma-separated and repeated values: the checker splits them
        ignore=f["ignore"],
        retry_errors=f["retry_errors"],
        engine=selection,
        guards=GuardSettings(
            min_length_ratio=f["min_length_ratio"], max_length_ratio=f["max_length_ratio"]
        ),
    )


def _run(options: BoostOptions, *, quiet: bool, workers: str = "1", ray: str | None = None) -> None:
    from midb_cli.boost.progress import BoostProgress
    from midb_cli.boost.summary import render_summary
    from midb_cli.cli.console import make_console

    console = make_console(stderr=True, highlight=False)
    show_progress = console.is_terminal and not quiet
    try:
        runner = _runner(workers, ray, options.input)
        if show_progress:
            with BoostProgress(console, options.input, options.engine.name) as bar:
                summary = runner(options, on_progress=bar.update)
        else:
            summary = runner(options)
    except MidbError as exc:
        partial = getattr(exc, "summary", None)
        if partial is not None and (partial.written or partial.resumed):
            # The error line follows (cli.main); first, how far the run got.
            console.print(f"midb boost: {partial.counts_line()}", soft_wrap=True)
            console.print("Stopped: fix the cause and rerun the same command to continue.")
        raise
    except KeyboardInterrupt as exc:
        interrupted = getattr(exc, "summary", None)
        if interrupted is not None:
            _print_summary(console, interrupted, quiet, render_summary)
        else:
            console.print("Interrupted.")
        from midb_cli.signals import interrupt_exit_code

        raise typer.Exit(interrupt_exit_code(exc)) from None
    _print_summary(console, summary, quiet, render_summary)
    if options.report:
        console.print(f"report: {options.report}")
    if summary.all_failed:
        # a run that revised nothing did not succeed, though every record is written
        reason = summary.reasons.most_common(1)[0][0] if summary.reasons else "no answer"
        raise EngineError(
            f"every request failed ({summary.written:,} of {summary.written:,}; {reason}): "
            "the records are written as `error`; fix the cause and rerun the same command "
            "to ask again"
        )


def _runner(workers: str, ray: str | None, input: str) -> Any:
    """The plain pipeline for one worker (today's behaviour exactly), else the shard runner."""
    from midb_cli.boost.pipeline import run_boost

    if ray is not None:
        from midb_cli.scale.ray_run import run_ray

        return lambda options, **kw: run_ray(options, ray, **kw)
    if workers == "1":  # the default: the shard machinery (multiprocessing, sqlite) stays unloaded
        return run_boost
    from midb_cli.scale.local import resolve_workers, run_local

    n = resolve_workers(workers, input)
    if n == 1:
        return run_boost
    return lambda options, **kw: run_local(options, n, **kw)


def _print_summary(console: Any, summary: Any, quiet: bool, render: Any) -> None:
    if quiet:
        console.print(f"midb boost: {summary.counts_line()}", soft_wrap=True)
        for warning in summary.warnings:
            console.print(f"warning: {warning}", soft_wrap=True)
        if summary.interrupted:
            console.print("Interrupted: rerun the same command to continue.")
    else:
        render(summary, console)


def register(app: typer.Typer) -> None:
    app.command("boost")(boost)
