"""`midb judge`: every pair in both orders through a text backend, with the result cache.

Per pair two jobs go to the shared ``CachedGenerator`` (cache look-up, a window in flight);
answers come back in any order and a pair is finished when both orders are in: its outcome is
written to the judgments file at once and added to its language's tally. A rerun of the same
command reads the judgments file back (those pairs are not asked again) and answers what was in
flight from the cache, so a kill -9 costs at most the requests in flight. A request that failed
(server error, timeout) leaves its pair out of the file and out of every count but ``errors``:
the next run asks again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from midb_cli.boost.protocol import require_statuses
from midb_cli.errors import EngineError, InputError, UsageError
from midb_cli.judge.metrics import DEFAULT_RESAMPLES, Tally, block
from midb_cli.judge.output import (
    PastJudgment,
    judgment_line,
    open_judgments,
    validate_output_path,
)
from midb_cli.judge.pairs import (
    COMPARE_MODES,
    JudgeItem,
    ReaderOptions,
    judge_items,
    question_and_answers,
    sample_per_language,
)
from midb_cli.judge.verdict import ORDERS, VERDICT_REGEX, combine, order_outcome, parse_verdict
from midb_cli.languages import require_languages
from midb_cli.llm.backend import FATAL, TextBackend
from midb_cli.llm.cache import CachedResult
from midb_cli.llm.prompts import JUDGE_VARIABLES, PromptSpec, load_prompt
from midb_cli.llm.runner import Answer, CachedGenerator, Job
from midb_cli.llm.settings import LLMSettings
from midb_cli.records.paths import refuse_clashes
from midb_cli.records.reader import Reject
from midb_cli.signals import Cleanup, CtrlC

DEFAULT_JUDGE_PROMPT = "judge-midb"
SCHEMA_VERSION = 1


@dataclass
class JudgeOptions:
    inputs: list[str]
    output: str
    engine: str = "openai"
    #: the backend's option values (flags and --engine-option pairs)
    backend_options: dict[str, Any] = field(default_factory=dict)
    llm: LLMSettings = field(default_factory=LLMSettings)
    compare: str = "response"
    #: pairs per language, chosen at random with ``llm.seed`` (None: every pair)
    sample: int | None = None
    langs: frozenset[str] | None = None
    #: only records of these ``midb.status`` values (boost outputs); None: all
    statuses: frozenset[str] | None = None
    verdict_only: bool = False
    overwrite: bool = False
    resamples: int = DEFAULT_RESAMPLES
    reader: ReaderOptions = field(default_factory=ReaderOptions)
    detector: str = "auto"
    #: other files this run writes (the CLI's --html), checked against the inputs
    also_writes: dict[str, str | None] = field(default_factory=dict)


@dataclass
class JudgeResult:
    output: str
    prompt: str
    compare: str
    seed: int
    resamples: int
    tallies: dict[str, Tally] = field(default_factory=dict)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    rejected: int = 0
    reject_samples: list[str] = field(default_factory=list)
    #: pairs whose judgment an earlier run had written
    resumed: int = 0
    requests: int = 0
    cache_hits: int = 0

    def total(self) -> Tally:
        total = Tally()
        for tally in self.tallies.values():
            total.merge(tally)
        return total

    @property
    def judged(self) -> int:
        return self.total().n

    @property
    def missing(self) -> int:
        return self.total().missing

    def to_json(self) -> dict[str, Any]:
        """The `--json` document (schema_version 1: keys may be added, never renamed)."""
        total = self.total()
        return {
            "schema_version": SCHEMA_VERSION,
            "judged": total.n,
            "missing": total.missing,
            "languages": {
                lang: block(t, seed=self.seed, group=lang, resamples=self.resamples)
                for lang, t in sorted(self.tallies.items())
            },
            "total": block(total, seed=self.seed, group="\x00total", resamples=self.resamples),
            "errors": self.errors,
            "rejected": self.rejected,
            "resumed": self.resumed,
            "requests": self.requests,
            "cache_hits": self.cache_hits,
            "prompt": self.prompt,
            "compare": self.compare,
            "output": self.output,
        }


@dataclass(slots=True)
class _Pending:
    item: JudgeItem
    key: str
    verdicts: dict[str, tuple[int | None, str]] = field(default_factory=dict)
    error: str | None = None


#: a job's tag: the pair it belongs to and the order it shows the sides in
_Tag = tuple[_Pending, str]


def run_judge(
    options: JudgeOptions,
    *,
    backend: TextBackend | None = None,
    answer_identity: dict[str, Any] | None = None,
    on_pair: Callable[[JudgeResult], None] | None = None,
) -> JudgeResult:
    """Judge every pair of ``options.inputs`` in both orders (see the module docstring).
    ``backend`` replaces the one ``options.engine`` names (tests, library users)."""
    from midb_cli.langid import LanguageIdentifier
    from midb_cli.llm.registry import create_backend, require_backend

    if options.compare not in COMPARE_MODES:
        raise UsageError(f"--compare must be one of {', '.join(COMPARE_MODES)}")
    if options.sample is not None and options.sample < 1:
        raise UsageError("--sample must be at least 1")
    require_languages(options.langs, undetermined=True)  # (a pair of unknown language: `und`)
    require_statuses(options.statuses)
    validate_output_path(options.output)
    for path in options.inputs:
        if path == "-":
            raise UsageError("judge reads files, not standard input")
    refuse_clashes({"-o": options.output, **options.also_writes}, options.inputs)
    prompt = load_prompt(options.llm.prompt or DEFAULT_JUDGE_PROMPT, variables=JUDGE_VARIABLES)
    if backend is None:
        # another engine (`rules`) or a bad flag fails before any reading
        require_backend(options.engine, options.backend_options, "judge")
    identifier = LanguageIdentifier(backend=options.detector)
    rejects: list[Reject] = []
    items: Iterator[JudgeItem] = judge_items(
        options.inputs, identifier, options.reader, statuses=options.statuses, rejects=rejects
    )
    if options.langs:
        langs = options.langs
        items = (item for item in items if item.lang in langs)
    if options.sample is not None:
        items = iter(sample_per_language(items, options.sample, options.llm.seed))
    result = JudgeResult(
        options.output, prompt.name, options.compare, options.llm.seed, options.resamples
    )
    if backend is None:
        backend, backend_opts = create_backend(options.engine, options.backend_options)
        answer_identity = backend_opts.answer_identity()
    cleanup = Cleanup()
    try:
        # Ctrl-C and SIGTERM wait while a judgment is written and counted, and while the
        # files are closed (the lock released whole): a rerun in this process finds them free.
        with CtrlC() as ctrl_c:
            cleanup.ctrl_c = ctrl_c
            try:
                _judge(options, prompt, backend, answer_identity, items, result, cleanup, on_pair)
            finally:
                cleanup.close()
    finally:
        try:
            cleanup.close()  # a signal landed before the first close began: close the rest
        finally:
            backend.close()  # not held: a slow engine shutdown can still be interrupted
    result.rejected = len(rejects)
    result.reject_samples = [str(r) for r in rejects[:3]]
    if result.judged == 0 and result.missing == 0 and not result.errors and not rejects:
        filters = [f for f, on in (("--lang", options.langs), ("--status", options.statuses)) if on]
        if not filters:
            raise InputError(f"{', '.join(options.inputs)}: nothing to judge: no pair read")
        raise InputError(f"nothing to judge: no pair matched {' and '.join(filters)}")
    return result


def _judge(
    options: JudgeOptions,
    prompt: PromptSpec,
    backend: TextBackend,
    answer_identity: dict[str, Any] | None,
    items: Iterator[JudgeItem],
    result: JudgeResult,
    cleanup: Cleanup,
    on_pair: Callable[[JudgeResult], None] | None,
) -> None:
    from midb_cli.llm.settings import cache_identity

    identity = cache_identity(getattr(backend, "name", "backend"), answer_identity or {})
    judge_id = f"{identity}|{prompt.name}|{options.compare}|{options.verdict_only}"
    held = cleanup.ctrl_c.held()
    output, past = open_judgments(
        options.output, overwrite=options.overwrite, judge=judge_id, task="judge", cleanup=cleanup
    )
    with held:
        cache = options.llm.open_cache()
        if cache is not None:
            cleanup.add(cache.close)
    runner: CachedGenerator[_Tag] = CachedGenerator(
        backend,
        cache,
        identity=identity,
        sampling=options.llm.sampling(prompt),
        structured={"regex": VERDICT_REGEX} if options.verdict_only else None,
        key_params={"seed": options.llm.seed, "task": "judge"},
    )
    pending: dict[str, _Pending] = {}
    jobs = _jobs(items, prompt, options, past, result, pending)
    for answer in runner.run(jobs):
        with held:  # a judgment is written and counted, or neither
            _answered(answer, pending, result, output, cache, judge_id)
        if on_pair is not None:
            on_pair(result)
    result.requests = runner.counters.sent
    result.cache_hits = runner.counters.cached


def _jobs(
    items: Iterator[JudgeItem],
    prompt: PromptSpec,
    options: JudgeOptions,
    past: dict[str, PastJudgment],
    result: JudgeResult,
    pending: dict[str, _Pending],
) -> Iterator[Job[_Tag]]:
    from midb_cli.boost.protocol import record_seed
    from midb_cli.languages import language_name

    seen: dict[str, int] = {}
    for item in items:
        count = seen.get(item.id, 0) + 1
        seen[item.id] = count
        key = item.id if count == 1 else f"{item.id}#{count}"  # duplicate ids stay apart
        earlier = past.get(key)
        if earlier is not None:
            result.resumed += 1
            result.tallies.setdefault(item.lang, Tally()).add(earlier.outcome, earlier.flip)
            continue
        question, first, second = question_and_answers(item, options.compare)
        state = _Pending(item, key)
        pending[key] = state
        seed = record_seed(item.id, options.llm.seed)
        base = {"question": question, "lang": item.lang, "lang_name": language_name(item.lang)}
        ab = {**base, "answer_a": first, "answer_b": second}
        ba = {**base, "answer_a": second, "answer_b": first}
        yield Job((state, "ab"), prompt.render_values(ab), seed)
        yield Job((state, "ba"), prompt.render_values(ba), seed)


def _answered(
    answer: Answer[_Tag],
    pending: dict[str, _Pending],
    result: JudgeResult,
    output: Any,
    cache: Any,
    judge_id: str,
) -> None:
    state, order = answer.tag
    generation = answer.generation
    assert generation is not None  # every judge job has messages
    if answer.hit is None and generation.error is not None:
        if generation.error_kind == FATAL:
            # A dead server or a refused key would fail every pair left: stop now (exit 4),
            # having written whole judgments only; the same command resumes.
            raise EngineError(generation.error)
        state.error = state.error or generation.error
        verdict = None
    else:
        verdict = parse_verdict(generation.text)
        if answer.hit is None and cache is not None:
            cache.put(
                answer.key,
                CachedResult(
                    generation.text,
                    generation.finish_reason,
                    generation.prompt_tokens,
                    generation.completion_tokens,
                    "judged" if verdict is not None else "missing",
                    "" if verdict is None else str(verdict),
                ),
            )
    state.verdicts[order] = (verdict, generation.text)
    if len(state.verdicts) < len(ORDERS):
        return
    del pending[state.key]
    item = state.item
    if state.error is not None:
        result.errors += 1
        if len(result.error_samples) < 3:
            result.error_samples.append(f"{item.id}: {state.error}")
        return
    verdicts = [state.verdicts[o][0] for o in ORDERS]
    per_order = [order_outcome(o, v) for o, v in zip(ORDERS, verdicts, strict=True)]
    outcome = combine(per_order[0], per_order[1])
    flip = outcome is not None and per_order[0] != per_order[1]
    result.tallies.setdefault(item.lang, Tally()).add(outcome, flip)
    output.write(
        judgment_line(
            state.key,
            item.id,
            item.lang,
            outcome,
            flip,
            verdicts,
            [state.verdicts[o][1] for o in ORDERS],
            judge_id,
        )
    )
