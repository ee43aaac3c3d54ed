"""The text-backend registry: built-in backends and plugins, found the same way.

A backend is a ``BackendSpec``: a name, a one-line description, its typed options class, a
factory that builds a ``TextBackend`` from those options, and a check that says whether it can
run on this machine (and why not). Heavy dependencies (vLLM) are imported only inside the
factory and the availability check, so listing backends never imports them.

Built-in backends and third-party plugins are loaded through one path: an object reference
``"module:attribute"`` naming a ``BackendSpec`` (or a callable returning one). Plugins declare
theirs as a Python entry point in the group ``midb_cli.backends``::

    [project.entry-points."midb_cli.backends"]
    mybackend = "my_package.backend:SPEC"

Tests register fakes with ``register_backend`` exactly like the built-ins are registered.
Nothing here knows about boosting, judging or scoring: those are tasks built on a backend.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from midb_cli.errors import EngineError, UsageError
from midb_cli.llm.backend import TextBackend
from midb_cli.llm.options import BackendOptions

ENTRY_POINT_GROUP = "midb_cli.backends"

#: built-in backends, referenced exactly as a plugin's entry point would reference them
_BUILTIN: tuple[str, ...] = (
    "midb_cli.llm.openai:SPEC",
    "midb_cli.llm.vllm:SPEC",
)


def _always_available() -> tuple[bool, str]:
    return True, "ready"


@dataclass(frozen=True)
class BackendSpec:
    name: str
    description: str
    options: type[BackendOptions]
    factory: Callable[[Any], TextBackend]
    #: returns (usable, reason); reason says why not, or what it will use
    availability: Callable[[], tuple[bool, str]] = _always_available
    #: where it came from: "built in" or the plugin's distribution
    origin: str = "built in"


@dataclass(frozen=True)
class BrokenPlugin:
    """An entry point that failed to load: listed by `midb engines`, never fatal."""

    name: str
    origin: str
    error: str


_BACKENDS: dict[str, BackendSpec] = {}
_BROKEN: dict[str, BrokenPlugin] = {}
_loaded = False


def register_backend(spec: BackendSpec, *, replace: bool = False) -> None:
    if spec.name in _BACKENDS and not replace:
        raise ValueError(f"backend {spec.name!r} is already registered")
    _BACKENDS[spec.name] = spec


def unregister_backend(name: str) -> None:
    _BACKENDS.pop(name, None)


def backend_specs() -> list[BackendSpec]:
    _load()
    return list(_BACKENDS.values())


def broken_plugins() -> list[BrokenPlugin]:
    _load()
    return list(_BROKEN.values())


def get_backend_spec(name: str) -> BackendSpec | None:
    _load()
    return _BACKENDS.get(name)


def create_backend(name: str, values: Mapping[str, Any]) -> tuple[TextBackend, BackendOptions]:
    """Build backend ``name`` from option values (flags and --engine-option pairs).

    Returns the backend and its parsed options (whose ``answer_identity`` belongs in a cache
    key). Unknown names and options are usage errors; a backend that cannot run here is an
    engine error that says why."""
    spec = get_backend_spec(name)
    if spec is None:
        names = ", ".join(sorted(_BACKENDS))
        raise UsageError(f"unknown backend {name!r}; available: {names}")
    options = parse_options(spec, values)
    usable, why = spec.availability()
    if not usable:
        raise EngineError(f"engine {name!r} cannot run here: {why}")
    return spec.factory(options), options


def require_backend(name: str, values: Mapping[str, Any], task: str) -> None:
    """``task`` (`judge`, `score`) needs a text backend: refuse another engine name (`rules`
    only boosts) and bad options before any reading."""
    spec = get_backend_spec(name)
    if spec is None:
        names = ", ".join(sorted(_BACKENDS))
        raise UsageError(f"{task} needs an LLM engine; {name!r} is not one (available: {names})")
    parse_options(spec, values)


def parse_options(spec: BackendSpec, values: Mapping[str, Any]) -> BackendOptions:
    """The typed options of ``spec`` from raw values (cheap: no backend is built)."""
    return spec.options.from_values(values, spec.name)


def _load() -> None:
    """Load the built-in backends, then every installed plugin (once)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for ref in _BUILTIN:
        _register_reference(ref, "built in")
    for entry in _entry_points():
        origin = f"plugin {entry.dist.name}" if entry.dist is not None else "plugin"
        if entry.name in _BACKENDS:
            continue  # a built-in (or a test fake) of that name wins
        try:
            _register_reference(entry.value, origin)
        except Exception as exc:  # a broken plugin must not break midb
            _BROKEN[entry.name] = BrokenPlugin(entry.name, origin, f"{type(exc).__name__}: {exc}")


def _entry_points() -> list[metadata.EntryPoint]:
    return list(metadata.entry_points(group=ENTRY_POINT_GROUP))


def _register_reference(ref: str, origin: str) -> None:
    module_name, _, attribute = ref.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in attribute.split(".") if attribute else []:
        obj = getattr(obj, part)
    spec = obj if isinstance(obj, BackendSpec) else obj()
    if not isinstance(spec, BackendSpec):
        raise TypeError(f"{ref} is not a midb_cli.llm.BackendSpec")
    if spec.origin != origin:
        spec = BackendSpec(
            spec.name, spec.description, spec.options, spec.factory, spec.availability, origin
        )
    if spec.name not in _BACKENDS:
        register_backend(spec)
