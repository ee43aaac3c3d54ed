"""The unit midb works on: one instruction pair."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Role = Literal["instruction", "input", "response"]
ROLES: tuple[Role, ...] = ("instruction", "input", "response")


@dataclass(frozen=True, slots=True)
class Pair:
    instruction: str
    input: str
    response: str

    def get(self, role: str) -> str:
        text: str = getattr(self, role)
        return text

    def with_field(self, role: str, text: str) -> Pair:
        return replace(self, **{role: text})

    def as_dict(self) -> dict[str, str]:
        return {"instruction": self.instruction, "input": self.input, "response": self.response}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Pair:
        return cls(data.get("instruction", ""), data.get("input", ""), data.get("response", ""))
