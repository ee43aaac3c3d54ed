"""Parquet in and out (the optional extra ``midb-cli[parquet]``, pyarrow).

Reading streams batches of rows (``iter_batches``: one row group at a time, never the whole
file), so memory is bounded by a batch; each row becomes a dict and goes through the same
schemas and rejects as a JSONL line, with ``line`` the 1-based row number.

Writing (``ParquetWriter``) buffers ``row_group_rows`` records and writes each buffer as one row
group, to a temporary file renamed over the target on success. Columns take the types of the
input's Parquet schema when one is given (``RecordReader.arrow_schema``), so a Parquet file
round-trips with its types. Other columns are typed from the first row group: text, integer,
float or boolean columns stay so; anything else (the ``midb`` object, whose fields vary from
record to record, nested values of JSONL input) is stored as JSON text and listed in the file's
metadata under ``midb.json_columns``, and the reader decodes those columns back, so a midb
output in Parquet reads like its JSONL twin.

pyarrow is imported here only, lazily: nothing else in midb needs it.
"""

from __future__ import annotations

import contextlib
import importlib
import os
from collections.abc import Iterator
from types import TracebackType
from typing import IO, Any

from midb_cli.errors import InputError, UsageError
from midb_cli.jsonio import dumps, loads

PARQUET_SUFFIXES = (".parquet", ".pq")
JSON_COLUMNS_KEY = b"midb.json_columns"
#: rows per batch when reading (a batch never spans row groups, so this bounds memory)
READ_BATCH_ROWS = 1024


def is_parquet_file(path: str) -> bool:
    return path.lower().endswith(PARQUET_SUFFIXES)


#: pyarrow is midb's optional `parquet` extra; `pip install pyarrow` works from a checkout too
_NO_PYARROW = "Parquet needs pyarrow: pip install pyarrow (midb's `parquet` extra)"


def _pyarrow() -> Any:
    try:
        pyarrow = importlib.import_module("pyarrow")
        importlib.import_module("pyarrow.parquet")  # a submodule, loaded on demand only
    except ImportError:
        raise InputError(_NO_PYARROW) from None
    return pyarrow


def require_parquet_output(path: str) -> None:
    """Refuse ``-o X.parquet`` before a run starts when pyarrow is missing, not after the
    whole input was boosted into the work file."""
    if is_parquet_file(path):
        try:
            _pyarrow()
        except InputError:
            raise UsageError(f"-o {path}: {_NO_PYARROW}, or write -o X.jsonl") from None


def iter_parquet_rows(path: str) -> Iterator[tuple[int, Any, bytes | None, str | None]]:
    """``(row number, row dict, None, None)`` for every row, in file order."""
    pf = _open(path)
    json_columns = set(json_columns_of(pf.schema_arrow))
    row = 0
    with contextlib.closing(pf):
        for batch in pf.iter_batches(batch_size=READ_BATCH_ROWS):
            for obj in batch.to_pylist():
                row += 1
                for name in json_columns:
                    value = obj.get(name)
                    if isinstance(value, str):
                        obj[name] = loads(value)
                yield row, obj, None, None


def parquet_schema(path: str) -> Any:
    """The arrow schema of a Parquet file (to write an output with the input's types)."""
    with contextlib.closing(_open(path)) as pf:
        return pf.schema_arrow


def _open(path: str) -> Any:
    pa = _pyarrow()
    try:
        return pa.parquet.ParquetFile(path)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet file: {exc}") from None


def json_columns_of(schema: Any) -> list[str]:
    meta = schema.metadata or {}
    raw = meta.get(JSON_COLUMNS_KEY)
    return list(loads(raw)) if raw else []


class ParquetWriter:
    """Write records (dicts) to ``path`` as Parquet; use as a context manager or call
    ``close()``. On an exception inside the ``with`` block nothing is left at ``path``."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        arrow_schema: Any = None,
        row_group_rows: int = 10_000,
    ) -> None:
        self._pa = _pyarrow()
        self.path = str(path)
        self._given = arrow_schema
        self._rows: list[dict[str, Any]] = []
        self._row_group_rows = max(1, row_group_rows)
        self._schema: Any = None
        self._json_columns: list[str] = []
        self._writer: Any = None
        self._atomic: contextlib.AbstractContextManager[IO[bytes]] | None = None
        self.rows_written = 0

    def write(self, obj: dict[str, Any]) -> None:
        self._rows.append(obj)
        if len(self._rows) >= self._row_group_rows:
            self._flush()

    def close(self) -> None:
        self._flush()
        if self._schema is None:  # no record at all: still a valid (empty) file
            self._start([])
        self._writer.close()
        assert self._atomic is not None
        self._atomic.__exit__(None, None, None)

    def abort(self) -> None:
        """Drop what was written; the target is not touched."""
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()
        if self._atomic is not None:
            self._atomic.__exit__(InputError, InputError("aborted"), None)

    def __enter__(self) -> ParquetWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    # -- internals ----------------------------------------------------------------------
    def _start(self, rows: list[dict[str, Any]]) -> None:
        pa = self._pa
        fields = list(self._given) if self._given is not None else []
        given = {f.name for f in fields}
        json_columns = [c for c in json_columns_of(self._given) if c in given] if fields else []
        for name in _column_names(rows):
            if name not in given:
                arrow_type = _plain_type(pa, [r.get(name) for r in rows])
                if arrow_type is None:
                    json_columns.append(name)
                    arrow_type = pa.string()
                fields.append(pa.field(name, arrow_type))
        meta = dict((self._given.metadata or {}) if self._given is not None else {})
        meta[JSON_COLUMNS_KEY] = dumps(json_columns)
        self._schema = pa.schema(fields, metadata=meta)
        self._json_columns = json_columns
        from midb_cli.records.writer import atomic_writer  # here: writer imports the reader

        self._atomic = atomic_writer(self.path)
        fh = self._atomic.__enter__()
        self._writer = pa.parquet.ParquetWriter(fh, self._schema)

    def _flush(self) -> None:
        if not self._rows:
            return
        rows, self._rows = self._rows, []
        if self._schema is None:
            self._start(rows)
        names = set(self._schema.names)
        for i, row in enumerate(rows):
            extra = [k for k in row if k not in names]
            if extra:
                raise ValueError(
                    f"record {self.rows_written + i + 1} has keys the Parquet columns lack "
                    f"({', '.join(extra)}); write JSONL for records of varying keys"
                )
        if self._json_columns:
            rows = [
                {**r, **{c: dumps(r[c]).decode() for c in self._json_columns if c in r}}
                for r in rows
            ]
        try:
            table = self._pa.Table.from_pylist(rows, schema=self._schema)
        except (self._pa.ArrowInvalid, self._pa.ArrowTypeError) as exc:
            raise ValueError(
                f"records {self.rows_written + 1}-{self.rows_written + len(rows)} do not fit "
                f"the Parquet column types ({exc}); write JSONL instead"
            ) from None
        self._writer.write_table(table)
        self.rows_written += len(rows)


def _column_names(rows: list[dict[str, Any]]) -> list[str]:
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    return list(names)


def _plain_type(pa: Any, values: list[Any]) -> Any:
    """A flat arrow type for a column of JSON values, else None (store as JSON text)."""
    kinds = {type(v) for v in values if v is not None}
    if kinds == {str}:
        return pa.string()
    if kinds == {bool}:
        return pa.bool_()
    if kinds == {int} and all(-(1 << 63) <= v < (1 << 63) for v in values if v is not None):
        return pa.int64()
    if kinds and kinds <= {int, float} and float in kinds:
        return pa.float64()
    return None
