"""The one way the CLI makes a rich Console.

Rich answers a closed pipe (`midb diff OUT | head`) with ``SystemExit(1)``; for midb a reader
that went away is not a failure, so the console raises ``BrokenPipeError`` instead and the CLI
exits 0 (see ``cli.main``)."""

from __future__ import annotations

from typing import Any

from rich.console import Console


class _Console(Console):
    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def make_console(**kwargs: Any) -> Console:
    return _Console(**kwargs)


def counted(n: int, noun: str) -> str:
    """``1 failed request``, ``2 failed requests`` (thousands separated)."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")
