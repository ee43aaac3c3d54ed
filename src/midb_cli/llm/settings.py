"""What every LLM task (boost, judge, score) asks of the shared machinery: which prompt file,
sampling overrides, the seed, and where the result cache lives. Backend settings (model, URL,
concurrency) are not here: they belong to the backend's own options class."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from midb_cli.llm.backend import SamplingConfig

if TYPE_CHECKING:  # loaded when a run opens them: a rules run needs neither
    from midb_cli.llm.cache import ResultCache
    from midb_cli.llm.prompts import PromptSpec


@dataclass
class LLMSettings:
    #: a prompt name in prompts/ or a path; None: the task's default prompt
    prompt: str | None = None
    # sampling; None means "the prompt's default"
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    max_tokens: int | None = None
    #: the run's seed; each record's own seed is derived from it and the record id
    seed: int = 0
    cache_path: str | None = None  # None: $XDG_CACHE_HOME (or ~/.cache)/midb/results.sqlite
    no_cache: bool = False

    def sampling(self, prompt: PromptSpec) -> SamplingConfig:
        """The prompt's sampling defaults, overridden by whatever the user set."""
        base = prompt.sampling
        return SamplingConfig(
            temperature=base.temperature if self.temperature is None else self.temperature,
            top_p=base.top_p if self.top_p is None else self.top_p,
            top_k=base.top_k if self.top_k is None else self.top_k,
            max_tokens=base.max_tokens if self.max_tokens is None else self.max_tokens,
        )

    def open_cache(self) -> ResultCache | None:
        if self.no_cache:
            return None
        from midb_cli.llm.cache import ResultCache, default_cache_path

        return ResultCache(self.cache_path or default_cache_path())


def cache_identity(backend: str, answer_identity: dict[str, Any]) -> str:
    """The model part of a cache key: the backend's name and every option that changes answers
    (model, adapter, dtype, context length ...), never speed-only settings."""
    from midb_cli import jsonio

    return backend + ":" + jsonio.dumps(answer_identity).decode()
