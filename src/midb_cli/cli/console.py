"""The one way the CLI makes a rich Console.

Rich answers a closed pipe (`midb diff OUT | head`) with ``SystemExit(1)``; for midb a reader
that went away is not a failure, so the console raises ``BrokenPipeError`` instead and the CLI
exits 0 (see ``cli.main``)."""

from __future__ import annotations

import os
from typing import Any

from rich.console import Console

#: the width of output that is not a terminal (a pipe, a log file): rich's default of 80
#: columns cut the figures of a wide table (`100.…`, `11,4…`); a log line may be long
PIPE_WIDTH = 200


class _Console(Console):
    def on_broken_pipe(self) -> None:
        self.quiet = True
        raise BrokenPipeError


def make_console(**kwargs: Any) -> Console:
    console = _Console(**kwargs)
    if "width" not in kwargs and not console.is_terminal and not os.environ.get("COLUMNS"):
        console.width = PIPE_WIDTH
    return console


def counted(n: int, noun: str) -> str:
    """``1 failed request``, ``2 failed requests`` (thousands separated)."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")
