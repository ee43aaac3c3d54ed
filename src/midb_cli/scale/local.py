"""`midb boost --workers N`: the shards of one plan run by N processes on this machine.

Workers are started with ``spawn`` (no copy of the driver's threads or state) and die with the
driver (``PR_SET_PDEATHSIG``), so a kill -9 of the driver leaves no orphan writing a shard. A
worker killed on its own breaks the pool: the driver starts a new one and the unfinished shards
resume from what they wrote. Once every shard is done, the driver merges.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from midb_cli.boost.pipeline import BoostOptions
from midb_cli.boost.summary import BoostSummary
from midb_cli.errors import EngineError, InputError, MidbError, UsageError
from midb_cli.scale.manifest import Plan
from midb_cli.scale.merge import merge_plan, merged_summary
from midb_cli.scale.plan import ensure_plan
from midb_cli.scale.progress import ProgressThread, ShardTail
from midb_cli.scale.workers import worker_overrides

#: shards per worker: small enough that the last ones finish together, large enough that a
#: shard's fixed cost (opening files, the first records) stays small
SHARDS_PER_WORKER = 4
#: new pools after a worker died, before the run gives up
MAX_POOL_RESTARTS = 3
_PR_SET_PDEATHSIG = 1
#: engines that hold one GPU each
GPU_ENGINES = frozenset({"vllm"})
#: how long a worker waits for the lease of a shard whose last attempt is still dying
LEASE_WAIT_SECONDS = 30.0


def resolve_workers(value: str) -> int:
    """``--workers N|auto`` (auto: the cores this process may use)."""
    if value == "auto":
        return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise UsageError(f"--workers {value!r}: expected a positive number or 'auto'")
    return n


def run_local(
    options: BoostOptions,
    workers: int,
    *,
    shards: int | None = None,
    on_progress: Callable[[int, BoostSummary], None] | None = None,
) -> BoostSummary:
    """Plan (or reuse the plan of an interrupted run), run the shards in ``workers``
    processes, merge. Interrupted, it raises ``KeyboardInterrupt`` with ``exc.summary``."""
    started = time.monotonic()
    plan = ensure_plan(options, shards or workers * SHARDS_PER_WORKER)
    earlier = merged_summary(plan)
    if earlier is not None:
        return earlier
    tail = ShardTail(plan)
    progress = ProgressThread(tail, options.engine.name, on_progress) if on_progress else None
    if progress:
        progress.start()
    try:
        _run_pending(plan, workers)
    except KeyboardInterrupt as exc:
        summary = tail.summary(options.engine.name)
        summary.interrupted = True
        summary.resumed = tail.poll()
        exc.summary = summary  # type: ignore[attr-defined]
        raise
    finally:
        if progress:
            progress.stop()
    summary = merge_plan(plan)
    summary.elapsed = time.monotonic() - started  # the whole job's wall clock
    return summary


def _run_pending(plan: Plan, workers: int) -> None:
    restarts = 0
    while True:
        pending = [s.index for s in plan.shards if s.index not in plan.done()]
        if not pending:
            return
        try:
            _run_pool(plan, pending, min(workers, len(pending)))
            return
        except BrokenProcessPool:
            restarts += 1  # a worker died (killed, out of memory): its shard resumes
            if restarts > MAX_POOL_RESTARTS:
                raise EngineError(
                    f"workers died {restarts} times; the shards done so far are kept in "
                    f"{plan.directory}: rerun to continue"
                ) from None


def _run_pool(plan: Plan, pending: list[int], workers: int) -> None:
    context = multiprocessing.get_context("spawn")
    slots = context.Value("i", 0)
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(slots, workers, plan.options.engine.name),
    ) as pool:
        futures: dict[Future[None], int] = {
            pool.submit(_work, str(plan.directory), index): index for index in pending
        }
        try:
            while futures:
                finished, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in finished:
                    futures.pop(future)
                    future.result()  # a shard's error stops the run (its message is kept)
        except BaseException:
            for future in futures:
                future.cancel()
            # Not a wait for the running shards (an error or Ctrl-C stops the run now): SIGTERM
            # makes each worker write what it has and stop; its shard resumes on a rerun.
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            raise


# -- inside a worker ------------------------------------------------------------------------------
_slot = 0
_workers = 1
_identifier: Any = None


def _init_worker(slots: Any, workers: int, engine: str) -> None:
    global _slot, _workers
    _die_with_parent()
    with slots.get_lock():
        _slot = slots.value
        slots.value += 1
    _workers = workers
    if engine in GPU_ENGINES:
        # one GPU per worker: the slot-th of the GPUs this machine (or the user) makes visible
        visible = os.environ.get("CUDA_VISIBLE_DEVICES")
        gpus = visible.split(",") if visible else [str(k) for k in range(workers)]
        os.environ["CUDA_VISIBLE_DEVICES"] = gpus[_slot % len(gpus)]


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        # without prctl an orphan finishes its shard (under its lease) and stops
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _work(directory: str, index: int) -> None:
    from midb_cli.langid import LanguageIdentifier
    from midb_cli.scale.manifest import load_plan
    from midb_cli.scale.shard import run_shard

    global _identifier
    plan = load_plan(directory)
    if _identifier is None:  # loaded once per worker, reused by its shards
        _identifier = LanguageIdentifier(backend=plan.options.detector, lang=plan.options.lang)
    try:
        run_shard(
            plan,
            index,
            overrides=worker_overrides(plan.options, _slot, _workers),
            identifier=_identifier,
        )
    except MidbError as exc:
        # the error crosses the process boundary without its attachments (a live summary)
        raise type(exc)(str(exc)) from None
    except KeyboardInterrupt:
        raise InputError(f"shard {index} interrupted") from None
