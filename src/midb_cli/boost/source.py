"""The English source of a record, when the user has it: a key in the record, or a second
file read in lockstep and aligned by id. Checks and fixes use it to restore code that machine
translation mangled."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from midb_cli.errors import InputError
from midb_cli.records.pair import Pair
from midb_cli.records.reader import Record, RecordReader, Reject

_ROLE_KEYS = {
    "instruction": ("instruction", "Instruction", "Raw Instruction"),
    "input": ("input", "Input", "Raw Input"),
    "response": ("response", "output", "Response", "Output", "Raw Response"),
}


def source_from_key(record: Record, key: str) -> Pair | None:
    """The source pair stored under ``key`` (an object with instruction/input/output or the
    MEB-style keys); None when the record has no such key. Bad shapes are input errors."""
    value = record.data.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise InputError(
            f"{record.path}:{record.line}: --source-key {key!r} holds {type(value).__name__}, "
            "not an object with instruction/input/output"
        )
    return _pair_from_object(value, record, key)


def _pair_from_object(value: dict[str, Any], record: Record, key: str) -> Pair:
    texts: dict[str, str] = {}
    for role, names in _ROLE_KEYS.items():
        for name in names:
            text = value.get(name)
            if isinstance(text, str):
                texts[role] = text
                break
    if "instruction" not in texts:
        raise InputError(
            f"{record.path}:{record.line}: --source-key {key!r} has no instruction "
            "(expected instruction/input/output or 'Raw Instruction'/'Raw Input'/'Raw Response')"
        )
    return Pair(texts["instruction"], texts.get("input", ""), texts.get("response", ""))


class AlignedSource:
    """Records of ``--source FILE`` taken one per input record, in order; ids must agree."""

    def __init__(
        self,
        path: str,
        *,
        schema: str | None = None,
        fields: str | None = None,
        id_key: str | None = None,
    ) -> None:
        self.path = path
        self._reader = RecordReader(path, schema=schema, fields=fields, id_key=id_key)
        self._records: Iterator[Record | Reject] = iter(self._reader)

    def next_for(self, record: Record) -> Pair:
        """The source pair of ``record`` (the next valid record of the source file)."""
        for item in self._records:
            if isinstance(item, Record):
                if item.id != record.id:
                    raise InputError(
                        f"--source {self.path}:{item.line} has id {item.id!r} where the input "
                        f"{record.path}:{record.line} has {record.id!r}; the source file must "
                        "hold the same records in the same order"
                    )
                return item.pair
        raise InputError(
            f"--source {self.path} ended before the input (no source for {record.path}:"
            f"{record.line}, id {record.id!r})"
        )
