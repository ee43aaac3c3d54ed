"""`midb stats` (placeholder until the stats module lands)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from midb_cli.errors import InputError


def register(app: typer.Typer) -> None:
    @app.command()
    def stats(paths: Annotated[list[Path], typer.Argument(help="Input files.")]) -> None:
        """Per-language statistics."""
        raise InputError("not implemented yet")
