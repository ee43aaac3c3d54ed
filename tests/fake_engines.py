"""Test fakes at the engine boundary: a ``TextBackend`` with canned answers that remembers every
request it saw, and a helper that registers it as an engine through the real registry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from midb_cli.llm import BackendOptions, BackendSpec, register_backend, unregister_backend
from midb_cli.llm.backend import Generation, GenerationRequest

#: an answer: the model text, or a full Generation (for errors, finish reasons, token counts)
Answer = str | Generation
Responder = Callable[[GenerationRequest], Answer]


@dataclass
class FakeBackend:
    """Answers each request with ``responder(request)``; ``window`` requests are pulled before
    answering the oldest, like a real engine with requests in flight."""

    responder: Responder
    window: int = 4
    name: str = "fake"
    history: list[GenerationRequest] = field(default_factory=list)
    closed: bool = False
    max_seen_in_flight: int = 0

    def generate(self, requests: Iterator[GenerationRequest]) -> Iterator[Generation]:
        in_flight: list[GenerationRequest] = []
        for request in requests:
            self.history.append(request)
            in_flight.append(request)
            self.max_seen_in_flight = max(self.max_seen_in_flight, len(in_flight))
            if len(in_flight) >= self.window:
                # answer the newest first: the booster must cope with any order
                yield self._answer(in_flight.pop())
        while in_flight:
            yield self._answer(in_flight.pop())

    def _answer(self, request: GenerationRequest) -> Generation:
        answer = self.responder(request)
        if isinstance(answer, Generation):
            answer.id = request.id
            return answer
        return Generation(id=request.id, text=answer, finish_reason="stop", completion_tokens=7)

    def close(self) -> None:
        self.closed = True


def user_text(request: GenerationRequest) -> str:
    return request.messages[-1]["content"]


def tagged_echo(request: GenerationRequest) -> str:
    """Answers with the tagged pair it was sent (the model changes nothing)."""
    text = user_text(request)
    return text[text.index("<|instruction|>") :]


@dataclass
class FakeOptions(BackendOptions):
    """The fake takes a model name, like every real backend."""

    model: str = "fake-model"


def register_fake_engine(name: str, backend: FakeBackend) -> None:
    """Register ``backend`` as text backend ``name`` through the real registry, like a built-in
    or a plugin: `midb boost --engine NAME` then runs the LLM booster over it."""

    def factory(options: BackendOptions) -> FakeBackend:
        return backend

    register_backend(BackendSpec(name, "test fake", FakeOptions, factory), replace=True)


unregister_engine = unregister_backend

__all__ = ["FakeBackend", "register_fake_engine", "tagged_echo", "unregister_engine", "user_text"]
