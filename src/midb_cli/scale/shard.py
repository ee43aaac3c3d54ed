"""Running one shard: midb's resumable boost of a byte range, under a lease, ending in a
done-marker that is renamed into place only when the shard's output is complete.

The lease is a ``flock`` on ``shards/NNNNN.lock`` (the kernel drops it when its holder dies, so a
killed attempt never blocks the next); a second attempt at a shard being written refuses.
"""

from __future__ import annotations

import dataclasses
import os
import resource
import time
from pathlib import Path
from typing import Any

from midb_cli import jsonio
from midb_cli.boost.pipeline import BoostOptions, ProgressHook, run_boost
from midb_cli.boost.protocol import Booster
from midb_cli.boost.summary import BoostSummary
from midb_cli.errors import InputError, UsageError
from midb_cli.langid import LanguageIdentifier
from midb_cli.records.lock import OutputLock
from midb_cli.scale.manifest import Plan

#: an engine's options for one worker (its share of the servers and of the concurrency)
EngineOverrides = dict[str, Any]


def shard_options(
    plan: Plan, index: int, overrides: EngineOverrides | None = None, *, own_cache: bool = False
) -> BoostOptions:
    if not 0 <= index < len(plan.shards):
        raise UsageError(f"--shard {index}: the plan has shards 0 to {len(plan.shards) - 1}")
    shard = plan.shards[index]
    base = plan.options
    engine = base.engine
    if overrides:
        engine = dataclasses.replace(
            engine, backend_options={**engine.backend_options, **overrides}
        )
    if own_cache and not engine.llm.no_cache:
        cache = plan.cache_of(index)
        cache.parent.mkdir(parents=True, exist_ok=True)
        engine = dataclasses.replace(
            engine, llm=dataclasses.replace(engine.llm, cache_path=str(cache))
        )
    schema = base.schema
    if index > 0 and not base.schema and not base.fields and plan.schema:
        schema = plan.schema  # as the whole file would have it by now
    return dataclasses.replace(
        base,
        output=str(plan.output_of(index)),
        rejects=str(plan.rejects_of(index)),
        overwrite=False,
        report=None,
        source=None,
        schema=schema,
        engine=engine,
        start=shard.start,
        end=shard.end,
        first_line=shard.first_line,
        prior_given=True,
        prior=plan.prior,
    )


def run_shard(
    plan: Plan,
    index: int,
    *,
    overrides: EngineOverrides | None = None,
    own_cache: bool = False,
    identifier: LanguageIdentifier | None = None,
    booster: Booster | None = None,
    on_progress: ProgressHook | None = None,
    lease_wait: float = 0.0,
) -> dict[str, Any]:
    """Boost shard ``index`` of ``plan`` (resuming what an earlier attempt wrote); returns the
    shard's summary, also stored in its done-marker. A shard already done is not run again."""
    marker = plan.done_marker(index)
    options = shard_options(plan, index, overrides, own_cache=own_cache)
    lease = OutputLock(plan.shard_base(index))
    deadline = time.monotonic() + lease_wait
    while True:
        try:
            lease.acquire()
            break
        except InputError:
            # ``lease_wait``: an attempt killed with its driver may take a moment to die
            if time.monotonic() < deadline:
                time.sleep(0.1)
                continue
            raise InputError(
                f"shard {index} of {plan.directory} is being run by another attempt"
                f"{_owner(lease.path)}; wait for it, or run another shard"
            ) from None
    try:
        if marker.exists():
            return read_marker(marker)
        summary = run_boost(
            options, identifier=identifier, booster=booster, on_progress=on_progress
        )
        for path in (options.output, options.rejects):
            _fsync(Path(path or ""))
        data = summary_to_json(summary)
        tmp = marker.with_suffix(".done.tmp")
        tmp.write_bytes(jsonio.dumps(data))
        os.replace(tmp, marker)  # the shard is done from this moment, not before
        return data
    finally:
        lease.release()


def summary_to_json(summary: BoostSummary) -> dict[str, Any]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "read": summary.read,
        "resumed": summary.resumed,
        "written": summary.written,
        "rejected": summary.rejected,
        "retried": summary.retried,
        "repaired_bytes": summary.repaired_bytes,
        "elapsed": summary.elapsed,
        "engine": summary.engine,
        "by_lang_status": [
            [lang, status, n] for (lang, status), n in summary.by_lang_status.items()
        ],
        "reasons": dict(summary.reasons),
        "warnings": list(summary.warnings),
        "peak_rss_kb": usage.ru_maxrss,
        #: the process's CPU so far (a worker runs many shards: its last marker has its total)
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "pid": os.getpid(),
    }


def add_to_summary(total: BoostSummary, part: dict[str, Any]) -> None:
    """Shard summaries merge by addition."""
    total.read += part["read"]
    total.resumed += part["resumed"]
    total.written += part["written"]
    total.rejected += part["rejected"]
    total.retried += part["retried"]
    total.repaired_bytes += part["repaired_bytes"]
    for lang, status, n in part["by_lang_status"]:
        total.by_lang_status[lang, status] += n
    total.reasons.update(part["reasons"])
    for warning in part["warnings"]:
        if warning not in total.warnings:
            total.warnings.append(warning)


def read_marker(marker: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = jsonio.loads(marker.read_bytes())
    except (OSError, jsonio.JSONError) as exc:
        raise InputError(f"{marker}: unreadable done-marker: {exc}") from None
    return data


def _fsync(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return  # a shard with no record (or no reject) writes no file
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _owner(lock: Path) -> str:
    try:
        pid = lock.read_text().strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""
