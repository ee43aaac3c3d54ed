"""midb: clean and boost multilingual instruction-tuning data.

The library API (see ``midb_cli.api``): ``run_boost``, ``run_check``, ``run_stats``,
``run_select``, ``run_diff``, ``run_judge``, ``run_score``, ``run_export``,
``run_train_data`` and their option and result types, imported on first use so that
``import midb_cli`` stays instant.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_API = {
    "BoostOptions": "midb_cli.api",
    "CheckSummary": "midb_cli.api",
    "CheckedRecord": "midb_cli.api",
    "DiffOptions": "midb_cli.api",
    "DiffSummary": "midb_cli.api",
    "run_diff": "midb_cli.api",
    "SelectionResult": "midb_cli.api",
    "run_boost": "midb_cli.api",
    "run_check": "midb_cli.api",
    "run_select": "midb_cli.api",
    "run_stats": "midb_cli.api",
    "run_judge": "midb_cli.api",
    "run_score": "midb_cli.api",
    "run_export": "midb_cli.api",
    "run_train_data": "midb_cli.api",
    "JudgeOptions": "midb_cli.judge.run",
    "ScoreOptions": "midb_cli.judge.score",
    "ExportOptions": "midb_cli.export.export",
    "TrainDataOptions": "midb_cli.export.train_data",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'midb_cli' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
