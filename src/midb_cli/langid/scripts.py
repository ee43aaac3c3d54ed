"""Writing-system rules: scripts that name one supported language on their own.

Among the 18 supported languages, Hangul means Korean, kana means Japanese, Thai script Thai,
Greek script Greek, Cyrillic Russian, Arabic script Arabic, and Han characters without kana
Chinese. A statistical model adds nothing there and sometimes gets it wrong on short text, so
these rules decide first, but only when the script dominates the letters of the field (a
Korean sentence quoting an English term is still Korean; an English sentence quoting one
Korean word is not).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The scripts that name a language, as code point ranges (all in the BMP, none overlapping).
_SCRIPTS: tuple[tuple[str, tuple[tuple[int, int], ...]], ...] = (
    ("ko", ((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF))),
    ("kana", ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F))),
    ("han", ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))),
    ("th", ((0x0E00, 0x0E7F),)),
    ("el", ((0x0370, 0x03FF), (0x1F00, 0x1FFF))),
    ("ru", ((0x0400, 0x052F),)),
    ("ar", ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))),
)  # fmt: skip


def _char_class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in ranges)


# Each match a run of one script, named by its group (the definition the counts below follow;
# tests/test_hot_paths.py compares them).
_SCRIPT_RUNS = re.compile("|".join(f"(?P<{name}>[{_char_class(r)}]+)" for name, r in _SCRIPTS))
# Any character of those scripts: one character class finds the first (or proves there is none,
# as in most Latin text) several times faster than the named alternatives above.
_SCRIPT_CHAR = re.compile("[" + "".join(_char_class(r) for _, r in _SCRIPTS) + "]")
# str.translate table: each script's letters become its code character (chr(1 + its index)),
# every other BMP character is dropped (astral characters stay: no code is one of them). The
# letters per script are then counted in C, at half the cost of walking the runs above.
_SCRIPT_CODES: list[str | None] = [None] * 0x10000
for _i, (_, _ranges) in enumerate(_SCRIPTS):
    for _lo, _hi in _ranges:
        _SCRIPT_CODES[_lo : _hi + 1] = [chr(1 + _i)] * (_hi - _lo + 1)
_LETTER_RUNS = re.compile(r"[^\W\d_]+")
# Frequent simplified-Chinese characters that Japanese does not use: kanji-only text with
# one of these is Chinese even in a Japanese file.
_SIMPLIFIED_ONLY = re.compile(
    "[这们个请吗么说对为发动实现过还从后样关东书语诗间问门时车长开图网电话见给让应该经进种将无与读]"
)

# Scripts whose single characters carry a syllable or a word: fewer letters suffice.
_DENSE_SCRIPTS = frozenset({"ko", "ja", "zh", "th"})
DOMINANT_SHARE = 0.5
MIN_DENSE_LETTERS = 2
MIN_ALPHABET_LETTERS = 5
# Japanese text mixes kanji and kana; a few kana among many kanji are still Japanese.
MIN_KANA_SHARE = 0.05
# A Japanese sentence has kana; kanji-only Japanese is a name or a term, i.e. short.
MAX_KANJI_ONLY_JAPANESE = 12


# On ASCII text the letters of _LETTER_RUNS are the bytes this table keeps: deleting the
# others counts them without a regex, 8 times faster (derived from the pattern itself).
_ASCII_NON_LETTERS = bytes(b for b in range(128) if _LETTER_RUNS.match(chr(b)) is None)


@dataclass(frozen=True, slots=True)
class ScriptProfile:
    """Letters of a text and, when one non-Latin script dominates them, its language.

    ``letters`` is exact, except for a text no script decides when ``script_profile`` was told
    how many are ``enough``: then it is at least that many (counted on a head of the text)."""

    letters: int
    lang: str | None = None
    share: float = 0.0


def count_letters(text: str) -> int:
    return sum(map(len, _LETTER_RUNS.findall(text)))


def _letters_up_to(text: str, enough: int | None) -> int:
    if enough is not None:
        found = count_letters(text[: 2 * enough])
        if found >= enough or len(text) <= 2 * enough:
            return found
    return count_letters(text)


def script_counts(text: str) -> dict[str, int]:
    """Letters of each script of ``_SCRIPTS`` in ``text`` (those it has), in the order of their
    first letter: what adding up the lengths of ``_SCRIPT_RUNS`` matches gives."""
    coded = text.translate(_SCRIPT_CODES)
    found = []
    for i, (name, _) in enumerate(_SCRIPTS):
        code = chr(1 + i)
        if n := coded.count(code):
            found.append((coded.index(code), name, n))
    if len(found) > 1:
        found.sort()
    return {name: n for _, name, n in found}


def script_profile(text: str, prior: str | None = None, enough: int | None = None) -> ScriptProfile:
    """The language a dominant non-Latin script implies, or ``lang=None`` for Latin/mixed text;
    ``enough``: the caller only needs to know whether a Latin text has that many letters."""
    if text.isascii():
        return ScriptProfile(len(text.encode("ascii").translate(None, _ASCII_NON_LETTERS)))
    first = _SCRIPT_CHAR.search(text)
    if first is None:
        return ScriptProfile(_letters_up_to(text, enough))
    letters = count_letters(text)
    if not letters:
        return ScriptProfile(letters)
    counts = script_counts(text)
    kana = counts.pop("kana", 0)
    han = counts.pop("han", 0)
    cjk = kana + han
    if cjk:
        if kana:
            is_ja = kana >= MIN_KANA_SHARE * cjk
        else:  # kanji only: Chinese, unless a short term in a Japanese file
            is_ja = (
                prior == "ja"
                and han <= MAX_KANJI_ONLY_JAPANESE
                and not _SIMPLIFIED_ONLY.search(text)
            )
        counts["ja" if is_ja else "zh"] = cjk
    script, count = max(counts.items(), key=lambda item: item[1])
    share = count / letters
    minimum = MIN_DENSE_LETTERS if script in _DENSE_SCRIPTS else MIN_ALPHABET_LETTERS
    if share < DOMINANT_SHARE or count < minimum:
        return ScriptProfile(letters)
    return ScriptProfile(letters, script, min(share, 1.0))
