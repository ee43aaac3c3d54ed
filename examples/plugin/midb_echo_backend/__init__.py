"""An example midb backend plugin: `pip install examples/plugin`, then `midb engines` lists
`echo` and `midb boost IN -o OUT --engine echo` boosts with it, with no edit to midb.

It answers each request with the tagged pair it was sent, the response one sentence longer, so
it behaves like a (very modest) booster that the guards accept."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from midb_cli.llm import (
    BackendOptions,
    BackendSpec,
    Generation,
    GenerationRequest,
    answer_field,
)


@dataclass
class EchoOptions(BackendOptions):
    model: str = answer_field("echo-1", help="the model name (part of the cache key)")
    suffix: str = answer_field(" (revised)", help="appended to every response")


class EchoBackend:
    name = "echo"

    def __init__(self, options: EchoOptions) -> None:
        self.options = options

    def generate(self, requests: Iterator[GenerationRequest]) -> Iterator[Generation]:
        for request in requests:
            text = request.messages[-1]["content"]
            tagged = text[text.find("<|instruction|>") :]
            yield Generation(request.id, tagged + self.options.suffix, finish_reason="stop")

    def close(self) -> None:
        pass


SPEC = BackendSpec(
    "echo", "example plugin: echoes each pair, response extended", EchoOptions, EchoBackend
)
