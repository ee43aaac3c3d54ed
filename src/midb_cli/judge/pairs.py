"""What `midb judge` compares: the two sides of each pair, from one or two input files.

- One file with revisions (a boost output, whose ``midb.original`` is the first side and the
  written pair the second; or an MEB file: raw, then revised).
- Two files aligned by record id (two models' answers to the same prompts): the first file is
  the first side. The first file is indexed by id in memory; the second is streamed.

The judge sees a question and two answers. ``compare="response"`` (the default) asks which
response answers the first side's instruction (and input) better; ``compare="pair"`` shows each
side's whole pair (``Instruction: ... Input: ... Response: ...``) as its answer, so that a
revised instruction is judged too. The paper does not say which it used.

Each record's language is ``midb.lang`` when the file is a boost output, else identified from
the first side's pair (with the file's dominant language as a prior).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any

from midb_cli.distance import serialize_pair
from midb_cli.errors import InputError, UsageError
from midb_cli.langid import LanguageIdentifier
from midb_cli.langid.stream import identify_stream
from midb_cli.records.pair import Pair
from midb_cli.records.reader import META_KEY, Record, RecordReader, Reject

COMPARE_MODES = ("response", "pair")


@dataclass(frozen=True, slots=True)
class JudgeItem:
    id: str
    lang: str
    first: Pair
    second: Pair
    #: where the second side came from, for messages
    where: str = ""


@dataclass
class ReaderOptions:
    schema: str | None = None
    fields: str | None = None
    id_key: str | None = None
    strict: bool = False


def question_and_answers(item: JudgeItem, compare: str) -> tuple[str, str, str]:
    """(question, first answer, second answer) as the judge's prompt shows them."""
    first = item.first
    question = first.instruction + (f"\n\n{first.input}" if first.input else "")
    if compare == "pair":
        return question, serialize_pair(first), serialize_pair(item.second)
    return question, first.response, item.second.response


def judge_items(
    paths: list[str],
    identifier: LanguageIdentifier,
    reader_options: ReaderOptions,
    *,
    statuses: frozenset[str] | None = None,
    rejects: list[Reject] | None = None,
) -> Iterator[JudgeItem]:
    """Every comparable pair of the input(s), in input order. Bad lines and records that cannot
    be compared (no revision, no partner in the other file) are appended to ``rejects`` with a
    reason; records of a status not in ``statuses`` are skipped."""
    if not 1 <= len(paths) <= 2:
        raise UsageError("give one file with revisions, or two files aligned by id")
    sink = rejects if rejects is not None else []
    if len(paths) == 1:
        return _revision_items(paths[0], identifier, reader_options, statuses, sink)
    return _aligned_items(paths[0], paths[1], identifier, reader_options, sink)


def _reader(path: str, options: ReaderOptions) -> RecordReader:
    return RecordReader(
        path,
        schema=options.schema,
        fields=options.fields,
        id_key=options.id_key,
        strict=options.strict,
    )


def _meta(record: Record) -> dict[str, Any]:
    meta = record.data.get(META_KEY)
    return meta if isinstance(meta, dict) else {}


def _with_languages(
    items: Iterable[Record | Reject], identifier: LanguageIdentifier
) -> Iterator[tuple[Record | Reject, str | None]]:
    """(item, language): ``midb.lang`` for boost outputs (no identification), else identified."""
    it = iter(items)
    head: list[Record | Reject] = []
    for item in it:
        head.append(item)
        if isinstance(item, Record):
            break
    first = head[-1] if head and isinstance(head[-1], Record) else None
    stream = chain(head, it)
    if first is not None and isinstance(_meta(first).get("lang"), str):
        for item in stream:
            if isinstance(item, Reject):
                yield item, None
            else:
                lang = _meta(item).get("lang")
                yield item, lang if isinstance(lang, str) else "und"
        return
    for item, record_lang in identify_stream(stream, identifier):
        yield item, record_lang.lang if record_lang is not None else None


def _revision_items(
    path: str,
    identifier: LanguageIdentifier,
    options: ReaderOptions,
    statuses: frozenset[str] | None,
    rejects: list[Reject],
) -> Iterator[JudgeItem]:
    for item, lang in _with_languages(_reader(path, options), identifier):
        if isinstance(item, Reject):
            rejects.append(item)
            continue
        if item.revision is None:
            rejects.append(
                Reject(
                    item.path,
                    item.line,
                    "no revision to judge (not an MEB file with Revised keys, nor a boost "
                    "output with midb.original)",
                )
            )
            continue
        if statuses is not None and _meta(item).get("status") not in statuses:
            continue
        raw, revised = item.revision
        yield JudgeItem(item.id, lang or "und", raw, revised, f"{item.path}:{item.line}")


def _aligned_items(
    first_path: str,
    second_path: str,
    identifier: LanguageIdentifier,
    options: ReaderOptions,
    rejects: list[Reject],
) -> Iterator[JudgeItem]:
    firsts: dict[str, tuple[Pair, str]] = {}
    for item, lang in _with_languages(_reader(first_path, options), identifier):
        if isinstance(item, Reject):
            rejects.append(item)
        elif item.id in firsts:
            raise InputError(
                f"{item.path}:{item.line}: id {item.id!r} appears twice; two files are aligned "
                "by id (--id-key KEY names the key)"
            )
        else:
            firsts[item.id] = (item.pair, lang or "und")
    seen: set[str] = set()
    for item in _reader(second_path, options):
        if isinstance(item, Reject):
            rejects.append(item)
            continue
        partner = firsts.get(item.id)
        if partner is None or item.id in seen:
            why = "appears twice" if item.id in seen else f"has no partner in {first_path}"
            rejects.append(Reject(item.path, item.line, f"id {item.id!r} {why}"))
            continue
        seen.add(item.id)
        first, lang = partner
        yield JudgeItem(item.id, lang, first, item.pair, f"{item.path}:{item.line}")


def sample_per_language(
    items: Iterable[JudgeItem], per_language: int, seed: int
) -> list[JudgeItem]:
    """``per_language`` items of each language chosen uniformly at random (reservoir sampling,
    one generator per language from the run's seed), returned in input order: the same seed and
    input give the same sample on every run, so a resumed run judges the same pairs, and a
    language's sample does not depend on the other languages in the file."""
    rngs: dict[str, random.Random] = {}
    reservoirs: dict[str, list[tuple[int, JudgeItem]]] = {}
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        count = seen.get(item.lang, 0) + 1
        seen[item.lang] = count
        reservoir = reservoirs.setdefault(item.lang, [])
        if len(reservoir) < per_language:
            reservoir.append((index, item))
        else:
            rng = rngs.get(item.lang)
            if rng is None:
                rng = rngs[item.lang] = random.Random(f"{seed}\x00{item.lang}")
            slot = rng.randrange(count)
            if slot < per_language:
                reservoir[slot] = (index, item)
    chosen = [entry for reservoir in reservoirs.values() for entry in reservoir]
    chosen.sort(key=lambda entry: entry[0])
    return [item for _, item in chosen]
