"""`midb boost --ray ADDRESS`: the shards of one plan run by Ray core actors, merged here.

Ray core only (no Ray Data: it is unordered and fail-fast by default, and the shards already
give order, rejects and resume). Actors are long-lived: each loads the language identifier (and,
for vLLM, the engine: one actor per GPU, ``num_gpus=1``) once and runs many shards. CPU actors
ask for a fraction of a CPU: an actor pool asking one whole CPU per actor on a 2-CPU node hangs
(Ray issue #44687). A dead actor is restarted by Ray and its task retried; the shard resumes from
what it wrote. The plan folder must be on a file system every node sees.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from midb_cli.boost.engines import check_engine
from midb_cli.boost.pipeline import BoostOptions
from midb_cli.boost.summary import BoostSummary
from midb_cli.errors import EngineError, MidbError, UsageError
from midb_cli.scale.driver import drive
from midb_cli.scale.local import GPU_ENGINES, LEASE_WAIT_SECONDS, shard_count
from midb_cli.scale.manifest import Plan

#: the CPU share each CPU actor asks for (below 1: see the module docstring)
ACTOR_CPUS = 0.75


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise UsageError("--ray needs Ray: pip install 'midb-cli[ray]'") from None
    return ray


def run_ray(
    options: BoostOptions,
    address: str,
    *,
    shards: int | None = None,
    actors: int | None = None,
    on_progress: Callable[[int, BoostSummary], None] | None = None,
) -> BoostSummary:
    """Plan, run every shard not done on Ray, merge. ``address``: ``local`` starts a Ray
    here, anything else (``auto``, ``ray://host:port``) is handed to ``ray.init``."""
    check_engine(options.engine)  # a bad or secret option: before a cluster is joined
    ray = import_ray()
    started = time.monotonic()
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(
            address=None if address == "local" else address,
            log_to_driver=False,
            logging_level=logging.WARNING,  # midb's own messages only on stderr
            include_dashboard=False,
        )
    try:
        gpu = options.engine.name in GPU_ENGINES
        resources = ray.cluster_resources()
        if actors is None:
            have = resources.get("GPU" if gpu else "CPU", 0)
            actors = max(1, int(have if gpu else have // ACTOR_CPUS))
        return drive(
            options,
            shards or shard_count(options.input, actors),
            lambda plan: _run_on_actors(ray, plan, actors, gpu),
            on_progress=on_progress,
            started=started,
        )
    finally:
        if started_here:
            ray.shutdown()


def _run_on_actors(ray: Any, plan: Plan, actors: int, gpu: bool) -> None:
    pending = [s.index for s in plan.shards if s.index not in plan.done()]
    if not pending:
        return
    count = min(actors, len(pending))
    options = {"num_gpus": 1, "num_cpus": 0} if gpu else {"num_cpus": ACTOR_CPUS}
    worker_class = ray.remote(max_restarts=-1, max_task_retries=-1, **options)(ShardActor)
    pool = [worker_class.remote(str(plan.directory), slot, count) for slot in range(count)]
    running: dict[Any, Any] = {}
    queue = list(pending)
    for actor in pool:
        if queue:
            running[actor.run.remote(queue.pop(0))] = actor
    while running:
        finished, _ = ray.wait(list(running), num_returns=1)
        ref = finished[0]
        actor = running.pop(ref)
        error = ray.get(ref)
        if error:
            raise EngineError(error)
        if queue:
            running[actor.run.remote(queue.pop(0))] = actor


class ShardActor:
    """One long-lived worker: runs shards of one plan, one at a time."""

    def __init__(self, directory: str, slot: int, workers: int) -> None:
        from midb_cli.langid import LanguageIdentifier
        from midb_cli.scale.manifest import load_plan

        self.directory = directory
        self.slot = slot
        self.workers = workers
        self.booster: Any = None  # a GPU engine, built on the first shard, kept for the rest
        plan = load_plan(directory)
        self.identifier = LanguageIdentifier(backend=plan.options.detector, lang=plan.options.lang)

    def run(self, index: int) -> str | None:
        """Returns an error message (a user's error, not a crash: Ray would retry that)."""
        from midb_cli.scale.manifest import load_plan
        from midb_cli.scale.shard import run_shard
        from midb_cli.scale.workers import worker_overrides

        plan = load_plan(self.directory)
        overrides = worker_overrides(plan.options, self.slot, self.workers)
        try:
            run_shard(
                plan,
                index,
                overrides=overrides,
                identifier=self.identifier,
                booster=self._engine(plan, index, overrides),
                lease_wait=LEASE_WAIT_SECONDS,
            )
        except MidbError as exc:
            return str(exc)
        return None

    def _engine(self, plan: Any, index: int, overrides: dict[str, Any]) -> Any:
        """The GPU engine of this actor (built once: loading a model takes minutes); other
        engines are built by each shard's run, as in a plain run."""
        if plan.options.engine.name not in GPU_ENGINES:
            return None
        from midb_cli.boost.engines import create_booster
        from midb_cli.scale.reuse import KeptOpen
        from midb_cli.scale.shard import shard_options

        if self.booster is None:
            self.booster = create_booster(shard_options(plan, index, overrides).engine)
        return KeptOpen(self.booster, plan.options.engine.name)
