"""The engine registry.

Every engine, built-in or not, is an ``EngineSpec``: a name, a one-line description, a check
that says whether it can run on this machine (and why not), and a factory that builds a
``Booster`` from an ``EngineConfig``. Heavy dependencies (vLLM) are imported only inside the
factory and the availability check, so listing engines never imports them.

Tests register fakes with ``register_engine`` exactly like the built-in engines are registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from midb_cli.boost.protocol import Booster
from midb_cli.errors import EngineError, UsageError


@dataclass
class EngineConfig:
    """Everything the CLI knows about the engine to build (flags of ``midb boost``)."""

    engine: str = "rules"
    model: str | None = None
    api_base: list[str] = field(default_factory=list)
    #: name of the environment variable holding the API key (the key itself is never stored)
    api_key_env: str = "OPENAI_API_KEY"
    prompt: str | None = None  # a prompt name in prompts/ or a path
    lora: str | None = None
    tensor_parallel_size: int = 1
    max_model_len: int | None = None
    concurrency: int | None = None  # requests in flight; engine default when None
    timeout: float = 120.0
    max_retries: int = 5
    # sampling; None means "the prompt's default"
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    max_tokens: int | None = None
    seed: int = 0
    #: free-form `--engine-option KEY=VALUE` pairs, passed to the engine constructor
    engine_options: dict[str, Any] = field(default_factory=dict)
    cache_path: str | None = None  # None: $XDG_CACHE_HOME (or ~/.cache)/midb/results.sqlite
    no_cache: bool = False
    regenerate_fallbacks: bool = False
    min_length_ratio: float = 0.5
    max_length_ratio: float = 4.0


@dataclass(frozen=True)
class EngineSpec:
    name: str
    description: str
    factory: Callable[[EngineConfig], Booster]
    #: returns (usable, reason); reason says why not, or what it will use
    availability: Callable[[], tuple[bool, str]] = lambda: (True, "built in")


_ENGINES: dict[str, EngineSpec] = {}


def register_engine(spec: EngineSpec, *, replace: bool = False) -> None:
    if spec.name in _ENGINES and not replace:
        raise ValueError(f"engine {spec.name!r} is already registered")
    _ENGINES[spec.name] = spec


def unregister_engine(name: str) -> None:
    _ENGINES.pop(name, None)


def engine_specs() -> list[EngineSpec]:
    _load_builtin()
    return list(_ENGINES.values())


def create_booster(config: EngineConfig) -> Booster:
    _load_builtin()
    spec = _ENGINES.get(config.engine)
    if spec is None:
        names = ", ".join(sorted(_ENGINES))
        raise UsageError(f"unknown engine {config.engine!r}; available: {names}")
    usable, why = spec.availability()
    if not usable:
        raise EngineError(f"engine {config.engine!r} cannot run here: {why}")
    return spec.factory(config)


_loaded = False


def _load_builtin() -> None:
    """Import the built-in engine modules; each registers itself (once)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    import importlib

    for module in _BUILTIN_MODULES:
        importlib.import_module(module)


#: modules that register built-in engines when imported (kept light: no heavy imports at top)
_BUILTIN_MODULES: list[str] = [
    "midb_cli.boost.rules",
    "midb_cli.engines.openai_backend",
    "midb_cli.engines.vllm_backend",
]
