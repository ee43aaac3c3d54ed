"""Read files and feed a ``StatsAccumulator``: the library behind ``midb stats``."""

from __future__ import annotations

from collections.abc import Sequence

from midb_cli.checks import Checker
from midb_cli.langid import LanguageIdentifier
from midb_cli.langid.stream import identify_stream
from midb_cli.records.reader import META_KEY, Record, RecordReader, prompt_only
from midb_cli.stats.accumulator import StatsAccumulator


def collect_stats(
    paths: Sequence[str],
    *,
    identifier: LanguageIdentifier,
    schema: str | None = None,
    fields: str | None = None,
    id_key: str | None = None,
    strict: bool = False,
    checker: Checker | None = None,
) -> StatsAccumulator:
    """Statistics over all ``paths`` (each file gets its own language prior).

    With a ``checker``, the defects of each record's pair are counted per language and kind
    (boost outputs are not checked again: they carry their findings in their ``midb`` object).
    """
    acc = StatsAccumulator()
    for path in paths:
        reader = RecordReader(path, schema=schema, fields=fields, id_key=id_key, strict=strict)
        for item, record_lang in identify_stream(reader, identifier):
            if isinstance(item, Record):
                findings = None
                if checker is not None and record_lang is not None and META_KEY not in item.data:
                    findings = checker.check(
                        item.pair, record_lang, prompt_only=prompt_only(reader)
                    )
                acc.add(item, record_lang, findings)
            else:
                acc.add_reject(item)
        acc.add_blank(reader.path, reader.counts.blank)
    return acc
