"""A finding: one defect a check detected in one field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    field: str  # "instruction" | "input" | "response"
    message: str
    fixable: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "field": self.field,
            "message": self.message,
            "fixable": self.fixable,
        }
