"""One compared record: ids, language, both pairs and their distances."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from midb_cli.distance import field_distances, pair_distance
from midb_cli.records.pair import Pair


@dataclass(slots=True)
class DiffEntry:
    id: str
    lang: str
    raw: Pair
    revised: Pair
    distance: int
    fields: dict[str, int]
    status: str | None = None
    #: position in the input (0-based), for stable input-order sorting and tie breaks
    seq: int = 0

    @classmethod
    def compare(
        cls,
        id: str,
        lang: str,
        raw: Pair,
        revised: Pair,
        status: str | None = None,
        seq: int = 0,
    ) -> DiffEntry:
        if raw == revised:  # the common case in boost outputs: skip the Levenshtein work
            return cls(id, lang, raw, revised, 0, dict.fromkeys(_ROLES, 0), status, seq)
        return cls(
            id,
            lang,
            raw,
            revised,
            pair_distance(raw, revised),
            field_distances(raw, revised),
            status,
            seq,
        )

    @property
    def changed(self) -> bool:
        return self.raw != self.revised

    def to_json(self) -> dict[str, Any]:
        """The `midb diff --format jsonl` object: the four documented keys first."""
        out: dict[str, Any] = {
            "id": self.id,
            "lang": self.lang,
            "distance": self.distance,
            "fields": self.fields,
        }
        if self.status is not None:
            out["status"] = self.status
        return out


_ROLES = ("instruction", "input", "response")
