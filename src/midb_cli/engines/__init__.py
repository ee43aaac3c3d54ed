"""Boosters selectable with ``--engine``: one registry for built-in and test/plugin engines."""

from midb_cli.engines.registry import (
    EngineConfig,
    EngineSpec,
    create_booster,
    engine_specs,
    register_engine,
)

__all__ = ["EngineConfig", "EngineSpec", "create_booster", "engine_specs", "register_engine"]
