"""Cutting one input into shards: byte ranges that start on line starts, each with the line
number it starts at, so no shard needs a copy of its part and ids stay those of the whole file.

Only a plain JSONL file can be cut; a ``.gz`` file (which cannot be entered in the middle), a
JSON array or a Parquet file is one shard of its own.
"""

from __future__ import annotations

import itertools
import os
import shutil
from typing import IO

from midb_cli.boost.paths import validate_run_paths, work_path
from midb_cli.boost.pipeline import BoostOptions
from midb_cli.boost.run_identity import fingerprint, remove_identity
from midb_cli.errors import InputError, UsageError
from midb_cli.langid import LanguageIdentifier, estimate_prior
from midb_cli.langid.stream import PRIOR_WINDOW
from midb_cli.records.parquet import is_parquet_file
from midb_cli.records.reader import Record, RecordReader, is_json_array_file
from midb_cli.scale.manifest import (
    Plan,
    Shard,
    load_plan,
    plan_directory,
    refuse_other_run,
    save_plan,
)

_COUNT_CHUNK = 1 << 22


def ensure_plan(options: BoostOptions, shards: int) -> Plan:
    """The job's plan: the existing one when it fits this run (a rerun resumes), else a new
    one; ``options.overwrite`` throws an old one away. Paths are checked first, as a plain run
    checks them: no output (the merged OUT, rejects, report, cache) may be the input."""
    validate_run_paths(options)
    directory = plan_directory(options.output)
    if options.overwrite and directory.exists():
        shutil.rmtree(directory)
    if options.overwrite:  # a plain run's identity would describe the output it replaces
        remove_identity(work_path(options.output))
    if (directory / "manifest.json").exists():
        plan = load_plan(directory)
        refuse_other_run(plan, options)
        # the speed-only settings (servers, concurrency) are this run's
        plan.options = options
        save_plan(plan)
        return plan
    for path in dict.fromkeys((options.output, work_path(options.output))):
        if os.path.exists(path) and not options.overwrite:
            raise UsageError(
                f"{path} exists and was not written in shards: continue it without "
                "--workers/--ray, or use --overwrite to start over"
            )
    plan = make_plan(options, shards)
    save_plan(plan)
    return plan


def make_plan(options: BoostOptions, shards: int) -> Plan:
    if options.input == "-":
        raise UsageError("shards need an input file, not standard input")
    if options.source:
        raise UsageError("--source is not supported with shards yet (use --source-key)")
    if shards < 1:
        raise UsageError("the number of shards must be at least 1")
    prior, schema = file_prior(options)
    whole = (
        options.input.endswith(".gz")
        or is_json_array_file(options.input)
        or is_parquet_file(options.input)
    )
    ranges = [Shard(0, None, None, 1)] if whole else cut(options.input, shards)
    return Plan(
        directory=plan_directory(options.output),
        input=fingerprint(options.input),
        options=options,
        prior=prior,
        schema=schema,
        shards=ranges,
    )


def file_prior(options: BoostOptions) -> tuple[str | None, str | None]:
    """The prior a plain run would estimate (the same first records, the same identifier),
    and the name of the schema those records showed."""
    identifier = LanguageIdentifier(backend=options.detector, lang=options.lang)
    reader = RecordReader(
        options.input,
        schema=options.schema,
        fields=options.fields,
        id_key=options.id_key,
        strict=options.strict,
    )
    head: list[Record] = []
    items = iter(reader)
    for item in items:
        if isinstance(item, Record):
            head.append(item)
            if len(head) >= PRIOR_WINDOW:
                break
    close = getattr(items, "close", None)
    if close is not None:
        close()
    # the reader read to the end without a record; a file of rejects only raised its own
    # "no valid record" error there
    if not head:
        raise InputError.empty(options.input)
    schema = reader.schema.name if reader.schema is not None else None
    if identifier.forced_prior:
        return identifier.forced_prior, schema
    return estimate_prior((r.pair for r in head), identifier), schema


def cut(path: str, shards: int) -> list[Shard]:
    """``shards`` ranges of about equal size, each ending after a newline (fewer when the file
    has fewer lines)."""
    with open(path, "rb") as fh:
        size = fh.seek(0, 2)
        bounds = [0]
        for k in range(1, shards):
            target = max(size * k // shards, bounds[-1])
            if target >= size:
                break
            fh.seek(target - 1 if target else 0)
            fh.readline()  # to the end of the line that holds byte target-1
            position = fh.tell()
            if position > bounds[-1] and position < size:
                bounds.append(position)
        bounds.append(size)
        out: list[Shard] = []
        line = 1
        fh.seek(0)
        for index, (start, end) in enumerate(itertools.pairwise(bounds)):
            out.append(Shard(index, start, end, line))
            line += _newlines(fh, start, end)
    return out


def _newlines(fh: IO[bytes], start: int, end: int) -> int:
    fh.seek(start)
    count = 0
    left = end - start
    while left > 0:
        chunk = fh.read(min(_COUNT_CHUNK, left))
        if not chunk:
            break
        count += chunk.count(b"\n")
        left -= len(chunk)
    return count
