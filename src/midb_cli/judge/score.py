"""`midb score`: a 0-5 quality score for every record, written into ``midb.score``.

The output is the input, record for record and in input order, each with ``midb.score`` (a
number, or null when the judge's answer had no readable score) and ``midb.score_reason``; keys
midb does not use are written back untouched. It is appended like a boost output
(``ResumableOutput``): a rerun of the same command skips the records already written and the
cache answers what was in flight, so a kill -9 costs at most the requests in flight. A record
whose request failed (``score_reason`` "error: ...") is asked again by the next run, as boost
does (``boost/retry.py``: the output is rebuilt beside it and replaces it when complete).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any

from midb_cli.boost.output import ExistingOutput, ResumableOutput
from midb_cli.boost.paths import default_rejects_path
from midb_cli.boost.retry import RetryPass, retry_pass_for
from midb_cli.errors import EngineError, InputError, UsageError, refuse_no_record
from midb_cli.jsonio import loads
from midb_cli.judge.output import validate_output_path
from midb_cli.judge.pairs import ReaderOptions
from midb_cli.judge.scoring import HIGH_QUALITY, ScoreTally, parse_score
from midb_cli.llm.backend import FATAL, TextBackend
from midb_cli.llm.cache import CachedResult
from midb_cli.llm.prompts import SCORE_VARIABLES, PromptSpec, load_prompt
from midb_cli.llm.runner import Answer, CachedGenerator, Job
from midb_cli.llm.settings import LLMSettings
from midb_cli.records.pair import Pair
from midb_cli.records.paths import refuse_clashes
from midb_cli.records.reader import META_KEY, Record, RecordReader, Reject
from midb_cli.records.writer import RejectsWriter
from midb_cli.signals import Cleanup, CtrlC, HeldBlock

DEFAULT_SCORE_PROMPT = "score-alpagasus"
SIDES = ("revised", "original")
#: answers parked behind a slow earlier request before the feed pauses (bounded memory)
MAX_PARKED = 1024
#: how a record whose request failed starts its reason, and those bytes in its output line
#: (orjson writes no spaces): what a rerun asks again
ERROR_REASON = "error:"
ERROR_MARK = b'"score_reason":"error:'


@dataclass
class ScoreOptions:
    input: str
    output: str
    engine: str = "openai"
    backend_options: dict[str, Any] = field(default_factory=dict)
    llm: LLMSettings = field(default_factory=LLMSettings)
    #: which pair of a record with a revision is scored
    side: str = "revised"
    high: float = HIGH_QUALITY
    overwrite: bool = False
    rejects: str | None = None
    reader: ReaderOptions = field(default_factory=ReaderOptions)
    lang: str | None = None
    detector: str = "auto"
    #: on a rerun, ask again for the records whose request failed
    retry_errors: bool = True


@dataclass
class ScoreResult:
    output: str
    rejects_path: str
    high: float
    tallies: dict[str, ScoreTally] = field(default_factory=dict)
    written: int = 0
    resumed: int = 0
    #: records an earlier run left failed, asked again by this one
    retried: int = 0
    errors: int = 0
    rejected: int = 0
    reject_samples: list[str] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)

    def total(self) -> ScoreTally:
        total = ScoreTally()
        for tally in self.tallies.values():
            total.merge(tally)
        return total

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": 1,
            "high_threshold": self.high,
            "languages": {k: t.to_json() for k, t in sorted(self.tallies.items())},
            "total": self.total().to_json(),
            "written": self.written,
            "resumed": self.resumed,
            "retried": self.retried,
            "errors": self.errors,
            "rejected": self.rejected,
            "output": self.output,
        }


@dataclass(slots=True)
class _Entry:
    seq: int
    record: Record
    lang: str
    #: the line of a record an earlier run scored, written again as it was (a retry pass)
    copied: bytes | None = None


def run_score(
    options: ScoreOptions,
    *,
    backend: TextBackend | None = None,
    answer_identity: dict[str, Any] | None = None,
) -> ScoreResult:
    from midb_cli.langid import LanguageIdentifier
    from midb_cli.llm.registry import create_backend, require_backend

    if options.side not in SIDES:
        raise UsageError(f"--side must be one of {', '.join(SIDES)}")
    validate_output_path(options.output)
    if options.input == "-":
        raise UsageError("score reads a file, not standard input")
    rejects_path = options.rejects or default_rejects_path(options.output)
    refuse_clashes({"-o": options.output, "--rejects": rejects_path}, [options.input])
    prompt = load_prompt(options.llm.prompt or DEFAULT_SCORE_PROMPT, variables=SCORE_VARIABLES)
    if backend is None:
        require_backend(options.engine, options.backend_options, "score")
        backend, backend_opts = create_backend(options.engine, options.backend_options)
        answer_identity = backend_opts.answer_identity()
    result = ScoreResult(options.output, rejects_path, options.high)
    identifier = LanguageIdentifier(backend=options.detector, lang=options.lang)
    cleanup = Cleanup()
    try:
        # Ctrl-C and SIGTERM wait while a record is written and counted, and while the files
        # are closed (the lock released whole): a rerun in this process finds them free.
        with CtrlC() as ctrl_c:
            cleanup.ctrl_c = ctrl_c
            try:
                _score(options, prompt, backend, answer_identity, identifier, result, cleanup)
            finally:
                cleanup.close()
    finally:
        try:
            cleanup.close()  # a signal landed before the first close began: close the rest
        finally:
            backend.close()  # not held: a slow engine shutdown can still be interrupted
    # an empty input: an error, not a table of nothing and an OUT that was never made
    refuse_no_record([options.input], result.written + result.resumed, result.rejected)
    return result


def _score(
    options: ScoreOptions,
    prompt: PromptSpec,
    backend: TextBackend,
    answer_identity: dict[str, Any] | None,
    identifier: Any,
    result: ScoreResult,
    cleanup: Cleanup,
) -> None:
    from midb_cli.boost.protocol import record_seed
    from midb_cli.llm.settings import cache_identity

    held = cleanup.ctrl_c.held()
    output = ResumableOutput(options.output, error_mark=ERROR_MARK)
    rejects = RejectsWriter(result.rejects_path)
    with held:  # the lock is taken and handed to cleanup, whole
        cleanup.add(rejects.close)
        cleanup.add(output.close)
        existing = output.open(resume=not options.overwrite)
        retry = retry_pass_for(
            options.output, existing, overwrite=options.overwrite, retry=options.retry_errors
        )
        if retry is not None:
            cleanup.add(retry.close)  # closed before OUT, whose lock covers it
    target = retry.output if retry is not None else output
    done = retry.existing if retry is not None else existing
    if done.records:
        _tally_written(target.path, done.records, result, options.high)
    with held:
        cache = options.llm.open_cache()
        if cache is not None:
            cleanup.add(cache.close)
    runner: CachedGenerator[_Entry] = CachedGenerator(
        backend,
        cache,
        identity=cache_identity(getattr(backend, "name", "backend"), answer_identity or {}),
        sampling=options.llm.sampling(prompt),
        key_params={"seed": options.llm.seed, "task": "score"},
    )
    parked: dict[int, dict[str, Any] | bytes] = {}
    runner.hold = lambda: len(parked) >= MAX_PARKED
    next_out = 0

    def jobs() -> Iterator[Job[_Entry]]:
        records = _records(options, identifier, done, result, rejects, held, retry)
        for seq, (record, lang, copied) in enumerate(records):
            entry = _Entry(seq, record, lang, copied)
            if copied is not None:  # no request: handed back in its place
                yield Job(entry, None)
                continue
            messages = prompt.render(_side(record, options.side), lang)
            yield Job(entry, messages, record_seed(record.id, options.llm.seed))

    for answer in runner.run(jobs()):
        with held:  # a record is scored, written and counted, or none of it
            entry = answer.tag
            if entry.copied is not None:
                parked[entry.seq] = entry.copied
                _tally(loads(entry.copied).get(META_KEY) or {}, result, options.high)
            else:
                parked[entry.seq] = _scored(answer, cache, result, options.high)
            while next_out in parked:
                line = parked.pop(next_out)
                if isinstance(line, bytes):
                    target.write_raw(line)  # counted as resumed
                else:
                    target.write(line)
                    result.written += 1
                next_out += 1
    if retry is not None:
        with held:  # every record is in OUT.retrying: it replaces OUT in one step
            retry.finish()


def _side(record: Record, side: str) -> Pair:
    if record.revision is None:
        return record.pair
    return record.revision[1] if side == "revised" else record.revision[0]


def _records(
    options: ScoreOptions,
    identifier: Any,
    existing: ExistingOutput,
    result: ScoreResult,
    rejects: RejectsWriter,
    held: HeldBlock,
    retry: RetryPass | None,
) -> Iterator[tuple[Record, str, bytes | None]]:
    """The records to score, their language and, in a retry pass, the old output's line of a
    record it keeps (None: score it)."""
    skip = existing.records
    existing_ids = (existing.first_id, existing.last_id)
    reader = RecordReader(
        options.input,
        schema=options.reader.schema,
        fields=options.reader.fields,
        id_key=options.reader.id_key,
        strict=options.reader.strict,
    )
    index = 0
    stream: Iterator[tuple[Record | Reject, Any]] = _languages(iter(reader), identifier)
    for item, lang in stream:
        if isinstance(item, Reject):
            with held:
                rejects.write(item)
                result.rejected += 1
                if len(result.reject_samples) < 3:
                    result.reject_samples.append(str(item))
            continue
        meta = item.data.get(META_KEY)
        if meta is not None and not isinstance(meta, dict):
            reject = Reject(item.path, item.line, f"its {META_KEY!r} key is not an object")
            with held:
                rejects.write(reject)
                result.rejected += 1
            continue
        index += 1
        if index <= skip:
            if index in (1, skip):
                _check_resume_point(item, index, existing_ids, options.output)
            result.resumed += 1
            continue
        if retry is not None and index <= retry.old.records:
            raw, meta = retry.next_old(item.id)
            if not str(meta.get("score_reason", "")).startswith(ERROR_REASON):
                result.resumed += 1
                yield item, lang, raw
                continue
            result.retried += 1
        yield item, lang, None
    held_records = max(skip, retry.old.records if retry is not None else 0)
    if index < held_records:
        raise InputError(
            f"{options.output} holds {held_records:,} records but {options.input} has only "
            f"{index:,}: it is not the score output of this input; use --overwrite to start over"
        )


def _languages(
    items: Iterator[Record | Reject], identifier: Any
) -> Iterator[tuple[Record | Reject, str]]:
    """``midb.lang`` where a boost output has it, else the identified language."""
    from midb_cli.langid.stream import identify_stream

    head: list[Record | Reject] = []
    for item in items:
        head.append(item)
        if isinstance(item, Record):
            break
    stream = chain(head, items)
    first = head[-1] if head and isinstance(head[-1], Record) else None
    meta = first.data.get(META_KEY) if first is not None else None
    if isinstance(meta, dict) and isinstance(meta.get("lang"), str):
        for item in stream:
            lang = item.data.get(META_KEY, {}).get("lang") if isinstance(item, Record) else None
            yield item, lang if isinstance(lang, str) else "und"
        return
    for item, record_lang in identify_stream(stream, identifier):
        yield item, record_lang.lang if record_lang is not None else "und"


def _check_resume_point(
    record: Record, index: int, ids: tuple[str | None, str | None], output: str
) -> None:
    expected = ids[0] if index == 1 else ids[1]
    if record.id != expected:
        raise InputError(
            f"{output} does not continue this input: its record {index:,} has id {expected!r}, "
            f"the input's ({record.path}:{record.line}) has {record.id!r}; use --overwrite to "
            "start over"
        )


def _tally_written(path: Path, records: int, result: ScoreResult, high: float) -> None:
    """The scores an earlier run wrote still count in this run's statistics."""
    with open(path, "rb") as fh:
        for raw in islice(fh, records):
            _tally(loads(raw).get(META_KEY) or {}, result, high)


