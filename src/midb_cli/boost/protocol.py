"""The contract between the boost pipeline and a booster (rules, or an LLM engine).

A booster takes an iterator of ``BoostItem`` and yields one ``BoostOutcome`` per item, with the
same ``id``, in any order. It pulls the next item only when it has room, so it controls how
many items are in flight (an LLM engine keeps a window of requests busy; the rules booster works
one at a time). The pipeline restores input order and writes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Protocol

from midb_cli.checks.finding import Finding
from midb_cli.errors import UsageError
from midb_cli.llm.settings import LLMSettings
from midb_cli.records.pair import Pair

Status = Literal["boosted", "unchanged", "fallback", "skipped", "error"]
STATUSES: tuple[Status, ...] = ("boosted", "unchanged", "fallback", "skipped", "error")


def require_statuses(statuses: Iterable[str] | None, flag: str = "--status") -> None:
    """A usage error for a status no boost writes (`--status bogus` would select nothing)."""
    for status in sorted(statuses or ()):
        if status not in STATUSES:
            raise UsageError(
                f"{flag}: unknown status {status!r}; choose from: {', '.join(STATUSES)}"
            )


def record_seed(record_id: str, seed: int) -> int:
    """A per-record sampling seed: stable across runs and machines (not Python's hash)."""
    digest = hashlib.blake2b(f"{seed}\x00{record_id}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") & 0x7FFFFFFF


@dataclass(slots=True)
class BoostItem:
    id: str
    pair: Pair  # the original pair
    lang: str  # the record language (ISO 639-1 or "und")
    findings: list[Finding]
    #: the English source pair when known (a key in the record, or an aligned file)
    source: Pair | None = None
    #: a per-record seed, derived from the id, so sampling is reproducible
    seed: int = 0
    #: already finished (a retry pass keeps it as it was): answer at once, any status; the
    #: pipeline writes the old line whatever the answer
    passthrough: bool = False


@dataclass(slots=True)
class BoostOutcome:
    id: str
    status: Status
    #: the pair to write: the revision when boosted, else the original
    pair: Pair
    reason: str = ""
    #: engine-specific facts worth keeping in the record's `midb` object (raw model text on
    #: fallback, finish reason, token counts, cache hit, fixes applied ...)
    details: dict[str, Any] = field(default_factory=dict)


class Booster(Protocol):
    """Three optional methods go beyond this protocol; the pipeline calls them when present:
    ``note_fallback(id, reason)`` (a guard refused the revision: an LLM cache remembers it so
    ``--regenerate-fallbacks`` asks again), ``stats() -> dict`` (tokens/s, requests in
    flight, shown in the progress line) and ``hold_when(predicate)`` (pull no new item while
    ``predicate()`` is true: the output is waiting for a slow earlier answer)."""

    name: ClassVar[str]

    def boost(self, items: Iterator[BoostItem]) -> Iterator[BoostOutcome]: ...

    def close(self) -> None: ...


@dataclass
class EngineSelection:
    """The engine of one boost run, as the user chose it."""

    name: str = "rules"
    #: backend options from flags the user set and --engine-option pairs (typed on use)
    backend_options: dict[str, Any] = field(default_factory=dict)
    llm: LLMSettings = field(default_factory=LLMSettings)
    #: ask the model again for pairs whose cached answer a guard refused
    regenerate_fallbacks: bool = False


@dataclass(frozen=True)
class BoosterSpec:
    """A booster that needs no text backend (rules) or replaces the whole booster (tests)."""

    name: str
    description: str
    factory: Callable[[EngineSelection], Booster]
    availability: Callable[[], tuple[bool, str]] = lambda: (True, "built in")
