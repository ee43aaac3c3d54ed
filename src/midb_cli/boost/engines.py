"""What ``midb boost --engine NAME`` can run: boosters of their own (the rules booster, test
fakes) and every text backend of the ``llm`` registry, which becomes an engine by running the
LLM booster over it. A third-party backend plugin is therefore an engine with no edit here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

from midb_cli.boost.protocol import Booster, BoosterSpec, EngineSelection
from midb_cli.boost.rules import SPEC as RULES
from midb_cli.errors import EngineError, MidbError, UsageError


@dataclass(frozen=True)
class EngineInfo:
    name: str
    description: str
    usable: bool
    why: str
    origin: str


_BOOSTERS: dict[str, BoosterSpec] = {}


def register_booster(spec: BoosterSpec, *, replace: bool = False) -> None:
    if spec.name in _BOOSTERS and not replace:
        raise ValueError(f"booster {spec.name!r} is already registered")
    _BOOSTERS[spec.name] = spec


def unregister_booster(name: str) -> None:
    _BOOSTERS.pop(name, None)


def _builtin_boosters() -> None:
    if "rules" not in _BOOSTERS:
        register_booster(RULES)


# The LLM registry (entry points, importlib.metadata) loads only when an engine other than a
# registered booster is named or listed: a rules run never pays for it.


def engine_names() -> list[str]:
    from midb_cli.llm.registry import backend_specs

    _builtin_boosters()
    return sorted({*_BOOSTERS, *(spec.name for spec in backend_specs())})


def engine_table() -> list[EngineInfo]:
    """Every engine with whether it can run here (for `midb engines`), plugins that failed to
    load last, marked unusable with their error."""
    from midb_cli.llm.registry import backend_specs, broken_plugins

    _builtin_boosters()
    rows = [
        EngineInfo(s.name, s.description, *s.availability(), "built in") for s in _BOOSTERS.values()
    ]
    for spec in backend_specs():
        if spec.name not in _BOOSTERS:
            rows.append(EngineInfo(spec.name, spec.description, *spec.availability(), spec.origin))
    for broken in broken_plugins():
        rows.append(EngineInfo(broken.name, "(failed to load)", False, broken.error, broken.origin))
    return rows


def _safe(availability: Callable[[], tuple[bool, str]]) -> tuple[bool, str]:
    try:
        return availability()
    except Exception as exc:  # a broken optional install must not hide the other engines
        return False, f"availability check failed: {exc}"


def check_engine(selection: EngineSelection) -> None:
    """Refuse an unknown engine or option before anything slow starts (models, files)."""
    _builtin_boosters()
    if selection.name in _BOOSTERS:
        if selection.backend_options:
            given = ", ".join(sorted(selection.backend_options))
            raise UsageError(
                f"engine {selection.name!r} takes no model options (given: {given}); "
                "they are for LLM engines such as --engine openai"
            )
        return
    from midb_cli.llm.registry import get_backend_spec
    from midb_cli.llm.registry import parse_options as parse_backend_options

    spec = get_backend_spec(selection.name)
    if spec is None:
        raise UsageError(
            f"unknown engine {selection.name!r}; available: {', '.join(engine_names())}"
        )
    parse_backend_options(spec, selection.backend_options)


def answer_options(selection: EngineSelection) -> dict[str, object]:
    """The engine options that change what it answers (a backend's ``answer_identity``; not
    its servers, concurrency or key variable); a booster's are all it has."""
    _builtin_boosters()
    if selection.name in _BOOSTERS:
        return dict(selection.backend_options)
    from midb_cli.llm.registry import get_backend_spec
    from midb_cli.llm.registry import parse_options as parse_backend_options

    spec = get_backend_spec(selection.name)
    if spec is None:
        return dict(selection.backend_options)
    try:
        return parse_backend_options(spec, selection.backend_options).answer_identity()
    except MidbError:  # a booster object given by a library caller: the options as they are
        return dict(selection.backend_options)


def is_llm_booster(booster: Booster) -> bool:
    """Whether ``booster`` is the LLM booster, without importing the LLM layer for a rules run:
    while ``midb_cli.boost.llm`` is not loaded, no LLMBooster exists."""
    llm = sys.modules.get("midb_cli.boost.llm")
    return llm is not None and isinstance(booster, llm.LLMBooster)


def create_booster(selection: EngineSelection) -> Booster:
    """The booster for ``selection``: a registered booster, or the LLM booster over the text
    backend of that name. The prompt is loaded first, so a bad --prompt fails before a model
    loads."""
    check_engine(selection)
    booster_spec = _BOOSTERS.get(selection.name)
    if booster_spec is not None:
        usable, why = booster_spec.availability()
        if not usable:
            raise EngineError(f"engine {selection.name!r} cannot run here: {why}")
        return booster_spec.factory(selection)
    from midb_cli.boost.llm import LLMBooster
    from midb_cli.llm.prompts import load_prompt
    from midb_cli.llm.registry import create_backend

    prompt = load_prompt(selection.llm.prompt)
    backend, options = create_backend(selection.name, selection.backend_options)
    try:
        return LLMBooster(
            backend,
            selection.llm,
            prompt=prompt,
            answer_identity=options.answer_identity(),
            regenerate_fallbacks=selection.regenerate_fallbacks,
        )
    except BaseException:
        backend.close()
        raise
