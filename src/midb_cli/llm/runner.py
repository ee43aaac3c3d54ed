"""Send a stream of prompts through a backend, answering from the result cache when it can.

Every LLM task (boost, judge, score) needs the same thing: render a prompt per item, look its
request key up in the cache, send the misses to the backend with a window in flight, and hand
each answer back with the item it belongs to. ``CachedGenerator`` does exactly that and nothing
task-specific: what an answer means, and what is stored for it, is the task's business (it
calls ``cache.put`` with the status it decided).

Items are pulled lazily, only as the backend asks for requests, so memory stays bounded by the
backend's window. When many cache hits pile up while requests are in flight (a rerun over a
mostly cached file), the feed pauses: the backend finishes what it has, the hits are handed
out, and a new feed starts.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from midb_cli.llm.backend import Generation, GenerationRequest, SamplingConfig, TextBackend
from midb_cli.llm.cache import CachedResult, ResultCache, request_key

T = TypeVar("T")

#: cache hits waiting for the next backend answer before the feed pauses to hand them out
MAX_READY = 512


@dataclass(slots=True)
class Job(Generic[T]):
    """One prompt to answer; ``tag`` is the caller's (the item it belongs to). ``messages``
    None: an item that needs no request, handed back in its place in the stream."""

    tag: T
    messages: list[dict[str, str]] | None
    seed: int = 0


@dataclass(slots=True)
class Answer(Generic[T]):
    tag: T
    #: the request key: where the task stores its verdict (``cache.put``/``mark_fallback``);
    #: empty when there is no cache
    key: str
    #: None for a job without messages
    generation: Generation | None
    #: the cache entry that answered, or None when the backend did
    hit: CachedResult | None = None


@dataclass
class RunnerCounters:
    started: float = field(default_factory=time.monotonic)
    sent: int = 0
    answered: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


class CachedGenerator(Generic[T]):
    def __init__(
        self,
        backend: TextBackend,
        cache: ResultCache | None,
        *,
        identity: str,
        sampling: SamplingConfig,
        structured: dict[str, Any] | None = None,
        key_params: dict[str, Any] | None = None,
        reuse: Callable[[CachedResult], bool] = lambda hit: True,
    ) -> None:
        """``identity``: the model part of every key (``settings.cache_identity``);
        ``key_params``: anything else that decides an answer besides the messages and the
        sampling (the seed); ``reuse(hit)``: whether a cached entry may answer (e.g. not a
        refused one when the user asked for regeneration)."""
        self.backend = backend
        self.cache = cache
        self.identity = identity
        self.sampling = sampling
        self.structured = structured
        self.key_params: dict[str, Any] = {
            **sampling.as_dict(),
            "structured": structured,
            **(key_params or {}),
        }
        self.reuse = reuse
        #: when it returns True the feed pauses (the caller cannot take more answers yet):
        #: the backend finishes what it has in flight before new items are pulled
        self.hold: Callable[[], bool] | None = None
        self.counters = RunnerCounters()
        self._pending: dict[str, tuple[T, str]] = {}
        self._next_request = 0

    @property
    def in_flight(self) -> int:
        return len(self._pending)

    def key(self, messages: list[dict[str, str]]) -> str:
        return request_key(self.identity, messages, self.key_params)

    def run(self, jobs: Iterator[Job[T]]) -> Iterator[Answer[T]]:
        jobs = iter(jobs)
        ready: deque[Answer[T]] = deque()
        while True:
            state = {"exhausted": False}
            for generation in self.backend.generate(self._feed(jobs, ready, state)):
                while ready:
                    yield ready.popleft()
                yield self._answered(generation)
            while ready:
                yield ready.popleft()
            if state["exhausted"]:
                break
        if self.cache is not None:
            self.cache.flush()

    def _feed(
        self, jobs: Iterator[Job[T]], ready: deque[Answer[T]], state: dict[str, bool]
    ) -> Iterator[GenerationRequest]:
        while True:
            if self.hold is not None and self._pending and self.hold():
                return  # paused; `run` starts a new feed once the backend is drained
            job = next(jobs, None)
            if job is None:
                break
            if job.messages is None:
                ready.append(Answer(job.tag, "", None))
                if len(ready) >= MAX_READY:
                    return
                continue
            # The key only addresses the cache: without one, no hashing of the prompt.
            key = self.key(job.messages) if self.cache is not None else ""
            hit = self.cache.get(key) if self.cache is not None else None
            if hit is not None and self.reuse(hit):
                self.counters.cached += 1
                generation = Generation(
                    id="",
                    text=hit.text,
                    finish_reason=hit.finish_reason,
                    prompt_tokens=hit.prompt_tokens,
                    completion_tokens=hit.completion_tokens,
                )
                ready.append(Answer(job.tag, key, generation, hit))
                if len(ready) >= MAX_READY:
                    return
                continue
            request_id = str(self._next_request)
            self._next_request += 1
            self._pending[request_id] = (job.tag, key)
            self.counters.sent += 1
            yield GenerationRequest(
                id=request_id,
                messages=job.messages,
                sampling=self.sampling,
                seed=job.seed,
                structured=self.structured,
            )
        state["exhausted"] = True

    def _answered(self, generation: Generation) -> Answer[T]:
        tag, key = self._pending.pop(generation.id)
        counters = self.counters
        counters.answered += 1
        if generation.error is None:
            counters.prompt_tokens += generation.prompt_tokens or 0
            counters.completion_tokens += generation.completion_tokens or 0
        return Answer(tag, key, generation)

    def stats(self) -> dict[str, Any]:
        """Counters for a progress line (tokens/s, requests in flight, cache hits)."""
        c = self.counters
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
