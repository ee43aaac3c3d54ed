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

# One pass over the text: each match is a run of one script, named by its group.
_SCRIPT_RUNS = re.compile(
    "(?P<ko>[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]+)"
    "|(?P<kana>[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]+)"
    "|(?P<han>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)"
    "|(?P<th>[\u0e00-\u0e7f]+)"
    "|(?P<el>[\u0370-\u03ff\u1f00-\u1fff]+)"
    "|(?P<ru>[\u0400-\u052f]+)"
    "|(?P<ar>[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]+)"
)
# Any character of those scripts: one character class finds the first (or proves there is none,
# as in most Latin text) several times faster than the named alternatives above.
_SCRIPT_CHAR = re.compile(
    "[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f\u0370-\u03ff\u1f00-\u1fff"
    "\u0400-\u052f\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"
)
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
    counts: dict[str, int] = {}
    for match in _SCRIPT_RUNS.finditer(text, first.start()):
        group = match.lastgroup or ""
        counts[group] = counts.get(group, 0) + match.end() - match.start()
    if not counts:
        return ScriptProfile(letters)
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
