"""Why records do not fit: renamed or machine-translated keys, and files with no valid record.

MT systems translate key names along with the text (``Istruzione Grezza`` for
``Raw Instruction``, ``инструкция`` for ``instruction``) but keep their order and the kind of
value they hold. So an object resembles a schema when its unknown keys, in order, can stand in
for the schema's missing keys with values of the right kind. That is a hint for the reject
reason, never a reading: a guessed mapping is not certain, so such records stay rejects.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from midb_cli.records.schema_types import KeyKind, TemplateKey

#: keys that are never a role under another name
_META_KEYS = frozenset({"id", "midb"})
#: a word of a found key this close to a word of the schema's key suggests a translation
#: ("istruzione" ~ "instruction" 0.76) while English synonyms stay below ("question" 0.53)
_SIMILAR_WORDS = 0.65

_FITS: dict[KeyKind, Callable[[Any], bool]] = {
    "text": lambda v: isinstance(v, str),
    "id": lambda v: isinstance(v, (str, int)) and not isinstance(v, bool),
    "turns": lambda v: isinstance(v, list) and bool(v) and isinstance(v[0], str),
    "chat": lambda v: isinstance(v, list) and bool(v) and isinstance(v[0], dict),
}


#: every resemblance hint contains one of these
RESEMBLANCE_MARKS = ("look machine-translated from the", "has the shape of the", "; it fits the ")


@dataclass(frozen=True)
class Resemblance:
    schema: str
    #: (key found in the record, schema key it stands for)
    mapping: tuple[tuple[str, str], ...]
    score: int

    @property
    def translated(self) -> bool:
        return any(_looks_translated(found, key) for found, key in self.mapping)

    def hint(self) -> str:
        pairs = ", ".join(f"{found!r} for {key!r}" for found, key in self.mapping)
        if self.translated:
            return f"the keys look machine-translated from the {self.schema} schema ({pairs})"
        return f"it has the shape of the {self.schema} schema under other key names ({pairs})"


def _looks_translated(found: str, key: str) -> bool:
    if found == key:
        return False
    if not found.isascii():
        return True
    words = [w.lower() for w in key.split()]
    return any(
        difflib.SequenceMatcher(None, word, w).ratio() >= _SIMILAR_WORDS
        for word in found.lower().split()
        for w in words
    )


def _match(
    obj: Mapping[str, Any], template: tuple[TemplateKey, ...], known: frozenset[str]
) -> tuple[tuple[tuple[str, str], ...], int] | None:
    """The best mapping of unknown keys onto the template's missing keys, and its score.

    Optional keys must not eat a key a required one needs ({"question", "answer"} is an
    instruction and an output, not an instruction and an input), so every choice of optional
    keys is tried; templates have at most a few."""
    missing_optional = [t for t in template if not t.required and t.key not in obj]
    best: tuple[tuple[tuple[str, str], ...], int] | None = None
    for chosen in itertools.product((False, True), repeat=len(missing_optional)):
        skip = {t.key for t, keep in zip(missing_optional, chosen, strict=True) if not keep}
        found = _match_keys(obj, [t for t in template if t.key not in skip], known)
        if found is not None and (best is None or found[1] > best[1]):
            best = found
    return best


def _match_keys(
    obj: Mapping[str, Any], template: list[TemplateKey], known: frozenset[str]
) -> tuple[tuple[tuple[str, str], ...], int] | None:
    keys = list(obj)
    candidates = [k for k in keys if k not in known and k not in _META_KEYS]
    used: set[str] = set()
    mapping: list[tuple[str, str]] = []
    present = 0
    after = -1  # translated keys keep their order: look only past the last match
    for tkey in template:
        if tkey.key in obj:
            present += 1
            continue
        fits = _FITS[tkey.kind]
        found = next(
            (k for k in candidates if k not in used and keys.index(k) > after and fits(obj[k])),
            None,
        )
        if found is None:
            return None
        used.add(found)
        after = keys.index(found)
        mapping.append((found, tkey.key))
    if not mapping:
        return None
    leftover = sum(1 for k in candidates if k not in used and isinstance(obj[k], (str, list)))
    return tuple(mapping), present + len(mapping) - leftover


def resemblance(
    obj: Mapping[str, Any],
    templates: Iterable[tuple[str, tuple[TemplateKey, ...]]],
    known: frozenset[str] | None = None,
) -> Resemblance | None:
    """The schema (of ``templates``, best first on ties) this object resembles, if any.
    Keys in ``known`` (default: the templates' keys) are never taken for renamed ones."""
    templates = list(templates)
    if known is None:
        known = frozenset(t.key for _, template in templates for t in template)
    best: Resemblance | None = None
    for name, template in templates:
        found = _match(obj, template, known)
        if found is not None and (best is None or found[1] > best.score):
            best = Resemblance(name, found[0], found[1])
    return best


def first_seen(line: int, obj: Any, raw: bytes | None) -> str:
    """How the first non-blank item of a file looked, for the no-valid-record error."""
    if isinstance(obj, dict):
        return f"keys of line {line}: {', '.join(list(obj)[:8]) or '(none)'}"
    if raw is not None and _binary(raw):
        return f"line {line} is not text (binary bytes: {raw[:16]!r})"
    if raw is not None:
        text = raw[:60].decode("utf-8", errors="replace")
        return f"line {line} is not JSON: {text!r}"
    return f"line {line} is not a JSON object"


def file_hint(raw: bytes | None, obj: Any, resembles: Resemblance | None, choices: str) -> str:
    """What the user can do about a file with no valid record."""
    if raw is not None and raw.startswith(b"PAR1"):
        return "it looks like Parquet: name it *.parquet (needs pyarrow: pip install pyarrow)"
    if raw is not None and _binary(raw):
        return "it is a binary file, not JSONL, a JSON array or Parquet"
    if raw is not None and raw[:1] not in (b"{", b"[") and (b"," in raw or b"\t" in raw):
        return "is it CSV/TSV? midb reads JSONL, JSON arrays and Parquet: convert it first"
    if resembles is not None:
        return f"{resembles.hint()}; or {choices}"
    if isinstance(obj, dict):
        return (
            "prompt-only files need 'instruction' or 'turns' (--schema prompt|mtbench); "
            f"otherwise {choices}"
        )
    return f"is it JSONL (one JSON object per line)? or {choices}"


def _binary(raw: bytes) -> bool:
    """NUL bytes or bytes that are not UTF-8: no text format midb reads looks like that."""
    if b"\x00" in raw[:512]:
        return True
    try:
        raw[:512].decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start < 508  # a character cut at the sample's end is still text
    return False
