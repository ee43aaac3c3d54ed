"""The kinds of schema: where the three roles of a pair live inside a JSON object.

A schema reads a ``Pair`` out of an object and writes a revised pair back in place, leaving
every other key untouched. Which schemas exist, and under which names, is the table in
``records/schema.py``; this module only holds the shapes they are built from.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from midb_cli.records.pair import ROLES, Pair

#: starts the placeholder key of a role a ``fields`` mapping leaves out (no JSON object has it)
NO_KEY = "\0no "
#: what a key of a schema holds: text, a chat list (dicts), a list of strings, an id
KeyKind = Literal["text", "chat", "turns", "id"]


class FieldError(ValueError):
    """This object does not hold a valid pair for the schema; the message is the reject reason."""


@dataclass(frozen=True)
class TemplateKey:
    """One key a schema reads, what it holds and whether a record must have it. Templates let
    the reader say which schema an object with renamed (e.g. machine-translated) keys resembles."""

    key: str
    kind: KeyKind = "text"
    required: bool = True


def text_field(obj: Mapping[str, Any], key: str, *, optional: bool = False) -> str:
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
    """Base of the schemas. Subclasses set ``name``, ``keys`` (the key of each role, for
    messages) and ``template``."""

    name: str
    keys: dict[str, str]
    #: False for prompt-only schemas: a record has no place for a response
    holds_response: bool = True

    @property
    def template(self) -> tuple[TemplateKey, ...]:
        return ()

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
    #: False for a prompt-only mapping (``--fields instruction=KEY`` without a response key)
    holds_response: bool = True

    @property
    def template(self) -> tuple[TemplateKey, ...]:
        keys = [self.keys, *([self.revised_keys] if self.revised_keys else [])]
        return tuple(
            TemplateKey(k[r], "text", r not in self.optional_roles)
            for k in keys
            for r in ROLES
            if not k[r].startswith(NO_KEY)
        )

    def read(self, obj: Mapping[str, Any]) -> Pair:
        return self._read(obj, self.keys)

    def read_revised(self, obj: Mapping[str, Any]) -> Pair | None:
        if self.revised_keys is None:
            return None
        return self._read(obj, self.revised_keys)

    def _read(self, obj: Mapping[str, Any], keys: dict[str, str]) -> Pair:
        # Three strings is nearly every record: take them without the checks (it runs for
        # every record, twice in MEB files); anything else gets text_field's checks and errors.
        instruction = obj.get(keys["instruction"])
        input_text = obj.get(keys["input"])
        response = obj.get(keys["response"])
        if type(instruction) is str and type(input_text) is str and type(response) is str:
            return Pair(instruction, input_text, response)
        return Pair(*(text_field(obj, keys[r], optional=r in self.optional_roles) for r in ROLES))

    def write(self, obj: dict[str, Any], pair: Pair) -> dict[str, Any]:
        if pair.response and not self.holds_response:
            raise ValueError(f"the {self.name} schema has no response key to write a response to")
        out = dict(obj)
        keys = self.keys
        for role, text in zip(ROLES, (pair.instruction, pair.input, pair.response), strict=True):
            key = keys[role]
            if text or key in out:
                out[key] = text
        return out

    def describe(self) -> str:
        mapping = ", ".join(f"{r}={self.keys[r]!r}" for r in ROLES)
        return f"{self.name} ({mapping}{', with revised fields' if self.revised_keys else ''})"


@dataclass(frozen=True)
class ChatStyle:
    """How one chat format names its turns: ``messages`` (OpenAI) or ``conversations``
    (ShareGPT)."""

    role_key: str
    text_key: str
    user_roles: tuple[str, ...]
    assistant_roles: tuple[str, ...]


@dataclass
class ChatSchema(Schema):
    """Chat records: the pair is the first user turn and the assistant turn that answers it."""

    name: str
    style: ChatStyle

    def __post_init__(self) -> None:
        self.role_key, self.text_key = self.style.role_key, self.style.text_key
        self.user_roles, self.assistant_roles = self.style.user_roles, self.style.assistant_roles
        self.keys = {
            "instruction": f"{self.name}[user]",
            "input": "",
            "response": f"{self.name}[assistant]",
        }

    @property
    def template(self) -> tuple[TemplateKey, ...]:
        return (TemplateKey(self.name, "chat"),)

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
