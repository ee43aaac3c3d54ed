"""Deterministic detectors of MT defects (`midb check`) and their fixes (``checks.fixes``).

Every kind is one ``CheckKind`` in ``checks.registry``; ``KINDS`` (every kind),
``DEFAULT_KINDS`` (on unless --select says otherwise) and ``OPTIONAL_KINDS`` (opt-in) are read
from it when asked, so a kind registered later is included.
"""

from __future__ import annotations

from midb_cli.checks.checker import Checker
from midb_cli.checks.finding import Finding
from midb_cli.checks.registry import CheckKind, Fix, kind_names, register_check, resolve_kinds

__all__ = [
    "DEFAULT_KINDS",
    "KINDS",
    "OPTIONAL_KINDS",
    "CheckKind",
    "Checker",
    "Finding",
    "Fix",
    "register_check",
    "resolve_kinds",
]


def __getattr__(name: str) -> tuple[str, ...]:
    if name == "KINDS":
        return kind_names()
    if name == "DEFAULT_KINDS":
        return kind_names(default_only=True)
    if name == "OPTIONAL_KINDS":
        every, default = kind_names(), set(kind_names(default_only=True))
        return tuple(k for k in every if k not in default)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
