"""Checking whole files: records in file order with their language and findings, plus a
summary per language and kind (the library behind `midb check`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain, islice

from midb_cli.checks.checker import Checker
from midb_cli.checks.finding import Finding
from midb_cli.langid import LanguageIdentifier
from midb_cli.langid.identify import dominant_language
from midb_cli.langid.stream import PRIOR_WINDOW, identify_stream
from midb_cli.records.reader import Record, RecordReader, Reject, prompt_only


@dataclass(slots=True)
class CheckedRecord:
    path: str
    line: int
    id: str
    lang: str
    findings: list[Finding]

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "lang": self.lang,
            "findings": [f.to_json() for f in self.findings],
            "path": self.path,
            "line": self.line,
        }


@dataclass
class CheckSummary:
    """Counts that add up: records = clean + flagged; lines read = records + rejected."""

    records: int = 0
    flagged: int = 0
    rejected: int = 0
    records_by_lang: Counter[str] = field(default_factory=Counter)
    findings: Counter[tuple[str, str]] = field(default_factory=Counter)  # (lang, kind)
    reject_samples: list[str] = field(default_factory=list)

    def add(self, item: CheckedRecord | Reject) -> None:
        if isinstance(item, Reject):
            self.rejected += 1
            if len(self.reject_samples) < 3:
                self.reject_samples.append(str(item))
            return
        self.records += 1
        self.records_by_lang[item.lang] += 1
        if item.findings:
            self.flagged += 1
        for f in item.findings:
            self.findings[item.lang, f.kind] += 1


def check_file(
    path: str,
    identifier: LanguageIdentifier,
    checker: Checker,
    *,
    schema: str | None = None,
    fields: str | None = None,
    id_key: str | None = None,
    strict: bool = False,
) -> Iterator[CheckedRecord | Reject]:
    """Every record of ``path`` checked, and every bad line as a ``Reject``, in file order.

    The file's language (``--lang``, else the language of most of the first ``PRIOR_WINDOW``
    records) is what the checks compare a record left in English against; the first window
    waits for it (memory stays bounded by the window, as in language ID)."""
    reader = RecordReader(path, schema=schema, fields=fields, id_key=id_key, strict=strict)
    stream = identify_stream(reader, identifier)
    head = list(islice(stream, PRIOR_WINDOW))
    file_lang = identifier.forced_prior or dominant_language(
        lang.lang for _, lang in head if lang is not None
    )
    for item, record_lang in chain(head, stream):
        if isinstance(item, Record) and record_lang is not None:
            findings = checker.check(
                item.pair, record_lang, file_lang=file_lang, prompt_only=prompt_only(reader)
            )
            yield CheckedRecord(item.path, item.line, item.id, record_lang.lang, findings)
        else:
            assert isinstance(item, Reject)
            yield item
