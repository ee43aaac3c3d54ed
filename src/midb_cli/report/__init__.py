"""Diff views shared by `midb diff` and `midb boost --report`: segments, terminal, HTML.

The names below load on first use, so that importing a light submodule (the CLI reads
``report.run``'s defaults at start-up) does not pull in rapidfuzz and the HTML renderer.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from midb_cli.report.builder import DiffReport
    from midb_cli.report.entry import DiffEntry
    from midb_cli.report.segments import diff_segments

__all__ = ["DiffEntry", "DiffReport", "diff_segments"]

_HOMES = {
    "DiffEntry": "midb_cli.report.entry",
    "DiffReport": "midb_cli.report.builder",
    "diff_segments": "midb_cli.report.segments",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'midb_cli.report' has no attribute {name!r}")
    return getattr(import_module(home), name)
