"""`midb engines`: every registered engine, whether it can run on this machine, and why not."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer


def engine_rows() -> list[dict[str, Any]]:
    from midb_cli.boost.engines import engine_table

    return [
        {
            "name": row.name,
            "usable": row.usable,
            "reason": row.why,
            "description": row.description,
            "origin": row.origin,
        }
        for row in engine_table()
    ]


def register(app: typer.Typer) -> None:
    @app.command()
    def engines(
        as_json: Annotated[
            bool, typer.Option("--json", help="Print a JSON list instead of a table.")
        ] = False,
    ) -> None:
        """List the engines for `midb boost --engine` and whether each can run here."""
        rows = engine_rows()
        if as_json:
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        from rich.markup import escape
        from rich.table import Table

        from midb_cli.cli.console import make_console

        table = Table(box=None, pad_edge=False)
        for column in ("engine", "usable", "details", "description", "from"):
            table.add_column(column, overflow="fold")
        for row in rows:
            usable = "yes" if row["usable"] else "no"
            cells = (row["name"], usable, row["reason"], row["description"], row["origin"])
            table.add_row(*(escape(cell) for cell in cells))
        make_console(soft_wrap=False).print(table)
