"""The result cache across workers.

On one machine every worker opens the user's one SQLite cache (WAL mode lets several processes
share it). On a cluster, where SQLite's WAL does not work over a network file system, each shard
writes a cache file of its own in the plan folder (``caches/NNNNN.sqlite``); the merge folds them
into the user's cache, keeping an answer the user's cache already has.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from midb_cli.llm.cache import ResultCache, default_cache_path
from midb_cli.scale.manifest import Plan


def fold_caches(plan: Plan) -> list[str]:
    """Fold the shards' own cache files into the user's cache; returns warnings."""
    llm = plan.options.engine.llm
    parts = sorted((plan.directory / "caches").glob("*.sqlite"))
    if llm.no_cache or not parts:
        return []
    target = Path(llm.cache_path) if llm.cache_path else default_cache_path()
    ResultCache(target).close()  # creates the file and its table when new
    warnings: list[str] = []
    db = sqlite3.connect(target, timeout=60)
    try:
        for part in parts:
            try:
                db.execute("ATTACH DATABASE ? AS part", (str(part),))
                db.execute("INSERT OR IGNORE INTO main.results SELECT * FROM part.results")
                db.commit()
                db.execute("DETACH DATABASE part")
            except sqlite3.Error as exc:
                warnings.append(f"{part}: could not fold it into the cache {target}: {exc}")
                continue
            for suffix in ("", "-wal", "-shm"):
                Path(str(part) + suffix).unlink(missing_ok=True)
    finally:
        db.close()
    return warnings
