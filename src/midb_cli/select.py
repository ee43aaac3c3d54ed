"""The papers' selection rule (``midb select``): keep the top K, or top P%, of pairs by edit
distance, largest first (or smallest with ``order="asc"``), over the whole file or per language.

Two passes in bounded memory. Pass 1 reads every record once (language ID only with
``per_lang``), adds its distance to an exact histogram per group, and writes a 14-byte
(line, distance, group) row per record to a temporary file. The histograms give each group's
threshold distance and how many records tied at it fit the quota. Pass 2 walks the file again
with those rows and copies the selected lines byte for byte (JSONL input) in input order;
ties at the threshold are taken in input order until the quota is met. The output keeps input
order, so a selected subset diffs cleanly against its source.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import IO, Any

from midb_cli.distance import pair_distance
from midb_cli.errors import InputError, UsageError, refuse_no_record
from midb_cli.export.writer import rejects_file
from midb_cli.jsonio import dumps_line
from midb_cli.langid import LanguageIdentifier
from midb_cli.langid.stream import identify_stream
from midb_cli.records.output_names import refuse_misnamed_output
from midb_cli.records.paths import refuse_clashes
from midb_cli.records.reader import (
    BOM,
    Record,
    RecordReader,
    Reject,
    is_json_array_file,
    open_binary,
)
from midb_cli.records.writer import RejectsWriter, atomic_writer
from midb_cli.report.files import make_readable
from midb_cli.signals import write_committed
from midb_cli.stats.histogram import IntHistogram

ALL = "all"
BY = ("distance", "score")
#: scores (0-5, `midb score`) are kept in the integer histograms in thousandths
SCORE_SCALE = 1000
#: group index of a record without a revision: never selected
NO_GROUP = 0xFFFF
_ROW = struct.Struct("<QiH")  # line, distance, group index


@dataclass
class Quota:
    """How a group's records are chosen: every distance strictly beyond ``threshold`` (above
    it for desc, below for asc), plus the first ``ties`` records at exactly ``threshold``."""

    records: int
    wanted: int
    threshold: int | None
    ties: int


@dataclass
class SelectionResult:
    records: int = 0
    selected: int = 0
    rejected: int = 0
    no_revision: int = 0
    rejects_path: str | None = None
    groups: dict[str, Quota] = field(default_factory=dict)
    reject_samples: list[str] = field(default_factory=list)


def quota_size(count: int, top: int | None, top_percent: float | None) -> int:
    """K for a group of ``count`` records: ``top`` (at most count), or ``top_percent`` of
    count rounded half up (30% of 2,301 is 690)."""
    if top is not None:
        return min(top, count)
    assert top_percent is not None
    return min(count, math.floor(count * top_percent / 100 + 0.5))


def plan_quota(hist: IntHistogram, wanted: int, order: str) -> Quota:
    """The threshold distance and tie allowance that pick exactly ``wanted`` records."""
    if wanted <= 0:
        return Quota(hist.count, 0, None, 0)
    values = list(hist.items())
    if order == "desc":
        values.reverse()
    taken = 0
    for value, n in values:
        if taken + n >= wanted:
            return Quota(hist.count, wanted, value, wanted - taken)
        taken += n
    raise AssertionError("wanted exceeds the histogram count")  # pragma: no cover


def select_file(
    input_path: str,
    output_path: str,
    *,
    top: int | None = None,
    top_percent: float | None = None,
    order: str = "desc",
    per_lang: bool = False,
    identifier: LanguageIdentifier | None = None,
    schema: str | None = None,
    fields: str | None = None,
    id_key: str | None = None,
    strict: bool = False,
    rejects_path: str | None = None,
    by: str = "distance",
    min_score: float | None = None,
) -> SelectionResult:
    """``by="score"`` ranks by ``midb.score`` (`midb score`) instead of the edit distance;
    ``min_score`` then keeps every record scored at least that (instead of a top K or P%).
    Records without a score are never selected."""
    if by not in BY:
        raise UsageError(f"--by must be one of {', '.join(BY)}")
    if min_score is not None and by != "score":
        raise UsageError("--min needs --by score")
    if min_score is not None and (top is not None or top_percent is not None):
        raise UsageError("give one of --min, --top K or --top-percent P")
    if min_score is None and (top is None) == (top_percent is None):
        raise UsageError("give exactly one of --top K or --top-percent P")
    if top is not None and top < 0:
        raise UsageError("--top must be 0 or more")
    if top_percent is not None and not 0 <= top_percent <= 100:
        raise UsageError("--top-percent must be between 0 and 100")
    if order not in ("desc", "asc"):
        raise UsageError("--order must be desc or asc")
    if input_path == "-":
        raise UsageError("select reads its input twice: give a file, not standard input")
    refuse_misnamed_output(output_path, why="the selected records as they were")
    rejects_file_path = rejects_path or default_rejects_path(output_path)
    refuse_clashes({"-o": output_path, "--rejects": rejects_file_path}, [input_path])
    if per_lang and identifier is None:
        identifier = LanguageIdentifier()

    result = SelectionResult()
    reader_args = {"schema": schema, "fields": fields, "id_key": id_key, "strict": strict}

    def open_files(outputs: ExitStack) -> tuple[IO[bytes], RejectsWriter, IO[bytes]]:
        # the rows file is unnamed (O_TMPFILE where the system has it): nothing to remove, ever
        scratch = tempfile.TemporaryFile(prefix="midb-select-", suffix=".bin")  # noqa: SIM115
        rows = outputs.enter_context(scratch)
        rejects = outputs.enter_context(rejects_file(rejects_file_path))
        return rows, rejects, outputs.enter_context(_selection_writer(output_path))

    def work(files: tuple[IO[bytes], RejectsWriter, IO[bytes]]) -> None:
        rows, rejects, out = files
        quota = (top, top_percent, min_score)
        _select(input_path, reader_args, per_lang, identifier, rows, rejects, out, result, by,
                order, quota)  # fmt: skip

    # OUT, then the rejects file, renamed into place; an interrupt leaves the earlier files
    write_committed(open_files, work)
    make_readable(output_path)
    if result.rejected:
        result.rejects_path = rejects_file_path
    return result


@contextmanager
def _selection_writer(output_path: str) -> Iterator[IO[bytes]]:
    """The output, replaced whole at the end (gzipped when its name ends in ``.gz``)."""
    with atomic_writer(output_path) as raw_out:
        if not output_path.endswith(".gz"):
            yield raw_out
            return
        with gzip.GzipFile(fileobj=raw_out, mode="wb", mtime=0) as zipped:
            yield zipped  # type: ignore[misc]


def _select(
    input_path: str,
    reader_args: dict[str, Any],
    per_lang: bool,
    identifier: LanguageIdentifier | None,
    rows: IO[bytes],
    rejects: RejectsWriter,
    out: IO[bytes],
    result: SelectionResult,
    by: str,
    order: str,
    quota: tuple[int | None, float | None, float | None],
) -> None:
    """Both passes: the rows and histograms, then the chosen lines copied into ``out``."""
    top, top_percent, min_score = quota
    groups, hists = _first_pass(
        input_path,
        reader_args,
        per_lang,
        identifier,
        rows,
        rejects,
        result,
        by_ordinal=is_json_array_file(input_path),
        by=by,
    )
    refuse_no_record([input_path], result.records, result.rejected)  # before OUT is replaced
    for name, hist in zip(groups, hists, strict=True):
        if min_score is not None:
            result.groups[name] = _minimum_quota(hist, round(min_score * SCORE_SCALE))
        else:
            wanted = quota_size(hist.count, top, top_percent)
            result.groups[name] = plan_quota(hist, wanted, order)
    rows.flush()
    rows.seek(0)
    quotas = [result.groups[name] for name in groups]
    chosen = _chosen_lines(rows, quotas, order)
    if is_json_array_file(input_path):
        result.selected = _copy_records(input_path, reader_args, chosen, out)
    else:
        result.selected = _copy_lines(input_path, chosen, out)


def _minimum_quota(hist: IntHistogram, minimum: int) -> Quota:
    """Every record at or above ``minimum`` (a descending cut just below it, no ties)."""
    wanted = sum(n for value, n in hist.items() if value >= minimum)
    return Quota(hist.count, wanted, minimum - 1, 0)


def record_score(record: Record) -> int | None:
    """``midb.score`` in thousandths, or None when the record has no score."""
    meta = record.data.get("midb")
    score = meta.get("score") if isinstance(meta, dict) else None
    if isinstance(score, bool) or not isinstance(score, (int, float)):
        return None
    return round(score * SCORE_SCALE)


def default_rejects_path(output_path: str) -> str:
    base = output_path[:-3] if output_path.endswith(".gz") else output_path
    stem, ext = os.path.splitext(base)
    return f"{stem}.rejects{ext or '.jsonl'}" if ext == ".jsonl" else f"{base}.rejects.jsonl"


def _first_pass(
    input_path: str,
    reader_args: Mapping[str, Any],
    per_lang: bool,
    identifier: LanguageIdentifier | None,
    rows: IO[bytes],
    rejects: RejectsWriter,
    result: SelectionResult,
    *,
    by_ordinal: bool,
    by: str = "distance",
) -> tuple[list[str], list[IntHistogram]]:
    """Histograms per group, and one row per record: its position is the line number in a
    JSONL file, the record's ordinal in a JSON array (two elements may share a line)."""
    reader = RecordReader(input_path, **reader_args)
    items: Iterator[tuple[Record | Reject, object]]
    if per_lang:
        assert identifier is not None
        items = identify_stream(reader, identifier)
    else:
        items = ((item, None) for item in reader)
    group_index: dict[str, int] = {}
    names: list[str] = []
    hists: list[IntHistogram] = []
    pack = _ROW.pack
    for item, lang in items:
        if isinstance(item, Reject):
            result.rejected += 1
            rejects.write(item)
            if len(result.reject_samples) < 3:
                result.reject_samples.append(str(item))
            continue
        result.records += 1
        position = result.records if by_ordinal else item.line
        if by == "score":
            value = record_score(item)
            if value is None:
                result.no_revision += 1
                rows.write(pack(position, 0, NO_GROUP))
                continue
        elif item.revision is None:
            if result.records == 1:
                raise InputError(
                    f"{input_path}:{item.line}: select needs revised pairs (an MEB file with "
                    "'Revised ...' keys, or a midb boost output); this record has none"
                )
            result.no_revision += 1
            rows.write(pack(position, 0, NO_GROUP))
            continue
        if by == "score":
            assert value is not None
            distance = value
        else:
            assert item.revision is not None
            raw, revised = item.revision
            distance = 0 if raw == revised else pair_distance(raw, revised)
        name = getattr(lang, "lang", ALL) if per_lang else ALL
        index = group_index.get(name)
        if index is None:
            index = group_index[name] = len(names)
            names.append(name)
            hists.append(IntHistogram())
        hists[index].add(distance)
        rows.write(pack(position, distance, index))
    return names, hists


