"""The ``openai`` backend's options and registration: any OpenAI-compatible
``/v1/chat/completions`` server (``vllm serve``, SGLang, llama.cpp's server, hosted APIs).

The transport itself lives in ``openai_backend``; this module only says which settings the
backend takes and builds it, so listing engines imports no HTTP machinery.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from typing import Any

from midb_cli.errors import UsageError
from midb_cli.llm.options import BackendOptions, answer_field, speed_field
from midb_cli.llm.registry import BackendSpec

DEFAULT_CONCURRENCY = 64


@dataclass
class OpenAIOptions(BackendOptions):
    """``--engine openai`` settings."""

    model: str = answer_field("", help="the served model name, or the LoRA adapter's name")
    #: whether to send vLLM's extra fields (top_k, structured_outputs): they change answers
    vllm_extensions: bool = answer_field(
        True, help="send vLLM's extra fields (top_k, structured output); false for hosted APIs"
    )
    api_base: list[str] = speed_field(
        default_factory=list, help="base URL(s), e.g. http://localhost:8000/v1; load is spread"
    )
    api_key_env: str = speed_field(
        "OPENAI_API_KEY", help="the environment variable that holds the API key"
    )
    concurrency: int = speed_field(DEFAULT_CONCURRENCY, help="requests in flight")
    timeout: float = speed_field(120.0, help="seconds per request attempt")
    max_retries: int = speed_field(5, help="retries of 429, 5xx, timeouts, connection errors")

    def validate(self, backend: str) -> None:
        if not self.api_base:
            raise UsageError("engine openai needs --api-base URL (e.g. http://localhost:8000/v1)")
        if not self.model:
            raise UsageError("engine openai needs --model NAME (the served model or LoRA adapter)")
        if self.concurrency < 1:
            raise UsageError("--concurrency must be at least 1")
        if self.timeout <= 0:
            raise UsageError("--timeout must be positive")
        if self.max_retries < 0:
            raise UsageError("--max-retries must be 0 or more")


def build_backend(options: OpenAIOptions) -> Any:
    from midb_cli.llm.openai_backend import OpenAIBackend

    api_key = os.environ.get(options.api_key_env) if options.api_key_env else None
    return OpenAIBackend(
        options.api_base,
        options.model,
        api_key=api_key or None,
        concurrency=options.concurrency,
        timeout=options.timeout,
        max_retries=options.max_retries,
        vllm_extensions=options.vllm_extensions,
    )


def _availability() -> tuple[bool, str]:
    # aiohttp is a core dependency, but an install made with --no-deps may lack it
    if importlib.util.find_spec("aiohttp") is None:
        return False, "needs aiohttp: pip install 'aiohttp>=3.9'"
    return True, "give --api-base URL and --model NAME"


SPEC = BackendSpec(
    name="openai",
    description="OpenAI-compatible server: vllm serve, SGLang, llama.cpp, hosted APIs",
    options=OpenAIOptions,
    factory=build_backend,
    availability=_availability,
)

__all__ = ["DEFAULT_CONCURRENCY", "SPEC", "OpenAIOptions", "build_backend"]
