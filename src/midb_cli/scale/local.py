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
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from midb_cli.boost.pipeline import BoostOptions
from midb_cli.boost.summary import BoostSummary
from midb_cli.errors import EngineError, InputError, MidbError, UsageError
from midb_cli.records.parquet import is_parquet_file
from midb_cli.records.reader import is_json_array_file
from midb_cli.scale.driver import drive
from midb_cli.scale.manifest import Plan
from midb_cli.scale.workers import worker_overrides

#: shards per worker: small enough that the last ones finish together, large enough that a
#: shard's fixed cost (opening files, the first records) stays small
SHARDS_PER_WORKER = 4
#: a big input gets more shards, up to this many per worker, of at least SHARD_BYTES each: the
#: shards of the shared data differ by +-40% in CPU (one language costs more than another), so
#: the last worker to finish idles for up to one shard; each shard costs ~14 ms of fsyncs
MAX_SHARDS_PER_WORKER = 16
SHARD_BYTES = 8 << 20
#: new pools after a worker died, before the run gives up
MAX_POOL_RESTARTS = 3
_PR_SET_PDEATHSIG = 1
#: engines that hold one GPU each
GPU_ENGINES = frozenset({"vllm"})
#: how long a worker waits for the lease of a shard whose last attempt is still dying
LEASE_WAIT_SECONDS = 30.0
#: how long a stopping driver waits for its workers to finish their record and exit
STOP_SECONDS = 30.0
#: input bytes each worker needs before `--workers auto` starts it. Measured (rules engine,
#: 2,000 records): 2 workers cost 2.2 s more CPU than a plain run, the driver's prior 0.7 s (with
#: its language models) and per worker 0.3 s to start plus 0.7 s of models and modules loaded on
#: its first shard, about 1.7 s of wall on two free cores; one core boosts ~2.9 MB of the shared
#: data per CPU second. At 16 MiB a worker, each worker's part is ~5.8 s of work against that.
MIN_BYTES_PER_WORKER = 16 << 20


def resolve_workers(value: str, input: str | None = None) -> int:
    """``--workers N|auto``. N is obeyed; auto is the cores this process may use, fewer when
    ``input`` is too small for them to pay off (``auto_workers``)."""
    if value == "auto":
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        return max(1, cores) if input is None else auto_workers(input, cores)
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise UsageError(f"--workers {value!r}: expected a positive number or 'auto'")
    return n


def auto_workers(input: str, cores: int) -> int:
    """Workers that cannot be slower than one: an input that is one shard whatever the count
    (stdin, ``.gz``, a JSON array, Parquet) gets one, and each worker needs at least
    ``MIN_BYTES_PER_WORKER`` of the input."""
    if input == "-" or input.endswith(".gz") or is_parquet_file(input):
        return 1
    try:
        size = os.path.getsize(input)
        if is_json_array_file(input):
            return 1
    except OSError:
        return 1  # the run itself reports the unreadable input
    return max(1, min(cores, size // MIN_BYTES_PER_WORKER))


def shard_count(input: str, workers: int) -> int:
    """The shards of a new plan for ``workers`` workers."""
    try:
        size = os.path.getsize(input)
    except OSError:
        size = 0  # stdin, or unreadable: the plan reports it
    per_worker = size // (workers * SHARD_BYTES)
    return workers * max(SHARDS_PER_WORKER, min(MAX_SHARDS_PER_WORKER, per_worker))


def run_local(
    options: BoostOptions,
    workers: int,
    *,
    shards: int | None = None,
    on_progress: Callable[[int, BoostSummary], None] | None = None,
) -> BoostSummary:
    """Plan (or reuse the plan of an interrupted run), run the shards in ``workers``
    processes, merge. Interrupted, it raises ``KeyboardInterrupt`` with ``exc.summary``."""
    return drive(
        options,
        shards or shard_count(options.input, workers),
        lambda plan: _run_pending(plan, workers),
        on_progress=on_progress,
    )


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
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_init_worker,
        initargs=(slots, workers, plan.options.engine.name),
    )
    futures: dict[Future[None], int] = {}
    try:
        for index in pending:
            futures[pool.submit(_work, str(plan.directory), index)] = index
        while futures:
            finished, _ = wait(futures, return_when=FIRST_COMPLETED)
            for future in finished:
                futures.pop(future)
                future.result()  # a shard's error stops the run (its message is kept)
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop now, not after the running shards (an error or Ctrl-C stops the run): SIGTERM
    makes each worker write what it has and stop, its shard resumes on a rerun. The workers
    are waited for (a second signal meanwhile is held): none outlives the driver."""
    processes = list(getattr(pool, "_processes", {}).values())
    with _signals_held():
        pool.shutdown(wait=False, cancel_futures=True)  # a worker done with its shard exits
        for process in processes:
            with contextlib.suppress(OSError):
                process.terminate()
        deadline = time.monotonic() + STOP_SECONDS
        for process in processes:
            process.join(max(0.0, deadline - time.monotonic()))
        for process in processes:
            if process.is_alive():
                process.kill()  # stuck (an engine that ignores SIGTERM): its shard resumes
                process.join()
        pool.shutdown(wait=True)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM ignored for a moment (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


# -- inside a worker ------------------------------------------------------------------------------
_slot = 0
_workers = 1
_identifier: Any = None
#: set by the driver's SIGTERM: the shards already queued for this worker are not started
_stopping = False
#: True while this worker is inside a shard (``_work``)
_in_shard = False


def _init_worker(slots: Any, workers: int, engine: str) -> None:
    global _slot, _workers
    _die_with_parent()
    # Ctrl-C in a terminal reaches the whole process group: the driver stops the workers
    # (SIGTERM, which each run turns into a clean stop), so they do not act on it themselves
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop_taking_shards)  # between shards; run_boost's own inside
    with slots.get_lock():
        _slot = slots.value
        slots.value += 1
    _workers = workers
    if engine in GPU_ENGINES:
        # one GPU per worker: the slot-th of the GPUs this machine (or the user) makes visible
        visible = os.environ.get("CUDA_VISIBLE_DEVICES")
        gpus = visible.split(",") if visible else [str(k) for k in range(workers)]
        os.environ["CUDA_VISIBLE_DEVICES"] = gpus[_slot % len(gpus)]


def _stop_taking_shards(signum: int, frame: Any) -> None:
    global _stopping
    _stopping = True
    if _in_shard:
        # Before run_boost has its own handler (the plan, the language models, the lease) a
        # flag alone would let the shard run to its end: stop it now. Whatever it wrote is
        # resumable, as after kill -9.
        raise KeyboardInterrupt


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        # without prctl an orphan finishes its shard (under its lease) and stops
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _work(directory: str, index: int) -> None:
    from midb_cli.langid import LanguageIdentifier
    from midb_cli.scale.manifest import load_plan
    from midb_cli.scale.shard import run_shard

    global _identifier, _stopping, _in_shard
    _in_shard = True
    try:
        if _stopping:
            raise InputError(f"shard {index} not started: the run is stopping")
        plan = load_plan(directory)
        if _identifier is None:  # loaded once per worker, reused by its shards
            _identifier = LanguageIdentifier(backend=plan.options.detector, lang=plan.options.lang)
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
        # SIGTERM from the driver: the shard wrote what it had; the driver is stopping the run
        # (the pool may have queued more shards here already: they are not started)
        _stopping = True
        raise InputError(f"shard {index} interrupted") from None
    finally:
        _in_shard = False
