"""A short field replaced by English: below the length language ID can judge.

Language ID is not reliable under 40 characters (REFERENCE.md §5), so the language guard
leaves short fields alone; a booster that falls back to the English source of a short pair
writes just such a field (`The answer is 42.`). English function words give it away: two of
them, a third of the words, letters all ASCII, where the original field had fewer. Numbers,
names and code have no function words; words shared with the MIDB languages are not in the
list.

The other helpers of the language guard live here too: which moves between languages count
(Malay and Indonesian are one), a record translated whole, and the prose of a field without
its fenced code.
"""

from __future__ import annotations

import re

from midb_cli.langid import FieldLanguage
from midb_cli.languages import UNDETERMINED
from midb_cli.records.pair import ROLES, Pair

#: English words no MIDB language writes as a word of its own (`a`, `in`, `to`, `was`, `it`,
#: `can` are Spanish, German, Czech or Turkish words too)
_ENGLISH = frozenset(
    {"the", "is", "are", "were", "of", "and", "this", "that", "these", "those", "with"}
    | {"there", "its", "not", "which", "what", "you", "your", "answer"}
)
_WORD = re.compile(r"[A-Za-z']+")
#: at or above this the language guard identifies the field
_SHORT = 40
_SHARE = 0.3
_CLOSE_PAIR = frozenset({"id", "ms"})
_FENCE = "```"
_FENCED_BLOCK = re.compile(r"^[ \t]*```.*?(?:^[ \t]*```[^\n]*$|\Z)", re.M | re.S)


def short_english_field(original: Pair, revised: Pair, lang: str) -> str | None:
    """The detail of ``guard:language`` for a short changed field now in English, or None."""
    if lang == "en":
        return None
    for role in ROLES:
        new = revised.get(role).strip()
        if not new or len(new) >= _SHORT or new == original.get(role).strip():
            continue
        hits = _english_words(new)
        if hits >= 2 and hits > _english_words(original.get(role)):
            return f"short {role} in English"
    return None


def _english_words(text: str) -> int:
    """How many English function words ``text`` has, when it reads as English at all (every
    letter ASCII, a third of its words function words); else 0."""
    if not text.isascii():
        return 0
    words = [w.lower() for w in _WORD.findall(text)]
    hits = sum(w in _ENGLISH for w in words)
    return hits if hits >= _SHARE * len(words) else 0


def without_code(text: str) -> str:
    """``text`` without its fenced code blocks (a block left open runs to the end)."""
    if _FENCE not in text:
        return text
    return _FENCED_BLOCK.sub("\n", text)


def same_language(a: str, b: str) -> bool:
    """Malay and Indonesian count as one: the identifier tells them apart in 82% of Malay
    texts (REFERENCE.md §5), so a move between them is its confusion, not the booster's."""
    return a == b or {a, b} == _CLOSE_PAIR


def translated_record(moved: str, fields: dict[str, FieldLanguage]) -> bool:
    """The revision of a record MT left in English (the source language) moved it whole into
    one other language: the instruction and the response are now both in it (the expert
    translated it). One field moved under an instruction left in English, or a record of
    another language turned into a third one, stays a refusal."""
    if moved in ("en", UNDETERMINED):
        return False
    return all(same_language(fields[role].lang, moved) for role in ("instruction", "response"))
