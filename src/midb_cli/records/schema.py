"""Record schemas: where the three roles of a pair live inside a JSON object.

A schema reads a ``Pair`` out of an object and writes a revised pair back in place, leaving
every other key untouched. Supported (auto-detected from the first valid record):

- ``alpaca``: ``instruction``, ``input``, ``output`` (a missing ``input`` reads as empty).
- ``meb``: ``Raw Instruction``, ``Raw Input``, ``Raw Response``; when the first record also has
  ``Revised Instruction``/``Revised Input``/``Revised Response`` the file holds a revision.
- ``fields``: a user mapping ``instruction=KEY,input=KEY,response=KEY``.
- ``messages`` (OpenAI chat) and ``conversations`` (ShareGPT): the pair is the first user turn
  (instruction, input empty) and the assistant turn right after it; a system turn and later
  turns are carried through untouched.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from midb_cli.errors import UsageError
from midb_cli.records.pair import ROLES, Pair

SCHEMA_NAMES = ("alpaca", "meb", "messages", "conversations", "fields")


class FieldError(ValueError):
    """This object does not hold a valid pair for the schema; the message is the reject reason."""


def _text(obj: Mapping[str, Any], key: str, *, optional: bool = False) -> str:
    if key not in obj:
        if optional:
            return ""
        raise FieldError(f"missing field {key!r}")
    value = obj[key]
    if value is None and optional:
        return ""
    if not isinstance(value, str):
        raise FieldError(f"field {key!r} is {type(value).__name__}, not a string")
    return value


class Schema:
    """Base of the schemas. Subclasses set ``name`` and ``keys`` (the key of each role, for
    messages)."""

    def read(self, obj: Mapping[str, Any]) -> Pair:
        raise NotImplementedError

    def write(self, obj: dict[str, Any], pair: Pair) -> dict[str, Any]:
        """A copy of ``obj`` with ``pair`` written in place of the pair it holds."""
        raise NotImplementedError

    def read_revised(self, obj: Mapping[str, Any]) -> Pair | None:
        """The revised pair the record carries beside its raw one (MEB files), else None."""
        return None

    def describe(self) -> str:
        return self.name


@dataclass
class KeySchema(Schema):
    """The roles are three top-level keys."""

    name: str
    keys: dict[str, str]
    revised_keys: dict[str, str] | None = None
    #: roles that may be missing or null (read as "")
    optional_roles: tuple[str, ...] = ("input",)

    def read(self, obj: Mapping[str, Any]) -> Pair:
        return Pair(*(_text(obj, self.keys[r], optional=r in self.optional_roles) for r in ROLES))

    def read_revised(self, obj: Mapping[str, Any]) -> Pair | None:
        if self.revised_keys is None:
            return None
        return Pair(
            *(_text(obj, self.revised_keys[r], optional=r in self.optional_roles) for r in ROLES)
        )

    def write(self, obj: dict[str, Any], pair: Pair) -> dict[str, Any]:
        out = dict(obj)
        for role in ROLES:
            key = self.keys[role]
            if key in out or pair.get(role):
                out[key] = pair.get(role)
        return out

    def describe(self) -> str:
        mapping = ", ".join(f"{r}={self.keys[r]!r}" for r in ROLES)
        return f"{self.name} ({mapping}{', with revised fields' if self.revised_keys else ''})"


_CHAT_STYLES = {
    # list key: (role key, text key, user role names, assistant role names)
    "messages": ("role", "content", ("user",), ("assistant",)),
    "conversations": ("from", "value", ("human", "user"), ("gpt", "assistant", "model", "bot")),
}


@dataclass
class ChatSchema(Schema):
    """Chat records: the pair is the first user turn and the assistant turn that answers it."""

    name: str

    def __post_init__(self) -> None:
        self.role_key, self.text_key, self.user_roles, self.assistant_roles = _CHAT_STYLES[
            self.name
        ]
        self.keys = {
            "instruction": f"{self.name}[user]",
            "input": "",
            "response": f"{self.name}[assistant]",
        }

    def _positions(self, obj: Mapping[str, Any]) -> tuple[int, int]:
        turns = obj.get(self.name)
        if not isinstance(turns, list):
            raise FieldError(f"field {self.name!r} is missing or not a list")
        for i, turn in enumerate(turns[:-1]):
            if isinstance(turn, dict) and turn.get(self.role_key) in self.user_roles:
                nxt = turns[i + 1]
                if isinstance(nxt, dict) and nxt.get(self.role_key) in self.assistant_roles:
                    for pos in (i, i + 1):
                        if not isinstance(turns[pos].get(self.text_key), str):
                            raise FieldError(f"{self.name}[{pos}].{self.text_key} is not a string")
                    return i, i + 1
        raise FieldError(f"no user turn followed by an assistant turn in {self.name!r}")

    def read(self, obj: Mapping[str, Any]) -> Pair:
        u, a = self._positions(obj)
        turns = obj[self.name]
        return Pair(turns[u][self.text_key], "", turns[a][self.text_key])

    def write(self, obj: dict[str, Any], pair: Pair) -> dict[str, Any]:
        u, a = self._positions(obj)
        out = dict(obj)
        turns = copy.copy(obj[self.name])
        instruction = pair.instruction + ("\n\n" + pair.input if pair.input else "")
        turns[u] = {**turns[u], self.text_key: instruction}
        turns[a] = {**turns[a], self.text_key: pair.response}
        out[self.name] = turns
        return out


ALPACA = KeySchema("alpaca", {"instruction": "instruction", "input": "input", "response": "output"})
MEB_RAW_KEYS = {"instruction": "Raw Instruction", "input": "Raw Input", "response": "Raw Response"}
MEB_REVISED_KEYS = {
    "instruction": "Revised Instruction",
    "input": "Revised Input",
    "response": "Revised Response",
}


def parse_field_mapping(spec: str) -> KeySchema:
    """``instruction=prompt,input=context,response=answer`` (input may be left out)."""
    keys: dict[str, str] = {}
    for part in spec.split(","):
        role, sep, key = part.partition("=")
        role, key = role.strip(), key.strip()
        if not sep or role not in ROLES or not key:
            raise UsageError(
                f"bad --fields {spec!r}: expected instruction=KEY,input=KEY,response=KEY"
            )
        keys[role] = key
    for role in ("instruction", "response"):
        if role not in keys:
            raise UsageError(f"bad --fields {spec!r}: the {role!r} role needs a key")
    keys.setdefault("input", "\0no input key")  # a key no JSON object has: input always empty
    return KeySchema("fields", keys)


def schema_by_name(name: str, *, with_revised: bool = False) -> Schema:
    if name == "alpaca":
        return ALPACA
    if name == "meb":
        return KeySchema("meb", MEB_RAW_KEYS, MEB_REVISED_KEYS if with_revised else None)
    if name in _CHAT_STYLES:
        return ChatSchema(name)
    raise UsageError(
        f"unknown schema {name!r}; choose one of: alpaca, meb, messages, conversations"
    )


def detect_schema(obj: Mapping[str, Any]) -> Schema | None:
    """The schema of a record, judged by its keys; None when no schema fits."""
    if "Raw Instruction" in obj or "Raw Response" in obj:
        has_revised = all(k in obj for k in MEB_REVISED_KEYS.values())
        return schema_by_name("meb", with_revised=has_revised)
    if "instruction" in obj and "output" in obj:
        return ALPACA
    for name in _CHAT_STYLES:
        if isinstance(obj.get(name), list):
            return ChatSchema(name)
    return None


def resolve_schema(
    name: str | None, fields: str | None, first_obj: Mapping[str, Any] | None
) -> Schema | None:
    """The schema chosen by flags, else detected from the first valid object."""
    if fields:
        return parse_field_mapping(fields)
    if name and name != "auto":
        with_revised = bool(first_obj) and all(k in first_obj for k in MEB_REVISED_KEYS.values())
        return schema_by_name(name, with_revised=with_revised)
    return detect_schema(first_obj) if first_obj is not None else None
