"""The table of record schemas: the one place a schema is named and described.

Detection (in table order), ``--schema NAME``, its help text and the errors and hints that list
the schemas all read this table, so adding a schema is one ``register_schema(SchemaSpec(...))``.
Built in:

- ``alpaca``: ``instruction``, ``input``, ``output`` (a missing ``input`` reads as empty).
- ``meb``: ``Raw Instruction``, ``Raw Input``, ``Raw Response``; when the first record also has
  ``Revised Instruction``/``Revised Input``/``Revised Response`` the file holds a revision.
- ``messages`` (OpenAI chat) and ``conversations`` (ShareGPT): the pair is the first user turn
  (instruction, input empty) and the assistant turn right after it; a system turn and later
  turns are carried through untouched.
- ``prompt`` and ``mtbench``: prompt sets without responses (``records/prompt_schemas.py``).

``--fields instruction=KEY,input=KEY,response=KEY`` builds a ``fields`` schema outside the
table: it is a mapping, not a name.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from midb_cli.errors import UsageError
from midb_cli.records.pair import ROLES
from midb_cli.records.prompt_schemas import RESPONSE_KEYS, PromptSchema, TurnsSchema
from midb_cli.records.schema_types import (
    NO_KEY,
    ChatSchema,
    ChatStyle,
    FieldError,
    KeySchema,
    Schema,
    TemplateKey,
)

__all__ = [
    "FieldError",
    "KeySchema",
    "Schema",
    "SchemaSpec",
    "TemplateKey",
    "detect_schema",
    "parse_field_mapping",
    "register_schema",
    "resolve_schema",
    "schema_by_name",
    "schema_help",
    "schema_names",
    "schema_specs",
]


@dataclass(frozen=True)
class SchemaSpec:
    """One row of the table."""

    name: str
    #: one line for help texts: where the pair lives
    description: str
    #: whether a record looks like this schema (judged by its keys, cheaply)
    detect: Callable[[Mapping[str, Any]], bool]
    #: the schema for a file, given its first valid object (None when the user named it)
    build: Callable[[Mapping[str, Any] | None], Schema]
    #: every key the schema reads, in the order records usually hold them
    template: tuple[TemplateKey, ...]


_TABLE: dict[str, SchemaSpec] = {}


def register_schema(spec: SchemaSpec) -> SchemaSpec:
    if spec.name in _TABLE or spec.name in ("auto", "fields"):
        raise ValueError(f"schema name {spec.name!r} is taken")
    _TABLE[spec.name] = spec
    return spec


def schema_specs() -> tuple[SchemaSpec, ...]:
    return tuple(_TABLE.values())


def schema_names() -> tuple[str, ...]:
    return tuple(_TABLE)


def _or_list(names: tuple[str, ...]) -> str:
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else "".join(names)


def schema_help() -> str:
    """The ``--schema`` help text."""
    return f"{_or_list(schema_names())} [default: detected]."


def schema_choices_hint() -> str:
    """How a user picks a schema by hand, for error messages."""
    return (
        f"use --schema {'|'.join(schema_names())} or "
        "--fields instruction=KEY,input=KEY,response=KEY"
    )


def schema_by_name(name: str, first_obj: Mapping[str, Any] | None = None) -> Schema:
    spec = _TABLE.get(name)
    if spec is None:
        close = difflib.get_close_matches(name, schema_names(), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UsageError(
            f"unknown schema {name!r}{hint}; choose one of: {', '.join(schema_names())}"
            " (or --fields for other keys)"
        )
    return spec.build(first_obj)


def detect_schema(obj: Mapping[str, Any]) -> Schema | None:
    """The schema of a record, judged by its keys; None when no schema fits."""
    for spec in _TABLE.values():
        if spec.detect(obj):
            return spec.build(obj)
    return None


def resolve_schema(
    name: str | None, fields: str | None, first_obj: Mapping[str, Any] | None
) -> Schema | None:
    """The schema chosen by flags, else detected from the first valid object."""
    if fields:
        return parse_field_mapping(fields)
    if name and name != "auto":
        return schema_by_name(name, first_obj)
    return detect_schema(first_obj) if first_obj is not None else None


def parse_field_mapping(spec: str) -> KeySchema:
    """``instruction=prompt,input=context,response=answer``. The input may be left out, and so
    may the response: that reads a prompt-only file (responses empty)."""
    keys: dict[str, str] = {}
    for part in spec.split(","):
        role, sep, key = part.partition("=")
        role, key = role.strip(), key.strip()
        if not sep or role not in ROLES or not key:
            raise UsageError(
                f"bad --fields {spec!r}: expected instruction=KEY,input=KEY,response=KEY"
            )
        keys[role] = key
    if "instruction" not in keys:
        raise UsageError(f"bad --fields {spec!r}: the 'instruction' role needs a key")
    prompt_only = "response" not in keys
    for role in ("input", "response"):
        keys.setdefault(role, f"{NO_KEY}{role} key")  # always empty
    optional = ("input", "response") if prompt_only else ("input",)
    return KeySchema("fields", keys, optional_roles=optional, holds_response=not prompt_only)


# -- the built-in table (detection tries the rows in this order) ------------------------------

ALPACA = KeySchema("alpaca", {"instruction": "instruction", "input": "input", "response": "output"})
MEB_RAW_KEYS = {"instruction": "Raw Instruction", "input": "Raw Input", "response": "Raw Response"}
MEB_REVISED_KEYS = {
    "instruction": "Revised Instruction",
    "input": "Revised Input",
    "response": "Revised Response",
}


def _meb(first_obj: Mapping[str, Any] | None) -> Schema:
    # The first record decides whether the file carries the experts' revision.
    with_revised = first_obj is not None and all(k in first_obj for k in MEB_REVISED_KEYS.values())
    return KeySchema("meb", MEB_RAW_KEYS, MEB_REVISED_KEYS if with_revised else None)


register_schema(
    SchemaSpec(
        "meb",
        "Raw Instruction, Raw Input, Raw Response (+ Revised ... when the file has a revision)",
        lambda obj: "Raw Instruction" in obj or "Raw Response" in obj,
        _meb,
        KeySchema("meb", MEB_RAW_KEYS, MEB_REVISED_KEYS).template,
    )
)
register_schema(
    SchemaSpec(
        "alpaca",
        "instruction, input, output",
        lambda obj: "instruction" in obj and "output" in obj,
        lambda _: ALPACA,
        ALPACA.template,
    )
)


def _chat(name: str, description: str, style: ChatStyle) -> SchemaSpec:
    schema = ChatSchema(name, style)
    return SchemaSpec(
        name,
        description,
        lambda obj: isinstance(obj.get(name), list),
        lambda _: schema,
        schema.template,
    )


register_schema(
    _chat(
        "messages",
        "OpenAI chat: the first user turn and the assistant turn after it",
        ChatStyle("role", "content", ("user",), ("assistant",)),
    )
)
register_schema(
    _chat(
        "conversations",
        "ShareGPT: the first human turn and the gpt turn after it",
        ChatStyle("from", "value", ("human", "user"), ("gpt", "assistant", "model", "bot")),
    )
)

PROMPT = PromptSchema()
TURNS = TurnsSchema()
register_schema(
    SchemaSpec(
        "prompt",
        "prompts only (AlpacaEval): instruction, optional input; no response",
        lambda obj: "instruction" in obj and not any(k in obj for k in RESPONSE_KEYS),
        lambda _: PROMPT,
        PROMPT.template,
    )
)
register_schema(
    SchemaSpec(
        "mtbench",
        "prompts only (MT-Bench): turns[0] is the instruction, later turns kept",
        lambda obj: isinstance(obj.get("turns"), list),
        lambda _: TURNS,
        TURNS.template,
    )
)
