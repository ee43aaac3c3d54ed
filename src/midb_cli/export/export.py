"""`midb export`: the records a user fine-tunes on, in their trainer's format.

Each record's pair is the improved one: the written pair of a boost output, the revised pair of
an MEB file, the pair itself otherwise. Boost outputs are filtered by ``midb.status`` (default
``boosted`` and ``unchanged``: a fallback or error kept the original pair, which is not what a
user asked midb for); records without a status are exported. midb's metadata and every other
key stay behind: the export is a new file in a trainer's shape, never an edit of the input.
A conversation with more turns than one exchange is not cut down to its first exchange: it is
sent to the rejects file with the reason.
"""

from __future__ import annotations

from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

from midb_cli.boost.paths import default_rejects_path
from midb_cli.boost.protocol import require_statuses
from midb_cli.errors import InputError, UsageError
from midb_cli.export.formats import FORMATS, pair_record
from midb_cli.export.writer import RecordSink, record_sink, rejects_file
from midb_cli.judge.pairs import ReaderOptions
from midb_cli.records.output_names import refuse_misnamed_output
from midb_cli.records.paths import refuse_clashes
from midb_cli.records.reader import META_KEY, Record, RecordReader, Reject
from midb_cli.records.writer import RejectsWriter
from midb_cli.signals import write_committed

DEFAULT_STATUSES = frozenset({"boosted", "unchanged"})
_CHAT_KEYS = ("messages", "conversations")


@dataclass
class ExportOptions:
    input: str
    output: str
    format: str = "alpaca"
    statuses: frozenset[str] | None = DEFAULT_STATUSES
    reader: ReaderOptions = field(default_factory=ReaderOptions)
    rejects: str | None = None


@dataclass
class ExportResult:
    output: str
    rejects_path: str
    records: int = 0
    exported: int = 0
    rejected: int = 0
    #: records left out by --status, by their status
    skipped: Counter[str] = field(default_factory=Counter)
    reject_samples: list[str] = field(default_factory=list)


def run_export(options: ExportOptions) -> ExportResult:
    if options.format not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)}")
    if options.output == "-" or options.output.endswith(".gz"):
        raise UsageError("-o must be a plain .jsonl or .json file")
    refuse_misnamed_output(options.output, array=True)
    require_statuses(options.statuses)
    rejects_path = options.rejects or default_rejects_path(options.output)
    refuse_clashes({"-o": options.output, "--rejects": rejects_path}, [options.input])
    result = ExportResult(options.output, rejects_path)
    reader = RecordReader(
        options.input,
        schema=options.reader.schema,
        fields=options.reader.fields,
        id_key=options.reader.id_key,
        strict=options.reader.strict,
    )

    def open_files(outputs: ExitStack) -> tuple[RejectsWriter, RecordSink]:
        rejects = outputs.enter_context(rejects_file(rejects_path))
        return rejects, outputs.enter_context(record_sink(options.output))

    # OUT, then the rejects file, renamed into place; an interrupt leaves the earlier files
    write_committed(open_files, lambda files: _export(reader, options, result, *files))
    return result


def _export(
    reader: RecordReader,
    options: ExportOptions,
    result: ExportResult,
    rejects: RejectsWriter,
    sink: RecordSink,
) -> None:
    for item in reader:
        if isinstance(item, Record):
            result.records += 1
            why = _unexportable(item)
            if why is not None:
                item = Reject(item.path, item.line, why)
        if isinstance(item, Reject):
            rejects.write(item)
            result.rejected += 1
            if len(result.reject_samples) < 3:
                result.reject_samples.append(str(item))
            continue
        status = _status(item)
        if options.statuses is not None and status is not None and status not in options.statuses:
            result.skipped[status] += 1
            continue
        pair = item.revision[1] if item.revision else item.pair
        sink.write(pair_record(pair, options.format))
        result.exported += 1
    if result.records == 0:  # inside the atomic write: no empty OUT is left behind
        raise InputError(f"{options.input}: no record to export")


def _status(record: Record) -> str | None:
    meta = record.data.get(META_KEY)
    status = meta.get("status") if isinstance(meta, dict) else None
    return status if isinstance(status, str) else None


def _unexportable(record: Record) -> str | None:
    for key in _CHAT_KEYS:
        turns: Any = record.data.get(key)
        if isinstance(turns, list):
            spoken = [t for t in turns if not (isinstance(t, dict) and _is_system(t))]
            if len(spoken) > 2:
                return (
                    f"a conversation of {len(spoken)} turns: export writes one exchange per "
                    "record and does not cut conversations"
                )
            if len(spoken) < len(turns):
                return "a conversation with a system turn: export writes the pair only"
    return None


def _is_system(turn: dict[str, Any]) -> bool:
    return turn.get("role") == "system" or turn.get("from") == "system"
