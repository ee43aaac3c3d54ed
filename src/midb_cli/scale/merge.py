"""Merging a plan: OUT, the rejects and the summary, in input order, atomically.

OUT is written to ``OUT.midb/merging.tmp`` (beside OUT: one file system) and renamed over it,
under OUT's own lock (the one a plain run on OUT takes), so a reader of OUT sees the old file or
the whole new one; a killed merge leaves only that file, which the next merge starts over. The copying
need not wait for the last shard: ``OutputMerge.advance`` appends every shard that is done and
follows the ones copied already, so a driver calls it while the shards run and only the last
shards are copied after them (at 300k records OUT is 1.15 GB: a copy of 1-3 s of CPU and 5-9 s
of wall with its fsync, measured on ext4). After the rename the shard outputs are deleted (OUT
holds them now) and ``merged.json`` records OUT's size: a rerun then has nothing left to do.

For ``-o X.parquet`` the merged JSONL is the work file ``X.parquet.jsonl`` a plain run leaves,
converted to Parquet as a plain run converts it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from pathlib import Path
from typing import IO, Any

from midb_cli import jsonio
from midb_cli.boost.paths import default_rejects_path, work_path, write_parquet
from midb_cli.boost.summary import BoostSummary
from midb_cli.errors import InputError
from midb_cli.records.lock import OutputLock
from midb_cli.records.parquet import is_parquet_file, parquet_schema
from midb_cli.records.paths import refuse_clashes
from midb_cli.records.writer import atomic_writer
from midb_cli.scale.cache import fold_caches
from midb_cli.scale.manifest import Plan
from midb_cli.scale.shard import add_to_summary, read_marker

_POLL_SECONDS = 1.0
#: how often a driver's merge thread looks for newly finished shards
_FOLLOW_SECONDS = 0.2


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
    """Merge a plan whose shards are done (``wait``: until they are)."""
    options = plan.options
    # the plan was checked when it was made; a manifest edited since must not write an input
    refuse_clashes(
        {
            "-o": options.output,
            "--rejects": options.rejects or default_rejects_path(options.output),
            "--report": options.report,
            "--cache": options.engine.llm.cache_path,  # the shards' caches are folded into it
        },
        [options.input, options.source],
    )
    earlier = merged_summary(plan)
    if earlier is not None:
        return earlier
    wait_for_shards(plan, wait=wait)
    merge = OutputMerge(plan)
    merge.open()
    return merge.commit()


class OutputMerge:
    """OUT's temporary file, filled with the shard outputs in input order as they finish."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        #: the JSONL written (OUT, or for a Parquet OUT its work file)
        self.work = work_path(plan.options.output)
        self.copied = 0  # shards 0 .. copied-1 are in the temporary file
        self._stack = contextlib.ExitStack()
        self._fh: IO[bytes] | None = None

    def open(self) -> None:
        try:
            for path in dict.fromkeys((self.plan.options.output, self.work)):
                lock = OutputLock(path)
                lock.acquire()
                self._stack.callback(lock.release)
            tmp = self.plan.directory / "merging.tmp"
            self._fh = self._stack.enter_context(open(tmp, "wb"))  # noqa: SIM115
        except BaseException:
            self._stack.close()
            raise

    def advance(self) -> None:
        """Append every shard that is done and follows the ones copied already."""
        assert self._fh is not None
        done = self.plan.done()
        while self.copied < len(self.plan.shards) and self.copied in done:
            _append(self._fh, self.plan.output_of(self.copied))
            self.copied += 1

    def abort(self) -> None:
        """Drop the temporary file; OUT and the shards are left as they were."""
        self._stack.close()
        (self.plan.directory / "merging.tmp").unlink(missing_ok=True)

    def commit(self, earlier: frozenset[int] = frozenset()) -> BoostSummary:
        """Copy the rest (every shard must be done), write the rejects, rename into place.
        ``earlier``: shards an earlier run finished (their records count as resumed)."""
        plan = self.plan
        options = plan.options
        try:
            wait_for_shards(plan, wait=False)
            self.advance()
            summary = _empty_summary(plan)
            parts = [read_marker(plan.done_marker(s.index)) for s in plan.shards]
            for index, part in enumerate(parts):
                add_to_summary(summary, _as_resumed(part) if index in earlier else part)
            summary.elapsed = max((p["elapsed"] for p in parts), default=0.0)
            if summary.rejected:
                with atomic_writer(summary.rejects_path) as fh:
                    for s in plan.shards:
                        _append(fh, plan.rejects_of(s.index))
            else:
                Path(summary.rejects_path).unlink(missing_ok=True)  # as a plain run leaves it
            if summary.total_written == 0 and summary.rejected:
                raise InputError(_nothing_valid(plan, summary))
            if summary.total_written == 0:  # as a plain run over an empty input
                raise InputError.empty(options.input)
        except BaseException:
            self.abort()
            raise
        with self._stack:  # OUT (or the work file) renamed into place, under its lock
            assert self._fh is not None
            self._fh.flush()
            os.fsync(self._fh.fileno())
            os.replace(self._fh.name, self.work)
        if self.work != options.output:
            schema = parquet_schema(options.input) if is_parquet_file(options.input) else None
            write_parquet(self.work, options.output, schema)
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
                self.work,
                options.report,
                title=f"midb boost report: {options.input}",
                rejects_path=summary.rejects_path,
                rejected=summary.rejected,
            )
        return summary


class MergeFollower(threading.Thread):
    """Runs ``OutputMerge.advance`` a few times a second while the shards run."""

    def __init__(self, merge: OutputMerge) -> None:
        super().__init__(daemon=True, name="midb-shard-merge")
        self.merge = merge
        self.error: BaseException | None = None
        self._stop_event = threading.Event()

    def run(self) -> None:
        try:
            while not self._stop_event.wait(_FOLLOW_SECONDS):
                self.merge.advance()
        except BaseException as exc:  # kept for the driver (a full disk): it raises it there
            self.error = exc

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def _as_resumed(part: dict[str, Any]) -> dict[str, Any]:
    """A shard summary of an earlier run, seen from this one: all its records resumed."""
    return {
        **part,
        "resumed": part["resumed"] + part["written"],
        "written": 0,
        "retried": 0,
        "repaired_bytes": 0,
        "by_lang_status": [],
        "reasons": {},
    }


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
