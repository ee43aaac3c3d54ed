"""The list of commands. Each module defines ``register(app)`` and nothing else at import time
that is heavy (engines and their dependencies load only when a command runs)."""

from __future__ import annotations

import importlib

import typer

COMMAND_MODULES = (
    "midb_cli.cli.boost_cmd",
    "midb_cli.cli.check_cmd",
    "midb_cli.cli.diff_cmd",
    "midb_cli.cli.stats_cmd",
    "midb_cli.cli.select_cmd",
    "midb_cli.cli.engines_cmd",
    "midb_cli.cli.judge_cmd",
    "midb_cli.cli.score_cmd",
    "midb_cli.cli.export_cmd",
    "midb_cli.cli.train_data_cmd",
    "midb_cli.cli.shard_cmd",
)


def register(app: typer.Typer) -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(app)
