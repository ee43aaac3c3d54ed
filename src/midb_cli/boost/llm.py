"""The LLM booster: deterministic fixes, prompt, cache, a text backend, parsing.

``LLMBooster`` turns a stream of ``BoostItem`` into ``BoostOutcome`` with any ``TextBackend``
(vLLM in process, an OpenAI-compatible server, a test fake). Per item: run the deterministic
fixes, render the prompt, look the request up in the result cache, send what is not cached to
the backend, parse the answer. Guards (language, repetition, length, code) are the pipeline's
job: it applies them to every ``boosted`` outcome, so they run in exactly one place.

A fallback keeps the original pair and says why (``parse:...``, ``truncated``); the model's raw
text is kept in ``details["raw_text"]`` for inspection.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from midb_cli.boost.protocol import BoostItem, BoostOutcome
from midb_cli.checks.fixes import fix_pair
from midb_cli.llm.backend import Generation, GenerationRequest, TextBackend
from midb_cli.llm.cache import CachedResult, ResultCache, request_key
from midb_cli.llm.parsing import parse_answer
from midb_cli.llm.prompts import PromptSpec, load_prompt
from midb_cli.llm.settings import LLMSettings, cache_identity
from midb_cli.records.pair import Pair

#: cache hits waiting for the next backend answer before the feed pauses to hand them out
_MAX_READY = 512
#: answers whose cache entry a later guard verdict may still mark as a fallback
_MAX_UNSETTLED = 65536


@dataclass(slots=True)
class _Pending:
    item: BoostItem
    sent: Pair  # the pair after deterministic fixes, as the model saw it
    fixes: list[str]
    key: str


@dataclass
class _Counters:
    started: float = field(default_factory=time.monotonic)
    sent: int = 0
    answered: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


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
        self.sampling = settings.sampling(self.prompt)
        self.structured = self.prompt.structured_constraint()
        self.cache = cache if cache is not None else settings.open_cache()
        # Everything besides the messages that decides the answer goes into the cache key.
        self._model_identity = cache_identity(
            getattr(backend, "name", "backend"), answer_identity or {}
        )
        self._key_params: dict[str, Any] = {
            **self.sampling.as_dict(),
            "structured": self.structured,
            "seed": settings.seed,
        }
        self._pending: dict[str, _Pending] = {}
        self._unsettled: OrderedDict[str, str] = OrderedDict()  # outcome id -> cache key
        self._counters = _Counters()
        self._next_request = 0

    # -- the Booster protocol -------------------------------------------------------------

    def boost(self, items: Iterator[BoostItem]) -> Iterator[BoostOutcome]:
        items = iter(items)
        ready: deque[BoostOutcome] = deque()
        while True:
            feed_state = {"exhausted": False}
            feed = self._feed(items, ready, feed_state)
            for generation in self.backend.generate(feed):
                while ready:
                    yield ready.popleft()
                yield self._finish(generation)
            while ready:
                yield ready.popleft()
            if feed_state["exhausted"]:
                break
            # The feed paused because cache hits piled up; they are handed out, go on.
        if self.cache is not None:
            self.cache.flush()

    def note_fallback(self, outcome_id: str, reason: str) -> None:
        """The pipeline's guards refused a ``boosted`` outcome: remember the answer as a
        fallback, so that only ``--regenerate-fallbacks`` asks the model again."""
        key = self._unsettled.pop(outcome_id, None)
        if key is not None and self.cache is not None:
            self.cache.mark_fallback(key, reason)

    def close(self) -> None:
        try:
            if self.cache is not None:
                self.cache.close()
        finally:
            self.backend.close()

    def stats(self) -> dict[str, Any]:
        """Counters for the progress line (tokens/s, requests in flight, cache hits)."""
        c = self._counters
        elapsed = max(time.monotonic() - c.started, 1e-9)
        stats: dict[str, Any] = {
            "requests_sent": c.sent,
            "answered": c.answered,
            "in_flight": len(self._pending),
            "cache_hits": c.cached,
            "prompt_tokens": c.prompt_tokens,
            "completion_tokens": c.completion_tokens,
            "tokens_per_s": c.completion_tokens / elapsed,
        }
        backend_stats = getattr(self.backend, "stats", None)
        if callable(backend_stats):
            stats.update(backend_stats())
        return stats

    # -- steps ----------------------------------------------------------------------------

    def _feed(
        self, items: Iterator[BoostItem], ready: deque[BoostOutcome], state: dict[str, bool]
    ) -> Iterator[GenerationRequest]:
        """Requests for the backend; cache hits go straight to ``ready`` instead.

        Pulls items only as the backend asks for requests, so the stream stays lazy. When
        many hits pile up while requests are in flight, the feed ends early: the backend
        finishes what it has, the hits are handed out, and ``boost`` starts a new feed.
        """
        for item in items:
            sent, fixes = self._fixed(item)
            messages = self.prompt.render(sent, item.lang)
            key = request_key(self._model_identity, messages, self._key_params)
            hit = self.cache.get(key) if self.cache is not None else None
            if hit is not None and not (hit.status == "fallback" and self.regenerate_fallbacks):
                self._counters.cached += 1
                if hit.status == "skipped":
                    outcome = BoostOutcome(item.id, "skipped", item.pair, hit.reason)
                    outcome.details["cached"] = True
                    ready.append(outcome)
                    if len(ready) >= _MAX_READY:
                        return
                    continue
                generation = Generation(
                    id="",
                    text=hit.text,
                    finish_reason=hit.finish_reason,
                    prompt_tokens=hit.prompt_tokens,
                    completion_tokens=hit.completion_tokens,
                )
                outcome, _ = self._judge(_Pending(item, sent, fixes, key), generation)
                outcome.details["cached"] = True
                self._remember(outcome, key)
                ready.append(outcome)
                if len(ready) >= _MAX_READY:
                    return
                continue
            request_id = str(self._next_request)
            self._next_request += 1
            self._pending[request_id] = _Pending(item, sent, fixes, key)
            self._counters.sent += 1
            yield GenerationRequest(
                id=request_id,
                messages=messages,
                sampling=self.sampling,
                seed=item.seed,
                structured=self.structured,
            )
        state["exhausted"] = True

    def _fixed(self, item: BoostItem) -> tuple[Pair, list[str]]:
        if not item.findings:
            return item.pair, []
        result = fix_pair(item.pair, item.lang, item.findings, item.source)
        return result.pair, list(result.applied)

    def _finish(self, generation: Generation) -> BoostOutcome:
        pending = self._pending.pop(generation.id)
        self._counters.answered += 1
        item = pending.item
        if generation.error is not None:
            if generation.error_kind != "skipped":
                # Transient or configuration failures (a bad key): ask again next run.
                return BoostOutcome(item.id, "error", item.pair, generation.error, {})
            # A refusal by design (the prompt does not fit the context) is deterministic.
            if self.cache is not None:
                self.cache.put(
                    pending.key, CachedResult("", None, None, None, "skipped", generation.error)
                )
            return BoostOutcome(item.id, "skipped", item.pair, generation.error, {"cached": False})
        self._counters.prompt_tokens += generation.prompt_tokens or 0
        self._counters.completion_tokens += generation.completion_tokens or 0
        outcome, verdict = self._judge(pending, generation)
        outcome.details["cached"] = False
        if self.cache is not None:
            self.cache.put(
                pending.key,
                CachedResult(
                    text=generation.text,
                    finish_reason=generation.finish_reason,
                    prompt_tokens=generation.prompt_tokens,
                    completion_tokens=generation.completion_tokens,
                    status=verdict,
                    reason=outcome.reason,
                ),
            )
            self._remember(outcome, pending.key)
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
        parsed = parse_answer(generation.text, self.prompt.answer)
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
