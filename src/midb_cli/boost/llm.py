"""The LLM booster: deterministic fixes, prompt, cache, a text backend, parsing.

``LLMBooster`` turns a stream of ``BoostItem`` into ``BoostOutcome`` with any ``TextBackend``
(vLLM in process, an OpenAI-compatible server, a test fake). Per item: run the deterministic
fixes, render the prompt, and hand it to the shared ``CachedGenerator`` (cache look-up, window
of requests in flight); then parse the answer. Guards (language, repetition, length, code) are
the pipeline's job: it applies them to every ``boosted`` outcome, so they run in one place.

A fallback keeps the original pair and says why (``parse:...``, ``truncated``); the model's raw
text is kept in ``details["raw_text"]`` for inspection.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from midb_cli.boost.protocol import BoostItem, BoostOutcome
from midb_cli.checks.fixes import fix_pair
from midb_cli.errors import EngineError
from midb_cli.llm.backend import FATAL, SKIPPED, Generation, TextBackend
from midb_cli.llm.cache import CachedResult, ResultCache
from midb_cli.llm.parsing import parse_answer
from midb_cli.llm.prompts import PromptSpec, load_prompt
from midb_cli.llm.runner import Answer, CachedGenerator, Job
from midb_cli.llm.settings import LLMSettings, cache_identity
from midb_cli.records.pair import Pair

#: answers whose cache entry a later guard verdict may still mark as a fallback
_MAX_UNSETTLED = 65536


@dataclass(slots=True)
class _Pending:
    item: BoostItem
    sent: Pair  # the pair after deterministic fixes, as the model saw it
    fixes: list[str]


class LLMBooster:
    name: ClassVar[str] = "llm"

    def __init__(
        self,
        backend: TextBackend,
        settings: LLMSettings | None = None,
        *,
        prompt: PromptSpec | None = None,
        answer_identity: dict[str, Any] | None = None,
        regenerate_fallbacks: bool = False,
        cache: ResultCache | None = None,
    ) -> None:
        """``answer_identity``: the backend options that change answers (model, adapter,
        context length ...), part of every cache key; ``cache`` replaces the one the
        settings name."""
        settings = settings or LLMSettings()
        self.backend = backend
        self.settings = settings
        self.regenerate_fallbacks = regenerate_fallbacks
        self.prompt = prompt or load_prompt(settings.prompt)
        self.cache = cache if cache is not None else settings.open_cache()
        self.runner: CachedGenerator[_Pending] = CachedGenerator(
            backend,
            self.cache,
            identity=cache_identity(getattr(backend, "name", "backend"), answer_identity or {}),
            sampling=settings.sampling(self.prompt),
            structured=self.prompt.structured_constraint(),
            key_params={"seed": settings.seed},
            reuse=self._reuse,
        )
        self._unsettled: OrderedDict[str, str] = OrderedDict()  # outcome id -> cache key

    # -- the Booster protocol -------------------------------------------------------------

    def boost(self, items: Iterator[BoostItem]) -> Iterator[BoostOutcome]:
        for answer in self.runner.run(self._jobs(items)):
            yield self._outcome(answer)

    def note_fallback(self, outcome_id: str, reason: str) -> None:
        """The pipeline's guards refused a ``boosted`` outcome: remember the answer as a
        fallback, so that only ``--regenerate-fallbacks`` asks the model again."""
        key = self._unsettled.pop(outcome_id, None)
        if key is not None and self.cache is not None:
            self.cache.mark_fallback(key, reason)

    def hold_when(self, predicate: Callable[[], bool]) -> None:
        """Pause pulling items while ``predicate()`` is true (the pipeline's reorder buffer is
        full behind a slow request): memory stays bounded however long one request takes."""
        self.runner.hold = predicate

    def close(self) -> None:
        try:
            if self.cache is not None:
                self.cache.close()
        finally:
            self.backend.close()

    def stats(self) -> dict[str, Any]:
        """Counters for the progress line (tokens/s, requests in flight, cache hits) and
        answers the cache could not store."""
        stats = self.runner.stats()
        if self.cache is not None and self.cache.write_errors:
            stats["cache_write_errors"] = self.cache.write_errors
            stats["cache_error"] = f"{self.cache.path}: {self.cache.last_write_error}"
        return stats

    # -- steps ----------------------------------------------------------------------------

    def _reuse(self, hit: CachedResult) -> bool:
        return not (hit.status == "fallback" and self.regenerate_fallbacks)

    def _jobs(self, items: Iterator[BoostItem]) -> Iterator[Job[_Pending]]:
        for item in items:
            if item.passthrough:
                yield Job(_Pending(item, item.pair, []), None)
                continue
            sent, fixes = self._fixed(item)
            yield Job(_Pending(item, sent, fixes), self.prompt.render(sent, item.lang), item.seed)

    def _fixed(self, item: BoostItem) -> tuple[Pair, list[str]]:
        if not item.findings:
            return item.pair, []
        result = fix_pair(item.pair, item.lang, item.findings, item.source)
        return result.pair, list(result.applied)

    def _outcome(self, answer: Answer[_Pending]) -> BoostOutcome:
        pending, generation, key = answer.tag, answer.generation, answer.key
        item = pending.item
        if generation is None:  # a passthrough item: nothing was asked
            return BoostOutcome(item.id, "unchanged", item.pair)
        if answer.hit is not None:
            if answer.hit.status == "skipped":
                outcome = BoostOutcome(item.id, "skipped", item.pair, answer.hit.reason)
            else:
                outcome, _ = self._judge(pending, generation)
                self._remember(outcome, key)
            outcome.details["cached"] = True
            return outcome
        if generation.error is not None:
            if generation.error_kind == FATAL:
                # A dead server or a wrong key would turn every remaining record into an
                # `error`: stop now, having written only real outcomes; a rerun resumes.
                raise EngineError(generation.error)
            if generation.error_kind != SKIPPED:
                # Transient or configuration failures (a bad key): ask again next run.
                return BoostOutcome(item.id, "error", item.pair, generation.error, {})
            # A refusal by design (the prompt does not fit the context) is deterministic.
            if self.cache is not None:
                self.cache.put(key, CachedResult("", None, None, None, "skipped", generation.error))
            return BoostOutcome(item.id, "skipped", item.pair, generation.error, {"cached": False})
        outcome, verdict = self._judge(pending, generation)
        outcome.details["cached"] = False
        if self.cache is not None:
            self.cache.put(
                key,
                CachedResult(
                    text=generation.text,
                    finish_reason=generation.finish_reason,
                    prompt_tokens=generation.prompt_tokens,
                    completion_tokens=generation.completion_tokens,
                    status=verdict,
                    reason=outcome.reason,
                ),
            )
            self._remember(outcome, key)
        return outcome

    def _remember(self, outcome: BoostOutcome, key: str) -> None:
        if outcome.status != "boosted" or self.cache is None:
            return
        self._unsettled[outcome.id] = key
        if len(self._unsettled) > _MAX_UNSETTLED:
            self._unsettled.popitem(last=False)

    def _judge(self, pending: _Pending, generation: Generation) -> tuple[BoostOutcome, str]:
        """The outcome of one answer, and the status to remember it by in the cache."""
        item = pending.item
        details: dict[str, Any] = {"finish_reason": generation.finish_reason}
        if generation.prompt_tokens is not None:
            details["prompt_tokens"] = generation.prompt_tokens
        if generation.completion_tokens is not None:
            details["completion_tokens"] = generation.completion_tokens
        if pending.fixes:
            details["fixes"] = pending.fixes
        if generation.finish_reason == "length":
            details["raw_text"] = generation.text
            return BoostOutcome(item.id, "fallback", item.pair, "truncated", details), "fallback"
        parsed = parse_answer(
            generation.text,
            self.prompt.answer,
            empty_instruction=not pending.sent.instruction.strip(),
        )
        if parsed.pair is None:
            details["raw_text"] = generation.text
            return BoostOutcome(item.id, "fallback", item.pair, parsed.reason, details), "fallback"
        if _same_pair(parsed.pair, pending.sent):
            # The model kept the pair: what remains are the deterministic fixes, if any.
            if pending.fixes:
                outcome = BoostOutcome(item.id, "boosted", pending.sent, "fixes only", details)
            else:
                outcome = BoostOutcome(item.id, "unchanged", item.pair, "", details)
            return outcome, outcome.status
        return BoostOutcome(item.id, "boosted", parsed.pair, "", details), "boosted"


def _same_pair(parsed: Pair, sent: Pair) -> bool:
    # The parser strips the fields; the model echoing the pair is not a revision.
    return (
        parsed.instruction == sent.instruction.strip()
        and parsed.input == sent.input.strip()
        and parsed.response == sent.response.strip()
    )
