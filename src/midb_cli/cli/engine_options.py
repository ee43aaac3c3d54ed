"""The LLM engine flags, defined once for every command that runs a model (boost now; judge
and score use the same). A flag the user did not set is not passed on, so each backend's typed
options apply their own defaults and refuse flags they do not take."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from midb_cli.errors import UsageError

if TYPE_CHECKING:
    from midb_cli.llm.settings import LLMSettings

ENGINE_PANEL = "Engine (LLM engines)"

ModelOpt = Annotated[
    str | None,
    typer.Option(
        help="Model: the served name (openai) or a Hugging Face id or folder (vllm).",
        rich_help_panel=ENGINE_PANEL,
    ),
]
ApiBaseOpt = Annotated[
    list[str] | None,
    typer.Option(
        help="OpenAI-compatible base URL, e.g. http://localhost:8000/v1 (repeatable: load is "
        "spread).",
        rich_help_panel=ENGINE_PANEL,
    ),
]
ApiKeyEnvOpt = Annotated[
    str | None,
    typer.Option(
        help="Environment variable holding the API key [default: OPENAI_API_KEY].",
        rich_help_panel=ENGINE_PANEL,
    ),
]
PromptOpt = Annotated[
    str | None,
    typer.Option(
        help="Prompt: midb, coachlm, instruct, instruct-json, or a .toml file.",
        rich_help_panel=ENGINE_PANEL,
    ),
]
LoraOpt = Annotated[
    str | None, typer.Option(help="LoRA adapter folder (vllm).", rich_help_panel=ENGINE_PANEL)
]
TensorParallelOpt = Annotated[
    int | None,
    typer.Option(min=1, help="GPUs per model (vllm) [default: 1].", rich_help_panel=ENGINE_PANEL),
]
MaxModelLenOpt = Annotated[
    int | None,
    typer.Option(min=1, help="Context length in tokens (vllm).", rich_help_panel=ENGINE_PANEL),
]
ConcurrencyOpt = Annotated[
    int | None,
    typer.Option(
        min=1,
        help="Requests in flight [default: 64 for openai, 2 x max_num_seqs for vllm].",
        rich_help_panel=ENGINE_PANEL,
    ),
]
TimeoutOpt = Annotated[
    float | None,
    typer.Option(
        min=0.001, help="Seconds per request attempt [default: 120].", rich_help_panel=ENGINE_PANEL
    ),
]
MaxRetriesOpt = Annotated[
    int | None,
    typer.Option(min=0, help="Retries per request [default: 5].", rich_help_panel=ENGINE_PANEL),
]
TemperatureOpt = Annotated[
    float | None,
    typer.Option(
        min=0.0, help="Sampling temperature [default: the prompt's].", rich_help_panel=ENGINE_PANEL
    ),
]
TopPOpt = Annotated[
    float | None,
    typer.Option(
        min=0.0,
        max=1.0,
        help="Nucleus sampling share [default: the prompt's].",
        rich_help_panel=ENGINE_PANEL,
    ),
]
TopKOpt = Annotated[
    int | None,
    typer.Option(
        help="Sample from the K likeliest tokens [default: the prompt's].",
        rich_help_panel=ENGINE_PANEL,
    ),
]
MaxTokensOpt = Annotated[
    int | None,
    typer.Option(
        min=1,
        help="Most new tokens per answer [default: the prompt's].",
        rich_help_panel=ENGINE_PANEL,
    ),
]
SeedOpt = Annotated[
    int,
    typer.Option(
        help="Base seed; each record's seed derives from it and its id.",
        rich_help_panel=ENGINE_PANEL,
    ),
]
EngineOptionOpt = Annotated[
    list[str] | None,
    typer.Option(
        help="KEY=VALUE for the engine (JSON values parsed; repeatable); unknown keys are refused.",
        rich_help_panel=ENGINE_PANEL,
    ),
]
CacheOpt = Annotated[
    str | None,
    typer.Option(
        help="LLM result cache (SQLite) [default: ~/.cache/midb/results.sqlite].",
        rich_help_panel=ENGINE_PANEL,
    ),
]
NoCacheOpt = Annotated[
    bool,
    typer.Option("--no-cache", help="Do not use the result cache.", rich_help_panel=ENGINE_PANEL),
]


def backend_values(engine_option: list[str] | None, **flags: Any) -> dict[str, Any]:
    """The backend option values: the flags the user set (None = not set), then the
    ``--engine-option`` pairs; a key given both ways is refused."""
    values = {key: value for key, value in flags.items() if value not in (None, [])}
    for key, value in parse_engine_options(engine_option or []).items():
        name = key.replace("-", "_")
        if name in values:
            raise UsageError(f"--engine-option {key} repeats --{name.replace('_', '-')}")
        values[name] = value
    return values


def llm_settings(
    *,
    prompt: str | None,
    temperature: float | None,
    top_p: float | None,
    top_k: int | None,
    max_tokens: int | None,
    seed: int,
    cache: str | None,
    no_cache: bool,
) -> LLMSettings:
    from midb_cli.llm.settings import LLMSettings

    return LLMSettings(
        prompt=prompt,
        temperature=temperature,
        top_p=top_p,
        top_k=top_k,
        max_tokens=max_tokens,
        seed=seed,
        cache_path=cache,
        no_cache=no_cache,
    )


def parse_engine_options(values: list[str]) -> dict[str, Any]:
    """``KEY=VALUE`` pairs; a VALUE that parses as JSON (numbers, true, lists) is taken as such."""
    from midb_cli.jsonio import JSONError, loads

    options: dict[str, Any] = {}
    for item in values:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--engine-option {item!r}: expected KEY=VALUE")
        try:
            value: Any = loads(raw)
        except JSONError:
            value = raw
        options[key.strip()] = value
    return options