def _chosen_lines(rows: IO[bytes], quotas: list[Quota], order: str) -> Iterator[int]:
    """Positions of the selected records, in input order."""
    ties_left = [q.ties for q in quotas]
    desc = order == "desc"
    size = _ROW.size
    while chunk := rows.read(size * 4096):
        for line, distance, group in _ROW.iter_unpack(chunk[: len(chunk) - len(chunk) % size]):
            if group == NO_GROUP:
                continue
            threshold = quotas[group].threshold
            if threshold is None:
                continue
            if (distance > threshold) if desc else (distance < threshold):
                yield line
            elif distance == threshold and ties_left[group] > 0:
                ties_left[group] -= 1
                yield line


def _copy_lines(input_path: str, chosen: Iterator[int], out: IO[bytes]) -> int:
    """Copy the chosen lines of a JSONL file unchanged (a BOM dropped, a final newline
    added)."""
    written = 0
    want = next(chosen, None)
    if want is None:
        return 0
    fh = open_binary(input_path)
    try:
        for line, raw in enumerate(fh, 1):
            if line != want:
                continue
            if line == 1 and raw.startswith(BOM):
                raw = raw[len(BOM) :]
            out.write(raw if raw.endswith(b"\n") else raw + b"\n")
            written += 1
            want = next(chosen, None)
            if want is None:
                break
    finally:
        fh.close()
    return written


def _copy_records(
    input_path: str, reader_args: Mapping[str, Any], chosen: Iterator[int], out: IO[bytes]
) -> int:
    """JSON-array input: write the chosen records (by ordinal) as JSONL, values unchanged."""
    written = 0
    ordinal = 0
    want = next(chosen, None)
    # Read to the end rather than break: abandoning the reader mid-array trips its cleanup.
    for item in RecordReader(input_path, **reader_args):
        if want is None or not isinstance(item, Record):
            continue
        ordinal += 1
        if ordinal == want:
            out.write(dumps_line(item.data))
            written += 1
            want = next(chosen, None)
    return written
