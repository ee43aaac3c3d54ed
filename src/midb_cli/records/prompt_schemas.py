"""Prompt-only schemas: evaluation sets that hold instructions and no responses.

- ``prompt`` (AlpacaEval-style): ``instruction`` and an optional ``input``.
- ``mtbench`` (MT-Bench-style): ``turns``, a list of strings; the first turn is the instruction,
  later turns (and ``question_id``, ``category``) are carried through untouched.

The pair's response is empty. ``holds_response`` is False, so a caller that produces responses
(an LLM booster) can say so before it starts: ``write`` refuses a non-empty response rather than
dropping it silently.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from midb_cli.records.pair import Pair
from midb_cli.records.schema_types import FieldError, Schema, TemplateKey, text_field

#: keys that mean the record holds a response, so it is not a prompt-only record
RESPONSE_KEYS = ("output", "response")


def _refuse_response(name: str, pair: Pair) -> None:
    if pair.response:
        raise ValueError(f"the {name} schema holds prompts only: it has no place for a response")


@dataclass
class PromptSchema(Schema):
    """``instruction`` (+ optional ``input``); a record with an ``output`` key is a full pair,
    and reading it as a prompt would hide its response, so it is rejected instead."""

    name: str = "prompt"
    keys: dict[str, str] = field(
        default_factory=lambda: {"instruction": "instruction", "input": "input", "response": ""}
    )
    holds_response = False

    @property
    def template(self) -> tuple[TemplateKey, ...]:
        return (TemplateKey("instruction"), TemplateKey("input", required=False))

    def read(self, obj: Mapping[str, Any]) -> Pair:
        for key in RESPONSE_KEYS:
            if key in obj:
                raise FieldError(f"has a {key!r} key: a full pair, not a prompt")
        return Pair(text_field(obj, "instruction"), text_field(obj, "input", optional=True), "")

    def write(self, obj: dict[str, Any], pair: Pair) -> dict[str, Any]:
        _refuse_response(self.name, pair)
        out = dict(obj)
        out["instruction"] = pair.instruction
        if "input" in out or pair.input:
            out["input"] = pair.input
        return out


@dataclass
class TurnsSchema(Schema):
    """``turns``: a list of user turns; the pair is the first one."""

    name: str = "mtbench"
    keys: dict[str, str] = field(
        default_factory=lambda: {"instruction": "turns[0]", "input": "", "response": ""}
    )
    holds_response = False

    @property
    def template(self) -> tuple[TemplateKey, ...]:
        return (
            TemplateKey("question_id", "id", required=False),
            TemplateKey("category", required=False),
            TemplateKey("turns", "turns"),
        )

    def read(self, obj: Mapping[str, Any]) -> Pair:
        turns = obj.get("turns")
        if not isinstance(turns, list) or not turns:
            raise FieldError("field 'turns' is missing, empty or not a list")
        if not isinstance(turns[0], str):
            raise FieldError(f"turns[0] is {type(turns[0]).__name__}, not a string")
        return Pair(turns[0], "", "")

    def write(self, obj: dict[str, Any], pair: Pair) -> dict[str, Any]:
        _refuse_response(self.name, pair)
        out = dict(obj)
        turns = copy.copy(obj["turns"])
        turns[0] = pair.instruction + ("\n\n" + pair.input if pair.input else "")
        out["turns"] = turns
        return out
