"""Read files and feed a ``StatsAccumulator``: the library behind ``midb stats``."""

from __future__ import annotations

from collections.abc import Sequence

from midb_cli.langid import LanguageIdentifier
from midb_cli.langid.stream import identify_stream
from midb_cli.records.reader import Record, RecordReader
from midb_cli.stats.accumulator import StatsAccumulator


def collect_stats(
    paths: Sequence[str],
    *,
    identifier: LanguageIdentifier,
    schema: str | None = None,
    fields: str | None = None,
    id_key: str | None = None,
    strict: bool = False,
) -> StatsAccumulator:
    """Statistics over all ``paths`` (each file gets its own language prior)."""
    acc = StatsAccumulator()
    for path in paths:
        reader = RecordReader(path, schema=schema, fields=fields, id_key=id_key, strict=strict)
        for item, record_lang in identify_stream(reader, identifier):
            if isinstance(item, Record):
                acc.add(item, record_lang)
            else:
                acc.add_reject(item)
        acc.add_blank(reader.path, reader.counts.blank)
    return acc
