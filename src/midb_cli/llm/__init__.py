"""The LLM layer: text backends (OpenAI-compatible servers, vLLM, plugins), their typed options,
prompts, answer parsing and the result cache. Tasks (boost, judge, score) are built on top;
nothing here knows about them.

The names below load on first use (PEP 562): a rules-only run imports ``midb_cli.llm.parsing``
without paying for the registry, the HTTP client, the prompts and the cache."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from midb_cli.llm.backend import Generation, GenerationRequest, SamplingConfig, TextBackend
    from midb_cli.llm.options import BackendOptions, answer_field, speed_field
    from midb_cli.llm.registry import (
        ENTRY_POINT_GROUP,
        BackendSpec,
        backend_specs,
        create_backend,
        register_backend,
        unregister_backend,
    )
    from midb_cli.llm.settings import LLMSettings

_HOME = {
    "Generation": "backend",
    "GenerationRequest": "backend",
    "SamplingConfig": "backend",
    "TextBackend": "backend",
    "BackendOptions": "options",
    "answer_field": "options",
    "speed_field": "options",
    "ENTRY_POINT_GROUP": "registry",
    "BackendSpec": "registry",
    "backend_specs": "registry",
    "create_backend": "registry",
    "register_backend": "registry",
    "unregister_backend": "registry",
    "LLMSettings": "settings",
}

__all__ = [
    "ENTRY_POINT_GROUP",
    "BackendOptions",
    "BackendSpec",
    "Generation",
    "GenerationRequest",
    "LLMSettings",
    "SamplingConfig",
    "TextBackend",
    "answer_field",
    "backend_specs",
    "create_backend",
    "register_backend",
    "speed_field",
    "unregister_backend",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
