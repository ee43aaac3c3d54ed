"""How one job's engine is shared among workers: each gets a slice of the servers and of the
concurrency, so N workers together put the load the user asked for on the servers given."""

from __future__ import annotations

from typing import Any

from midb_cli.boost.pipeline import BoostOptions


def worker_overrides(options: BoostOptions, slot: int, workers: int) -> dict[str, Any]:
    """Backend options for worker ``slot`` of ``workers``: every ``--api-base`` used by some
    worker, and ``--concurrency`` (the total) split so the parts add up to it."""
    backend = options.engine.backend_options
    out: dict[str, Any] = {}
    bases = backend.get("api_base")
    if isinstance(bases, list) and len(bases) > 1:
        if len(bases) >= workers:
            out["api_base"] = bases[slot::workers]
        else:
            out["api_base"] = [bases[slot % len(bases)]]
    if options.engine.name != "rules" and "api_base" in backend:
        from midb_cli.llm.openai_backend import DEFAULT_CONCURRENCY

        total = int(backend.get("concurrency") or DEFAULT_CONCURRENCY)
        out["concurrency"] = max(1, total // workers + (1 if slot < total % workers else 0))
    return out
