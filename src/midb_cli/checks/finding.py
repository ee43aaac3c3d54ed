"""A finding: one defect a check detected in one field."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: the kinds checked unless --select names others, in the order they are documented
DEFAULT_KINDS: tuple[str, ...] = (
    "wrong_language",
    "untranslated_segment",
    "translated_code",
    "repetition",
    "empty_response",
    "placeholder_input",
    "field_leak",
    "punctuation_locale",
    "mojibake",
    "truncated",
)
#: kinds checked only when selected: real data is full of them and they are harmless
OPTIONAL_KINDS: tuple[str, ...] = (
    "unicode_form",  # text not in Unicode NFC
    "whitespace",  # trailing spaces or runs of spaces outside code
)
#: every kind `midb check` knows, in the order they are documented
KINDS: tuple[str, ...] = DEFAULT_KINDS + OPTIONAL_KINDS


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

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        return cls(data["kind"], data["field"], data["message"], bool(data["fixable"]))
