"""The LLM layer: text backends (OpenAI-compatible servers, vLLM, plugins), their typed options,
prompts, answer parsing and the result cache. Tasks (boost, judge, score) are built on top;
nothing here knows about them."""

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
