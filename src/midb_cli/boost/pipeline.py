"""The streaming boost pipeline: read -> language ID -> checks -> booster -> guards -> write.

``run_boost(options)`` is the whole of `midb boost` without the CLI. Properties it keeps:

- Every input line that is not blank ends up in the output or in the rejects file; the summary's
  counts add up (read = written + rejected).
- Output order is input order: the booster may answer in any order, a ``ReorderBuffer`` holds
  early answers, and because the booster pulls items lazily, at most the engine's window of
  records is in memory.
- Resume: an existing output is continued after its last complete record. The input's first
  records are read again (JSON only: no language ID, no checks, no engine) and their ids are
  compared with the output's first and last ids; the rejects file is rewritten from scratch
  during that pass, so it is always consistent with the output, whatever moment a kill hit.
  The file's language prior comes from the same first window of records as in the first run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from midb_cli.boost.engines import check_engine, create_booster, is_llm_booster
from midb_cli.boost.guards import RevisionGuard
from midb_cli.boost.options import BoostOptions as BoostOptions  # re-exported
from midb_cli.boost.ordering import ReorderBuffer
from midb_cli.boost.output import ExistingOutput, ResumableOutput
from midb_cli.boost.paths import (
    default_rejects_path,
    remove_file,
    validate_run_paths,
    work_path,
    write_parquet,
)
from midb_cli.boost.protocol import (
    STATUSES,
    Booster,
    BoostItem,
    BoostOutcome,
    record_seed,
)
from midb_cli.boost.retry import RetryPass, retry_pass_for
from midb_cli.boost.rules import RulesBooster
from midb_cli.boost.run_identity import claim_output
from midb_cli.boost.signals import CtrlC, HeldBlock
from midb_cli.boost.source import AlignedSource, source_from_key
from midb_cli.boost.summary import BoostSummary
from midb_cli.checks import Checker, resolve_kinds
from midb_cli.checks.finding import Finding
from midb_cli.distance import pair_distance
from midb_cli.errors import InputError, MidbError, UsageError
from midb_cli.langid import LanguageIdentifier, RecordLanguage
from midb_cli.langid.stream import with_file_prior
from midb_cli.languages import UNDETERMINED
from midb_cli.records.pair import Pair
from midb_cli.records.reader import META_KEY, Record, RecordReader, Reject, prompt_only
from midb_cli.records.writer import RejectsWriter

#: called after each written record with (records done incl. resumed, summary)
ProgressHook = Callable[[int, BoostSummary], None]


@dataclass(slots=True)
class _Entry:
    """A record in flight: what the writer needs once the booster answers."""

    record: Record
    lang: RecordLanguage | None  # None: a line copied from the old output (retry pass)
    findings: list[Finding]
    source: Pair | None
    #: the old output line of a record a retry pass keeps, written as it was
    copied: bytes | None = None
    file_lang: str | None = None  # the file's language prior


def run_boost(
    options: BoostOptions,
    *,
    booster: Booster | None = None,
    identifier: LanguageIdentifier | None = None,
    on_progress: ProgressHook | None = None,
) -> BoostSummary:
    """Boost ``options.input`` into ``options.output``; returns the counts.

    ``booster`` replaces the engine named in ``options.engine`` (it is closed at the end);
    ``identifier`` reuses a loaded language identifier across runs (its own backend and
    ``lang`` then apply, not ``options.detector``/``options.lang``). On Ctrl-C the written part
    is flushed and ``KeyboardInterrupt`` propagates with the summary attached (``exc.summary``,
    ``interrupted`` set)."""
    run = _BoostRun(options, booster, identifier, on_progress)
    return run.run()


class _BoostRun:
    def __init__(
        self,
        options: BoostOptions,
        booster: Booster | None,
        identifier: LanguageIdentifier | None,
        on_progress: ProgressHook | None,
    ) -> None:
        validate_run_paths(options)
        # Cheap checks first: a typo in a flag must not wait for models to load.
        resolve_kinds(options.select, options.ignore)
        if booster is None:
            check_engine(options.engine)
        self.options = options
        self.engine = options.engine
        self.rejects_path = options.rejects or default_rejects_path(options.output)
        #: the resumable JSONL this run appends to: the output itself, or for `-o X.parquet`
        #: the work file `X.parquet.jsonl`, converted to Parquet when the input is done
        self.work = work_path(options.output)
        self._ranged = options.start is not None or options.end is not None
        #: a shard's run (a byte range, or a whole file given its prior): its plan holds the
        #: run's identity
        self._in_plan = self._ranged or options.prior_given
        self.engine_name = getattr(booster, "name", None) or self.engine.name
        self.summary = BoostSummary(options.output, self.rejects_path, self.engine_name)
        self.on_progress = on_progress
        self.identifier = identifier or LanguageIdentifier(
            backend=options.detector, lang=options.lang
        )
        self.checker = Checker(self.identifier, select=options.select, ignore=options.ignore)
        self.guard = RevisionGuard(self.identifier, self.checker, options.guards)
        self._booster = booster
        self._note_fallback: Callable[..., Any] | None = None
        self._rewrites_responses = False
        self._needs_seed = True
        self.buffer: ReorderBuffer[_Entry, BoostOutcome] = ReorderBuffer()
        #: where a read item is counted, whole (the run's CtrlC; a plain counter before it)
        self._landing: HeldBlock = CtrlC().held()
        #: the files `_boost` opened, until it has closed them
        self._closed: tuple[ResumableOutput, RejectsWriter, RetryPass | None] | None = None
        self.reader = RecordReader(
            options.input,
            schema=options.schema,
            fields=options.fields,
            id_key=options.id_key,
            strict=options.strict,
            start=options.start,
            end=options.end,
            first_line=options.first_line,
        )

    # -- the run ------------------------------------------------------------------------------
    def run(self) -> BoostSummary:
        started = time.monotonic()
        try:
            # One handler for the whole run: a signal while the run closes its files waits
            # for them to be closed (and the lock released) before it is raised.
            with CtrlC() as ctrl_c:
                self._landing = ctrl_c.held()
                self._boost()
            self._finish()
        except MidbError as exc:
            # e.g. the server went away: what was written stays, the counts say how far it got
            self.summary.unfinished = len(self.buffer)
            exc.summary = self.summary  # type: ignore[attr-defined]
            raise
        except KeyboardInterrupt as exc:
            self.summary.interrupted = True
            self.summary.unfinished = len(self.buffer)
            exc.summary = self.summary  # type: ignore[attr-defined]
            raise
        finally:
            if self._closed is not None:  # a signal landed in _boost's own cleanup
                self._close_files(*self._closed)
            self.summary.elapsed = time.monotonic() - started
        return self.summary

    def _boost(self) -> None:
        """Every record through the booster into the output, in order; the files closed."""
        booster = self._booster or create_booster(self.engine)
        self._rewrites_responses = is_llm_booster(booster)
        self._needs_seed = not isinstance(booster, RulesBooster)  # rules sample nothing
        self._note_fallback = _optional_hook(booster, "note_fallback")
        self.summary.engine_stats = _optional_hook(booster, "stats")
        hold_when = _optional_hook(booster, "hold_when")
        if hold_when is not None:
            limit = max(1, self.options.max_parked)
            hold_when(lambda: self.buffer.parked >= limit)
        output = ResumableOutput(self.work)
        rejects = RejectsWriter(self.rejects_path)
        retry: RetryPass | None = None
        self._closed = (output, rejects, None)
        try:
            existing = output.open(resume=not self.options.overwrite)
            if existing.last_engine not in (None, self.engine_name):
                raise UsageError(
                    f"{self.work} was written by engine {existing.last_engine!r}, "
                    f"this run uses {self.engine_name!r}; use --overwrite to start over, or "
                    "another -o"
                )
            if not self._in_plan:  # (a shard's run is the plan's: OUT.midb/manifest.json)
                claim_output(self.work, self.options, existing.records, output)
            retry = retry_pass_for(
                self.work,
                existing,
                overwrite=self.options.overwrite,
                retry=self.options.retry_errors,
            )
            self._closed = (output, rejects, retry)
            target = retry.output if retry else output
            done = retry.existing if retry else existing
            with self._landing:  # what an earlier run wrote counts as read and written
                self.summary.resumed = done.records
                self.summary.read = done.records
            self.summary.repaired_bytes = existing.repaired_bytes
            remove_file(self.rejects_path)  # rewritten in full, also over the resumed part
            for outcome in booster.boost(self._items(done, rejects, retry)):
                with self._landing:
                    self.buffer.complete(outcome.id, outcome)
                    self._drain(target)
            with self._landing:
                for key, entry in self.buffer.unanswered():
                    no_answer = BoostOutcome(key, "error", entry.record.pair, "engine:no_answer")
                    self.buffer.complete(key, no_answer)
                self._drain(target)
                if retry is not None:
                    retry.finish()
        finally:
            try:
                with self._landing:
                    self._collect_warnings()
                booster.close()  # not held: a slow engine shutdown can still be interrupted
            finally:
                self._close_files(output, rejects, retry)
        self._closed = None

    def _close_files(
        self, output: ResumableOutput, rejects: RejectsWriter, retry: RetryPass | None
    ) -> None:
        """Flush and close the run's files and release the lock, whole (a signal meanwhile
        waits). Closing twice is harmless: ``run`` closes again if a signal landed in the
        cleanup before this was reached."""
        with self._landing:
            try:
                if retry is not None:
                    retry.close()
            finally:
                try:
                    output.close()
                finally:
                    rejects.close()  # also when the output could not be flushed (a full disk)

    def _finish(self) -> None:
        """After the last record: the empty-input check, the Parquet output, the report."""
        # A run over an empty input read nothing: exit 3, not "done" with no OUT (a file of
        # rejects only already failed in the reader). A shard judges no file: the merge does.
        if self.summary.total_written == 0 and not self.summary.rejected and not self._ranged:
            raise InputError.empty(self.options.input)
        if self.work != self.options.output:
            write_parquet(self.work, self.options.output, self.reader.arrow_schema)
        if self.options.report:
            # From the finished output: the report describes every record, also those an
            # earlier run wrote.
            from midb_cli.report.boost_report import write_boost_report

            write_boost_report(
                self.work,
                self.options.report,
                title=f"midb boost report: {self.options.input}",
                rejects_path=self.rejects_path,
                rejected=self.summary.rejected,
            )

    def _collect_warnings(self) -> None:
        stats = self.summary.engine_stats() if self.summary.engine_stats else {}
        lost = stats.get("cache_write_errors")
        if lost:
            self.summary.warnings.append(
                f"the result cache could not store {lost:,} answer(s) "
                f"({stats.get('cache_error', '')}); a rerun asks the model for them again"
            )

    # -- reading side (may run on the thread the booster pulls items from) ---------------------
    def _items(
        self, existing: ExistingOutput, rejects: RejectsWriter, retry: RetryPass | None = None
    ) -> Iterator[BoostItem]:
        options = self.options
        reader = self.reader
        aligned = (
            AlignedSource(options.source, schema=None, fields=None, id_key=options.id_key)
            if options.source
            else None
        )
        stream, prior = self._with_prior(iter(reader))
        skip = existing.records
        index = 0
        # `read` is counted where an item lands (the rejects file or the reorder buffer; the
        # part an earlier run wrote when the output was opened), in one block that Ctrl-C and
        # SIGTERM wait for: read = written + rejected + unfinished whenever a signal arrives.
        landing = self._landing
        summary = self.summary
        for item in stream:
            if isinstance(item, Reject):
                with landing:
                    rejects.write(item)
                    summary.rejected += 1
                    summary.read += 1
                continue
            index += 1
            source = aligned.next_for(item) if aligned else None
            if index <= skip:  # written by an earlier run (counted when the output opened)
                existing.check_continues(self.work, item.id, index, f"{item.path}:{item.line}")
                continue
            if retry is not None and index <= retry.old.records:
                raw, meta = retry.next_old(item.id)
                if meta.get("status") != "error":
                    yield self._copy(item, raw)  # finished earlier: kept byte for byte
                    continue
                retry.retried += 1
                self.summary.retried += 1
            if options.source_key:
                source = source_from_key(item, options.source_key) or source
            if self._rewrites_responses and prompt_only(reader):
                raise UsageError(
                    f"{options.input} holds prompts only (no response field): an LLM "
                    "engine revises instruction-response pairs and would write responses the "
                    "file has no place for; use --engine rules to fix the prompts, or add "
                    "responses first"
                )
            yield self._to_item(item, prior, source)
        if index < skip:
            raise InputError(
                f"{self.work} holds {skip:,} records but the input {options.input} has "
                f"only {index:,}: it is not the output of this input; use --overwrite to start over"
            )

    def _with_prior(
        self, items: Iterator[Record | Reject]
    ) -> tuple[Iterator[Record | Reject], str | None]:
        """The file's language prior from its first records (the same window on every run),
        or the whole file's prior a shard was given."""
        if self.options.prior_given:
            return items, self.options.prior
        return with_file_prior(items, self.identifier)

    def _to_item(self, record: Record, prior: str | None, source: Pair | None) -> BoostItem:
        lang = self.identifier.identify(record.pair, prior)
        findings = self.checker.check(
            record.pair, lang, source, file_lang=prior, prompt_only=prompt_only(self.reader)
        )
        key = record.id
        if self.buffer.in_flight(key):  # duplicate ids: keep keys unique while in flight
            key = f"{record.id}#line{record.line}"
        with self._landing:
            self.buffer.register(key, _Entry(record, lang, findings, source, file_lang=prior))
            self.summary.read += 1
        seed = record_seed(record.id, self.engine.llm.seed) if self._needs_seed else 0
        return BoostItem(key, record.pair, lang.lang, findings, source, seed)

    def _copy(self, record: Record, raw: bytes) -> BoostItem:
        """A finished record of the old output, to be written again in its place in the order.
        It still passes through the booster (marked ``passthrough``: an LLM booster answers it
        at once, no request), so the booster's own limits on what waits keep memory bounded."""
        key = record.id
        if self.buffer.in_flight(key):
            key = f"{record.id}#line{record.line}"
        with self._landing:
            self.buffer.register(key, _Entry(record, None, [], None, copied=raw))
            self.summary.read += 1
        return BoostItem(key, record.pair, UNDETERMINED, [], passthrough=True)

    # -- writing side -------------------------------------------------------------------------
    def _drain(self, output: ResumableOutput) -> None:
        for entry, outcome in self.buffer.pop_ready():
            self._write(output, entry, outcome)
            if self.on_progress:
                self.on_progress(self.summary.total_written, self.summary)

    def _write(self, output: ResumableOutput, entry: _Entry, outcome: BoostOutcome) -> None:
        if entry.copied is not None:  # whatever the booster said of a passthrough item
            output.write_raw(entry.copied)
            self.summary.resumed += 1
            return
        record = entry.record
        assert entry.lang is not None
        original = record.pair
        status: str = outcome.status
        reason = outcome.reason
        pair = original
        findings_after = entry.findings
        detail = ""
        refused: Pair | None = None
        if status not in STATUSES:
            status, reason = "error", f"engine:bad_status:{status}"
        elif status == "boosted":
            if outcome.pair == original:
                status = "unchanged"
            else:
                verdict = self.guard.evaluate(
                    original,
                    outcome.pair,
                    entry.lang.lang,
                    entry.findings,
                    original_lang=entry.lang,
                    source=entry.source,
                    finish_reason=outcome.details.get("finish_reason"),
                    file_lang=entry.file_lang,
                )
                if verdict.reason:
                    status, reason, detail = "fallback", verdict.reason, verdict.detail
                    refused = outcome.pair
                    if self._note_fallback:  # e.g. an LLM cache records the refused answer
                        self._note_fallback(outcome.id, reason)
                else:
                    pair, findings_after = outcome.pair, verdict.findings_after
        before = [f.to_json() for f in entry.findings]
        meta: dict[str, Any] = {
            "id": record.id,
            "status": status,
            "reason": reason,
            "lang": entry.lang.lang,
            "engine": self.engine_name,
            "distance": pair_distance(original, pair) if pair is not original else 0,
            "findings_before": before,
            "findings_after": (
                before
                if findings_after is entry.findings
                else [f.to_json() for f in findings_after]
            ),
        }
        if detail:  # which rule of a guard refused (the summary counts reasons only)
            meta["reason_detail"] = detail
        if refused is not None:  # what the guard refused, to inspect (the original is written)
            meta["refused"] = refused.as_dict()
        if self.options.keep_original:
            meta["original"] = original.as_dict()
        for key, value in outcome.details.items():
            meta.setdefault(key, value)
        data = record.data
        if META_KEY in data:  # boosting a boost output: its current fields are the input
            data = {k: v for k, v in data.items() if k != META_KEY}
        # The reader knows the schema from the first valid record, before any is written.
        schema = self.reader.schema
        assert schema is not None
        obj = schema.write(data, pair)
        obj[META_KEY] = meta
        output.write(obj)
        self.summary.count(entry.lang.lang, status, reason)


def _optional_hook(booster: Booster, name: str) -> Callable[..., Any] | None:
    """An optional method beyond the Booster protocol (see ``Booster``)."""
    hook = getattr(booster, name, None)
    return hook if callable(hook) else None
