"""Pair raw and revised records for ``midb diff``, from one file or two.

One file: each record's own change (see ``change``): by default midb's own change for a boost
output (``midb.original`` -> the record's pair, also for a boosted MEB file), else the MEB
``Revised *`` keys; ``compare="paper"`` shows the paper's raw -> ``Revised *`` instead. Two files: records aligned by id. When both list the same ids in the same
order (boost keeps input order) the files are read in lockstep; at the first id that differs,
the rest of the revised file goes into a temporary SQLite index on disk, so memory stays
bounded whatever the order. Ids found in only one file are counted and sampled, never dropped
silently; with duplicate ids, the n-th occurrence pairs with the n-th.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from midb_cli.errors import InputError, UsageError
from midb_cli.langid import LanguageIdentifier
from midb_cli.langid.stream import identify_stream
from midb_cli.records.pair import Pair
from midb_cli.records.reader import META_KEY, Record, RecordReader, Reject
from midb_cli.report.change import COMPARE, record_change
from midb_cli.report.entry import DiffEntry

#: how many unmatched ids and rejects are kept as examples (counts are always exact)
SAMPLES = 10


@dataclass
class AlignCounts:
    compared: int = 0
    rejected: int = 0
    only_original: int = 0
    only_revised: int = 0
    no_revision: int = 0
    reject_samples: list[str] = field(default_factory=list)
    only_original_ids: list[str] = field(default_factory=list)
    only_revised_ids: list[str] = field(default_factory=list)
    no_revision_ids: list[str] = field(default_factory=list)
    #: True when the two files were not in the same order and an index was built
    indexed: bool = False

    def reject(self, item: Reject) -> None:
        self.rejected += 1
        if len(self.reject_samples) < SAMPLES:
            self.reject_samples.append(str(item))

    def lost(self, side: str, record_id: str) -> None:
        setattr(self, side, getattr(self, side) + 1)
        samples: list[str] = getattr(self, f"{side}_ids")
        if len(samples) < SAMPLES:
            samples.append(record_id)


def _status(record: Record) -> str | None:
    meta = record.data.get(META_KEY)
    if isinstance(meta, dict) and isinstance(meta.get("status"), str):
        return str(meta["status"])
    return None


class DiffSource:
    """Iterate ``DiffEntry`` objects in the original file's order; ``counts`` says what was
    compared, rejected or unmatched."""

    def __init__(
        self,
        original: str,
        revised: str | None = None,
        *,
        identifier: LanguageIdentifier,
        schema: str | None = None,
        fields: str | None = None,
        id_key: str | None = None,
        strict: bool = False,
        compare: str = "auto",
    ) -> None:
        if compare not in COMPARE:
            raise UsageError(f"--compare must be one of {', '.join(COMPARE)}, not {compare!r}")
        if revised is not None and compare != "auto":
            raise UsageError("--compare applies to one file; two files are compared as given")
        self.compare = compare
        self.original = original
        self.revised = revised
        self.identifier = identifier
        self._reader_args = {"schema": schema, "fields": fields, "id_key": id_key, "strict": strict}
        self.counts = AlignCounts()

    def _reader(self, path: str) -> RecordReader:
        return RecordReader(path, **self._reader_args)  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[DiffEntry]:
        if self.revised is None:
            return self._one_file()
        return self._two_files(self.revised)

    # -- one file ------------------------------------------------------------------------
    def _one_file(self) -> Iterator[DiffEntry]:
        seq = 0
        seen_revision = False
        reader = self._reader(self.original)
        for item, lang in identify_stream(reader, self.identifier):
            if isinstance(item, Reject):
                self.counts.reject(item)
                continue
            schema = reader.schema
            revised = schema.read_revised(item.data) if schema is not None else None
            change = record_change(item, revised, self.compare)
            if change is None:
                if not seen_revision and self.counts.no_revision == 0:
                    raise InputError(f"{self.original}:{item.line}: {self._no_change_hint()}")
                self.counts.lost("no_revision", item.id)
                continue
            seen_revision = True
            raw, new = change
            yield self._entry(item.id, lang.lang if lang else "und", raw, new, item, seq)
            seq += 1

    def _no_change_hint(self) -> str:
        if self.compare == "paper":
            return "no 'Revised ...' keys in this record to compare with (--compare paper)"
        if self.compare == "midb":
            return "no midb.original in this record: not a midb boost output (--compare midb)"
        return (
            "no revision in this record (no 'Revised ...' keys, no midb.original); give the "
            "revised file as a second argument: midb diff ORIGINAL REVISED"
        )

    def _entry(
        self, record_id: str, lang: str, raw: Pair, revised: Pair, source: Record, seq: int
    ) -> DiffEntry:
        self.counts.compared += 1
        return DiffEntry.compare(record_id, lang, raw, revised, _status(source), seq)

    # -- two files -----------------------------------------------------------------------
    def _two_files(self, revised_path: str) -> Iterator[DiffEntry]:
        revised_records = self._valid(self._reader(revised_path))
        originals = identify_stream(self._reader(self.original), self.identifier)
        seq = 0
        index: _RevisedIndex | None = None
        try:
            for item, lang in originals:
                if isinstance(item, Reject):
                    self.counts.reject(item)
                    continue
                code = lang.lang if lang else "und"
                if index is None:
                    partner = next(revised_records, None)
                    if partner is None:
                        self.counts.lost("only_original", item.id)
                        continue
                    if partner.id == item.id:
                        yield self._entry(item.id, code, item.pair, partner.pair, partner, seq)
                        seq += 1
                        continue
                    # Out of step: index the rest of the revised file (this record included).
                    self.counts.indexed = True
                    index = _RevisedIndex()
                    index.add(partner)
                    for rest in revised_records:
                        index.add(rest)
                found = index.pop(item.id)
                if found is None:
                    self.counts.lost("only_original", item.id)
                    continue
                pair, status = found
                self.counts.compared += 1
                yield DiffEntry.compare(item.id, code, item.pair, pair, status, seq)
                seq += 1
            leftovers = index.remaining_ids() if index else (r.id for r in revised_records)
            for record_id in leftovers:
                self.counts.lost("only_revised", record_id)
        finally:
            if index is not None:
                index.close()

    def _valid(self, reader: RecordReader) -> Iterator[Record]:
        for item in reader:
            if isinstance(item, Reject):
                self.counts.reject(item)
            else:
                yield item


class _RevisedIndex:
    """Revised records by id in a temporary SQLite file (bounded memory, any order)."""

    def __init__(self) -> None:
        fd, self.path = tempfile.mkstemp(prefix="midb-diff-", suffix=".sqlite")
        os.close(fd)
        self.db = sqlite3.connect(self.path)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute(
            "CREATE TABLE rev (seq INTEGER PRIMARY KEY, id TEXT, instruction TEXT, "
            "input TEXT, response TEXT, status TEXT)"
        )
        self._pending: list[tuple[str, str, str, str, str | None]] = []

    def add(self, record: Record) -> None:
        p = record.pair
        self._pending.append((record.id, p.instruction, p.input, p.response, _status(record)))
        if len(self._pending) >= 2000:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self.db.executemany(
                "INSERT INTO rev (id, instruction, input, response, status) VALUES (?,?,?,?,?)",
                self._pending,
            )
            self._pending.clear()

    def _ready(self) -> None:
        if self._pending:
            self._flush()
        if not getattr(self, "_indexed", False):
            self.db.execute("CREATE INDEX rev_id ON rev (id, seq)")
            self._indexed = True

    def pop(self, record_id: str) -> tuple[Pair, str | None] | None:
        self._ready()
        row = self.db.execute(
            "SELECT seq, instruction, input, response, status FROM rev WHERE id = ? "
            "ORDER BY seq LIMIT 1",
            (record_id,),
        ).fetchone()
        if row is None:
            return None
        self.db.execute("DELETE FROM rev WHERE seq = ?", (row[0],))
        return Pair(row[1], row[2], row[3]), row[4]

    def remaining_ids(self) -> Iterator[str]:
        self._ready()
        for (record_id,) in self.db.execute("SELECT id FROM rev ORDER BY seq"):
            yield record_id

    def close(self) -> None:
        self.db.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)