def _tally(meta: dict[str, Any], result: ScoreResult, high: float) -> None:
    """Count one record an earlier run wrote (its ``midb`` object)."""
    lang = meta.get("lang") or meta.get("score_lang") or "und"
    if str(meta.get("score_reason", "")).startswith(ERROR_REASON):
        result.errors += 1
        return
    score = meta.get("score")
    if not isinstance(score, (int, float)) or isinstance(score, bool):
        score = None
    result.tallies.setdefault(str(lang), ScoreTally()).add(score, high)


def _scored(answer: Answer[_Entry], cache: Any, result: ScoreResult, high: float) -> dict[str, Any]:
    entry = answer.tag
    generation = answer.generation
    assert generation is not None  # every score job has messages
    record = entry.record
    score: float | None
    if answer.hit is None and generation.error is not None:
        if generation.error_kind == FATAL:
            # A dead server or a refused key would fail every record left: stop now (exit 4),
            # having written real scores only; the same command resumes after them.
            raise EngineError(generation.error)
        score, reason = None, f"{ERROR_REASON} {generation.error}"
        result.errors += 1
        if len(result.error_samples) < 3:
            result.error_samples.append(f"{record.id}: {generation.error}")
    else:
        parsed = parse_score(generation.text)
        score, reason = parsed.score, parsed.reason
        if answer.hit is None and cache is not None:
            cache.put(
                answer.key,
                CachedResult(
                    generation.text,
                    generation.finish_reason,
                    generation.prompt_tokens,
                    generation.completion_tokens,
                    "scored" if score is not None else "missing",
                    reason,
                ),
            )
        result.tallies.setdefault(entry.lang, ScoreTally()).add(score, high)
    obj = dict(record.data)
    meta = dict(obj.get(META_KEY) or {})
    meta.setdefault("id", record.id)
    meta["score"] = score
    meta["score_reason"] = reason
    if "lang" not in meta:
        meta["score_lang"] = entry.lang
    obj[META_KEY] = meta
    return obj
