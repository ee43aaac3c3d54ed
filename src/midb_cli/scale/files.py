"""`midb check` and `midb stats` with ``--workers N``: each file cut into byte ranges, the
ranges read by worker processes, the results added up in file order.

A range is read as the whole file would read it: the file's language prior and its dominant
language (``file_lang`` of the checks) come from the whole file's first items, computed once here,
and line numbers stay the file's. ``midb stats`` adds up ``StatsAccumulator``s; ``midb check``
adds up ``CheckSummary``s and writes each range's report lines to a temporary file that is copied
to standard output in order, so the output is the one of a single process.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import islice
from multiprocessing import get_context
from typing import Any

from midb_cli.errors import InputError, MidbError, UsageError, refuse_no_record
from midb_cli.langid import LanguageIdentifier, RecordLanguage
from midb_cli.langid.identify import dominant_language
from midb_cli.langid.stream import PRIOR_WINDOW
from midb_cli.records.parquet import is_parquet_file
from midb_cli.records.reader import Record, RecordReader, Reject, is_json_array_file

#: ranges per worker and file
PARTS_PER_WORKER = 2


@dataclass(frozen=True)
class FileRange:
    path: str
    start: int | None
    end: int | None
    first_line: int
    prior: str | None
    file_lang: str | None
    #: the schema the file's first records showed (ranges after the first use it)
    schema: str | None


@dataclass(frozen=True)
class ReadSettings:
    schema: str | None
    fields: str | None
    id_key: str | None
    strict: bool
    detector: str
    lang: str | None


def plan_ranges(paths: list[str], settings: ReadSettings, workers: int) -> list[FileRange]:
    from midb_cli.scale.plan import cut

    if "-" in paths:
        # The driver reads the head of each input for its prior; a worker reading stdin after
        # it would see the rest, or nothing (it was counted as an empty input).
        raise UsageError(
            "--workers needs input files: standard input cannot be shared by several "
            "processes (drop --workers, or give the file)"
        )
    identifier = LanguageIdentifier(backend=settings.detector, lang=settings.lang)
    ranges: list[FileRange] = []
    for path in paths:
        prior, file_lang, schema = _file_languages(path, settings, identifier)
        whole = path.endswith(".gz") or is_json_array_file(path)
        if whole or is_parquet_file(path):
            ranges.append(FileRange(path, None, None, 1, prior, file_lang, None))
            continue
        for shard in cut(path, workers * PARTS_PER_WORKER):
            given = schema if shard.index > 0 and not settings.schema else settings.schema
            ranges.append(
                FileRange(path, shard.start, shard.end, shard.first_line, prior, file_lang, given)
            )
    return ranges


def _file_languages(
    path: str, settings: ReadSettings, identifier: LanguageIdentifier
) -> tuple[str | None, str | None, str | None]:
    """As ``identify_stream`` and ``check_file`` find them: the prior from the first
    ``PRIOR_WINDOW`` items, the file language from those items identified with it."""
    reader = _reader(path, settings, settings.schema)
    items = iter(reader)
    head = list(islice(items, PRIOR_WINDOW))
    close = getattr(items, "close", None)
    if close is not None:
        close()
    records = [r for r in head if isinstance(r, Record)]
    prior = identifier.forced_prior
    if prior is None:
        prior = dominant_language(identifier.identify(r.original).lang for r in records)
    file_lang = identifier.forced_prior or dominant_language(
        identifier.identify(r.original, prior).lang for r in records
    )
    return prior, file_lang, reader.schema.name if reader.schema is not None else None


def _reader(
    path: str, settings: ReadSettings, schema: str | None, part: Any = None
) -> RecordReader:
    kw: dict[str, Any] = {}
    if part is not None and part.start is not None:
        kw = {"start": part.start, "end": part.end, "first_line": part.first_line}
    return RecordReader(
        path,
        schema=schema,
        fields=settings.fields,
        id_key=settings.id_key,
        strict=settings.strict,
        **kw,
    )


def identified(
    reader: RecordReader, identifier: LanguageIdentifier, prior: str | None
) -> Iterator[tuple[Record | Reject, RecordLanguage | None]]:
    """The range's items with their record language (the file's prior given)."""
    for item in reader:
        if isinstance(item, Record):
            yield item, identifier.identify(item.original, prior)
        else:
            yield item, None


def run_parts(task: Any, parts: list[Any], workers: int, *extra: Any) -> list[Any]:
    """``task(part, *extra)`` for every range in ``workers`` processes; results in order.

    Ctrl-C, SIGTERM or a part's error stops the workers at once (the parts still queued or
    running are not waited for) before the exception goes on: nothing outlives the command."""
    from midb_cli.scale.local import _stop

    context = get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_init_part_worker
    )
    try:
        futures = [pool.submit(_guarded, task, part, *extra) for part in parts]
        results = [future.result() for future in futures]
    except BaseException:
        _stop(pool)
        raise
    pool.shutdown()
    return results


def _init_part_worker() -> None:
    from midb_cli.scale.local import _die_with_parent

    _die_with_parent()
    # Ctrl-C in a terminal reaches the whole process group: the parent stops the workers, so
    # they do not act on it themselves (no traceback of each worker on the terminal)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _guarded(task: Any, part: Any, *extra: Any) -> Any:
    try:
        return task(part, *extra)
    except MidbError as exc:
        raise type(exc)(str(exc)) from None  # without attachments that do not pickle


_identifiers: dict[tuple[str, str | None], LanguageIdentifier] = {}


def worker_identifier(settings: ReadSettings) -> LanguageIdentifier:
    key = (settings.detector, settings.lang)
    if key not in _identifiers:
        _identifiers[key] = LanguageIdentifier(backend=settings.detector, lang=settings.lang)
    return _identifiers[key]


def refuse_empty_files(counts: dict[str, list[Any]]) -> None:
    """A file where every line was rejected is an error, as in a single process."""
    for path, (records, rejected, first) in counts.items():
        if records == 0 and rejected:
            raise InputError(
                f"{path}: no valid record: all {rejected:,} rejected (first: {first}); "
                "check --schema/--fields"
            )


# -- the two tasks --------------------------------------------------------------------------------
def stats_part(part: FileRange, settings: ReadSettings, checks: bool) -> Any:
    from midb_cli.checks import Checker
    from midb_cli.records.reader import META_KEY
    from midb_cli.stats.accumulator import StatsAccumulator

    identifier = worker_identifier(settings)
    checker = Checker(identifier) if checks else None
    acc = StatsAccumulator()
    reader = _reader(part.path, settings, part.schema, part)
    for item, record_lang in identified(reader, identifier, part.prior):
        if isinstance(item, Record):
            findings = None
            if checker is not None and record_lang is not None and META_KEY not in item.data:
                findings = checker.check(item.pair, record_lang)
            acc.add(item, record_lang, findings)
        else:
            acc.add_reject(item)
    acc.add_blank(part.path, reader.counts.blank)
    return acc


def parallel_stats(
    paths: list[str], settings: ReadSettings, workers: int, *, checks: bool = False
) -> Any:
    from midb_cli.stats.accumulator import StatsAccumulator

    parts = plan_ranges(paths, settings, workers)
    total = StatsAccumulator()
    for acc in run_parts(stats_part, parts, workers, settings, checks):
        total += acc
    refuse_empty_files(
        {
            p: [
                c.records,
                c.rejected,
                next((str(r) for r in total.reject_samples if r.path == p), ""),
            ]
            for p, c in total.files.items()
        }
    )
    refuse_no_record(paths, total.records, total.rejected)
    return total


def check_part(
    part: FileRange, settings: ReadSettings, kinds: tuple[Any, Any], fmt: str, report: str
) -> Any:
    from midb_cli.checks import Checker
    from midb_cli.checks.run import CheckedRecord, CheckSummary
    from midb_cli.jsonio import dumps

    identifier = worker_identifier(settings)
    checker = Checker(identifier, select=kinds[0], ignore=kinds[1])
    summary = CheckSummary()
    first_reject = ""
    reader = _reader(part.path, settings, part.schema, part)
    with open(report, "wb") as out:
        for item, record_lang in identified(reader, identifier, part.prior):
            if isinstance(item, Record) and record_lang is not None:
                findings = checker.check(item.pair, record_lang, file_lang=part.file_lang)
                checked = CheckedRecord(item.path, item.line, item.id, record_lang.lang, findings)
                summary.add(checked)
                if fmt == "jsonl":
                    out.write(dumps(checked.to_json()) + b"\n")
                else:
                    for f in findings:
                        out.write(
                            f"{item.path}:{item.line}: {f.kind} {f.field}: {f.message}\n".encode()
                        )
            else:
                assert isinstance(item, Reject)
                summary.add(item)
                first_reject = first_reject or str(item)
    return summary, first_reject


def parallel_check(
    paths: list[str],
    settings: ReadSettings,
    workers: int,
    *,
    select: Any,
    ignore: Any,
    fmt: str,
) -> Any:
    from midb_cli.checks.run import CheckSummary

    parts = plan_ranges(paths, settings, workers)
    total = CheckSummary()
    counts: dict[str, list[Any]] = {}
    with tempfile.TemporaryDirectory(prefix="midb-check-") as tmp:
        reports = [os.path.join(tmp, f"{k:05d}.out") for k in range(len(parts))]
        results = run_parts(
            _check_indexed,
            list(zip(parts, reports, strict=True)),
            workers,
            settings,
            (select, ignore),
            fmt,
        )
        sys.stdout.flush()
        for (part, report), (summary, first) in zip(
            zip(parts, reports, strict=True), results, strict=True
        ):
            with open(report, "rb") as fh:
                shutil.copyfileobj(fh, sys.stdout.buffer)
            c = counts.setdefault(part.path, [0, 0, ""])
            c[0] += summary.records
            c[1] += summary.rejected
            c[2] = c[2] or first
            _add_check(total, summary)
    sys.stdout.flush()
    refuse_empty_files(counts)
    refuse_no_record(paths, total.records, total.rejected)
    return total


def _check_indexed(item: Any, settings: ReadSettings, kinds: Any, fmt: str) -> Any:
    part, report = item
    return check_part(part, settings, kinds, fmt, report)


def _add_check(total: Any, part: Any) -> None:
    total.records += part.records
    total.flagged += part.flagged
    total.rejected += part.rejected
    total.records_by_lang.update(part.records_by_lang)
    total.findings.update(part.findings)
    room = 3 - len(total.reject_samples)
    total.reject_samples.extend(part.reject_samples[: max(0, room)])
