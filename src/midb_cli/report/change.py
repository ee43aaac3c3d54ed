"""What a record's change is, for `midb diff` and the boost report.

A midb boost output keeps the input's keys, writes the revised pair in place and stores the
pair it started from in ``midb.original``. For a boosted MEB file (``Raw *`` and ``Revised *``
keys) that means: ``Raw *`` now holds midb's pair, ``midb.original`` the raw pair it read, and
``Revised *`` and ``Distance`` are the paper's expert revision and its distance, carried
through untouched (so ``Distance`` no longer describes ``Raw *`` -> ``Revised *``; midb's
own distance is ``midb.distance``). midb's change is therefore ``midb.original`` -> the
record's pair; the paper's is the original raw pair -> ``Revised *``.
"""

from __future__ import annotations

from typing import Any

from midb_cli.records.pair import Pair
from midb_cli.records.reader import META_KEY, Record

#: which change `midb diff` shows for one file
COMPARE = ("auto", "midb", "paper")


def midb_meta(record: Record) -> dict[str, Any] | None:
    meta = record.data.get(META_KEY)
    return meta if isinstance(meta, dict) else None


def _midb_original(record: Record) -> Pair | None:
    meta = midb_meta(record)
    original = meta.get("original") if meta else None
    if isinstance(original, dict) and all(isinstance(v, str) for v in original.values()):
        return Pair.from_dict(original)
    return None


def midb_change(record: Record) -> tuple[Pair, Pair] | None:
    """(pair before midb, pair now) for a boost output record, else None."""
    original = _midb_original(record)
    return (original, record.pair) if original is not None else None


def paper_change(record: Record, revised: Pair | None) -> tuple[Pair, Pair] | None:
    """(raw pair, the file's ``Revised *`` pair): the raw one before midb, if midb boosted it.
    ``revised`` is what the record's schema read from its revised keys (None: none)."""
    if revised is None:
        return None
    return (_midb_original(record) or record.pair, revised)


def record_change(
    record: Record, revised: Pair | None, compare: str = "auto"
) -> tuple[Pair, Pair] | None:
    """The change `midb diff` shows for one record. ``auto``: midb's own when midb wrote the
    record (it boosted the file), else the file's revision; ``midb``/``paper``: only that."""
    if compare == "paper":
        return paper_change(record, revised)
    change = midb_change(record)
    if change is not None or compare == "midb":
        return change
    return paper_change(record, revised)
