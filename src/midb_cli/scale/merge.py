"""Merging a finished plan: OUT, the rejects and the summary, in input order, atomically.

Every shard must carry its done-marker first. OUT is written to a temporary file beside it and
renamed over it, under OUT's own lock (the one a plain run on OUT takes), so a reader of OUT sees
the old file or the whole new one. After the rename the shard outputs are deleted (OUT holds
them now) and ``merged.json`` records OUT's size: a rerun then has nothing left to do.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import Any

from midb_cli import jsonio
from midb_cli.boost.paths import default_rejects_path
from midb_cli.boost.summary import BoostSummary
from midb_cli.errors import InputError
from midb_cli.records.lock import OutputLock
from midb_cli.records.writer import atomic_writer
from midb_cli.scale.cache import fold_caches
from midb_cli.scale.manifest import Plan
from midb_cli.scale.shard import add_to_summary, read_marker

_POLL_SECONDS = 1.0


def wait_for_shards(plan: Plan, *, wait: bool) -> None:
    while True:
        missing = [s.index for s in plan.shards if s.index not in plan.done()]
        if not missing:
            return
        if not wait:
            shown = ", ".join(map(str, missing[:10])) + (" ..." if len(missing) > 10 else "")
            raise InputError(
                f"{plan.directory}: {len(missing):,} of {len(plan.shards):,} shard(s) not done "
                f"({shown}); run them with `midb shard run {plan.directory} --shard N`, or merge "
                "with --wait"
            )
        time.sleep(_POLL_SECONDS)


def merged_summary(plan: Plan) -> BoostSummary | None:
    """The summary of a plan merged earlier into an OUT that is still as it was left."""
    stamp = plan.directory / "merged.json"
    output = plan.options.output
    if not stamp.exists():
        return None
    data = jsonio.loads(stamp.read_bytes())
    try:
        if os.path.getsize(output) != data["output_size"]:
            return None
    except OSError:
        return None
    summary = _empty_summary(plan)
    for index in range(len(plan.shards)):
        add_to_summary(summary, read_marker(plan.done_marker(index)))
    summary.resumed += summary.written  # done by an earlier run
    summary.written = 0
    summary.by_lang_status.clear()
    summary.reasons.clear()
    return summary


def merge_plan(plan: Plan, *, wait: bool = False) -> BoostSummary:
    earlier = merged_summary(plan)
    if earlier is not None:
        return earlier
    wait_for_shards(plan, wait=wait)
    options = plan.options
    summary = _empty_summary(plan)
    parts = [read_marker(plan.done_marker(s.index)) for s in plan.shards]
    for part in parts:
        add_to_summary(summary, part)
    summary.elapsed = max((p["elapsed"] for p in parts), default=0.0)
    with OutputLock(options.output):
        if summary.rejected:
            with atomic_writer(summary.rejects_path) as fh:
                for s in plan.shards:
                    _append(fh, plan.rejects_of(s.index))
        else:
            Path(summary.rejects_path).unlink(missing_ok=True)  # as a plain run leaves it
        if summary.total_written == 0 and summary.rejected:
            raise InputError(_nothing_valid(plan, summary))
        with atomic_writer(options.output) as fh:
            for s in plan.shards:
                _append(fh, plan.output_of(s.index))
        size = os.path.getsize(options.output)
        stamp = plan.directory / "merged.json"
        stamp.write_bytes(jsonio.dumps({"output_size": size, "summary": _counts(summary)}))
    for s in plan.shards:
        plan.output_of(s.index).unlink(missing_ok=True)
        plan.rejects_of(s.index).unlink(missing_ok=True)
    summary.warnings.extend(fold_caches(plan))
    if options.report:
        from midb_cli.report.boost_report import write_boost_report

        write_boost_report(
            options.output,
            options.report,
            title=f"midb boost report: {options.input}",
            rejects_path=summary.rejects_path,
            rejected=summary.rejected,
        )
    return summary


def _empty_summary(plan: Plan) -> BoostSummary:
    options = plan.options
    rejects = options.rejects or default_rejects_path(options.output)
    return BoostSummary(options.output, rejects, options.engine.name)


def _append(fh: Any, path: Path) -> None:
    try:
        with open(path, "rb") as part:
            shutil.copyfileobj(part, fh, 1 << 20)
    except FileNotFoundError:
        pass  # a shard that wrote no record (or no reject)


def _counts(summary: BoostSummary) -> dict[str, Any]:
    return {"read": summary.read, "written": summary.total_written, "rejected": summary.rejected}


def _nothing_valid(plan: Plan, summary: BoostSummary) -> str:
    first = ""
    with open(summary.rejects_path, "rb") as fh:
        line = fh.readline()
    if line:
        reject = jsonio.loads(line)
        first = f" (first: line {reject['line']}: {reject['reason']})"
    return (
        f"{plan.options.input}: no valid record: all {summary.rejected:,} rejected{first}; "
        "check --schema/--fields"
    )
