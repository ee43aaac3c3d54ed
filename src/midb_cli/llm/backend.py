"""The contract between the LLM booster and a text-generation backend (vLLM, OpenAI-compatible
servers, test fakes).

A backend takes an iterator of ``GenerationRequest`` and yields one ``Generation`` per request,
same ``id``, in any order, pulling the next request only when it has room (that is how it keeps
a window of requests in flight without reading the whole input). It never raises for one bad
request: the failure is reported in ``Generation.error`` so the run goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class SamplingConfig:
    temperature: float = 0.95
    top_p: float = 0.7
    top_k: int | None = 50
    max_tokens: int = 1024

    def as_dict(self) -> dict[str, Any]:
        return {
            "temperature": self.temperature,
            "top_p": self.top_p,
            "top_k": self.top_k,
            "max_tokens": self.max_tokens,
        }


@dataclass(slots=True)
class GenerationRequest:
    id: str
    #: chat messages, OpenAI style: [{"role": "user", "content": "..."}]
    messages: list[dict[str, str]]
    sampling: SamplingConfig
    seed: int
    #: optional structured-output constraint: {"regex": "..."} or {"json": {...schema...}}
    structured: dict[str, Any] | None = None


ERROR = "error"
SKIPPED = "skipped"
FATAL = "fatal"


@dataclass(slots=True)
class Generation:
    id: str
    text: str = ""
    #: "stop", "length", ... as the engine reports it
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    #: set when no text was produced; the record is kept as is with this reason
    error: str | None = None
    #: what kind of failure ``error`` is: ERROR (this request failed; a rerun asks again),
    #: SKIPPED (refused by design, e.g. an over-long prompt: the same every time) or FATAL
    #: (no request can succeed: the server is unreachable after every retry, or refuses the
    #: credentials; the task stops at once rather than fail every record)
    error_kind: str = "error"
    extra: dict[str, Any] = field(default_factory=dict)


class TextBackend(Protocol):
    name: str

    def generate(self, requests: Iterator[GenerationRequest]) -> Iterator[Generation]: ...

    def close(self) -> None: ...
