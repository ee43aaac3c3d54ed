"""One sharded boost job, whoever runs its shards (local processes, Ray actors): plan (or reuse
the plan of an interrupted run), nothing to do when it was merged already, progress, the shards
run by an executor, OUT merged as they finish.

Ctrl-C and SIGTERM raise ``KeyboardInterrupt`` (``Terminated`` for SIGTERM) in the driver, the
executor stops its workers before the exception leaves it, and the exception carries the
summary of what the shards wrote (``exc.summary``): the CLI prints it and exits 130 or 143.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from midb_cli.boost.pipeline import BoostOptions
from midb_cli.boost.summary import BoostSummary
from midb_cli.scale.manifest import Plan
from midb_cli.scale.merge import MergeFollower, OutputMerge, merged_summary
from midb_cli.scale.plan import ensure_plan
from midb_cli.scale.progress import ProgressThread, ShardTail
from midb_cli.signals import CtrlC

#: runs every shard of the plan that is not done; returns when all are
Executor = Callable[[Plan], None]


def drive(
    options: BoostOptions,
    shards: int,
    execute: Executor,
    *,
    on_progress: Callable[[int, BoostSummary], None] | None = None,
    started: float | None = None,
) -> BoostSummary:
    """Plan ``shards`` shards (a plan already there is resumed), ``execute`` them, merge.
    ``started``: when the job began (``time.monotonic()``; before a cluster was joined)."""
    started = time.monotonic() if started is None else started
    with CtrlC():  # SIGTERM raises here too (as Terminated), where Ctrl-C would
        plan = ensure_plan(options, shards)
        earlier = merged_summary(plan)
        if earlier is not None:
            return earlier
        done_before = frozenset(plan.done())
        tail = ShardTail(plan)
        earlier_lines, earlier_status = tail.poll(), Counter(tail.by_status)
        progress = ProgressThread(tail, options.engine.name, on_progress) if on_progress else None
        merge = OutputMerge(plan)
        merge.open()
        follower = MergeFollower(merge)
        try:
            if progress:
                progress.start()
            follower.start()
            try:
                execute(plan)
            finally:
                follower.stop()
                if progress:
                    progress.stop()
            if follower.error is not None:
                raise follower.error
        except KeyboardInterrupt as exc:
            merge.abort()
            exc.summary = _interrupted(plan, tail, earlier_lines, earlier_status)  # type: ignore[attr-defined]
            raise
        except BaseException:
            merge.abort()
            raise
        summary = merge.commit(done_before)
    summary.elapsed = time.monotonic() - started  # the whole job's wall clock
    return summary


def _interrupted(
    plan: Plan, tail: ShardTail, earlier_lines: int, earlier_status: Counter[str]
) -> BoostSummary:
    """What the shards hold when the run stopped: this run's records and an earlier run's."""
    lines = tail.poll()
    summary = BoostSummary(plan.options.output, "", plan.options.engine.name)
    for status, n in (tail.by_status - earlier_status).items():
        summary.by_lang_status["all", status] = n
    summary.resumed = earlier_lines
    summary.written = lines - earlier_lines
    summary.rejected = sum(_lines(plan.rejects_of(s.index)) for s in plan.shards)
    summary.read = lines + summary.rejected
    summary.interrupted = True
    summary.sharded = True
    return summary


def _lines(path: Path) -> int:
    try:
        with open(path, "rb") as fh:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
    except FileNotFoundError:
        return 0
