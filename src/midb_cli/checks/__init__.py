"""Deterministic detectors of MT defects (`midb check`) and their fixes (``checks.fixes``)."""

from midb_cli.checks.checker import Checker, resolve_kinds
from midb_cli.checks.finding import DEFAULT_KINDS, KINDS, OPTIONAL_KINDS, Finding

__all__ = ["DEFAULT_KINDS", "KINDS", "OPTIONAL_KINDS", "Checker", "Finding", "resolve_kinds"]
