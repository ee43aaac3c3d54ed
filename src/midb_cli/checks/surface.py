"""Detectors of surface damage: repetition loops, mojibake, Unicode form and whitespace.
Each has a ``find_*`` returning what a fix needs, shared with the fixes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from operator import eq

from midb_cli.checks.text import LETTER_RE

# -- repetition ------------------------------------------------------------------------------
# A loop: a run of sentences (clauses) repeated at least 3 times in a row, or a run of up to
# MAX_WORD_LAG words repeated at least 4 times in a row. Comparing a sequence with itself
# shifted by the loop length is a C-level map; only a hit costs more.
SENTENCE_REPEATS = 3
WORD_REPEATS = 4
MAX_SENTENCE_LAG = 8
MAX_WORD_LAG = 8
# Long loops (a whole answer repeated): up to this many units, three copies in a row.
LONG_WORD_LAG = 5
MAX_LONG_LAG = 120
MAX_LONG_LAG_TRIES = 24
LONG_LOOP_DISTINCT_SHARE = 0.45
_CLOSING_MARKS_RE = re.compile(r"[.!?;:,،؟。！？、，]+$")
_CLAUSE_SPLIT_RE = re.compile(r"(?<=[.!?;:,،؟])\s+|(?<=[。！？、，])|\n+")
# Every split point of _CLAUSE_SPLIT_RE owns one of these characters (the mark before it, or
# its first newline): text with fewer than two has fewer than SENTENCE_REPEATS clauses, and
# this search for two of them (one search; the possessive run never backtracks) is much
# cheaper than the split's lookbehinds.
_MARKS = ".!?;:,،؟。！？、，\n"
_TWO_CLAUSE_MARKS_RE = re.compile(f"[{_MARKS}][^{_MARKS}]*+[{_MARKS}]")
# The same split points, found without lookbehinds (which leave the regex engine no first
# character to scan for), the closing mark dropped with the space after it: a clause's key is
# the clause without its last character when that is a mark. Equal clauses have equal keys, so
# keys that are all distinct rule out a loop of clauses before the costlier split. The pattern
# starts with one character class (every alternative's first character), the alternatives then
# told apart by a lookbehind on that character: the regex engine scans for the class in one
# tight loop, and the split costs about half of a leading lookahead's (which in turn costs 0.6
# of the plain alternation).
_CLAUSE_KEY_SPLIT_RE = re.compile(
    r"[.!?;:,،؟。！？、，\n](?:(?<=[.!?;:,،؟])\s+|(?<=[。！？、，])|(?<=\n)\n*)"
)
_SPACED_MARKS = ".!?;:,،؟"


@dataclass(frozen=True, slots=True)
class Loop:
    """A repeated sequence of units (sentences or words)."""

    units: tuple[str, ...]

    def pattern(self) -> re.Pattern[str]:
        """Two or more copies in a row (group 1: the first), then optionally one more copy
        whose last unit lacks the unit's closing mark (group 2: `toho, toho, toho.` ends on
        `toho` before the full stop)."""
        units = [u.strip() for u in self.units]
        one = r"\s*".join(re.escape(u) for u in units)
        loose = [*units[:-1], _CLOSING_MARKS_RE.sub("", units[-1])]
        tail = ""
        if loose[-1] and loose[-1] != units[-1]:
            tail = r"(?:\s*(" + r"\s*".join(re.escape(u) for u in loose) + r")(?![^\W_]))?"
        return re.compile("(" + one + r")(?:\s*" + one + ")+" + tail)

    def collapse(self, text: str) -> str:
        """``text`` with the first run of copies replaced by one copy."""

        def one_copy(m: re.Match[str]) -> str:
            return m.group(2) if m.lastindex == 2 and m.group(2) else m.group(1)

        return self.pattern().sub(one_copy, text, count=1)

    def __str__(self) -> str:
        return " ".join(u.strip() for u in self.units)


def _periodic_run(seq: list[str], max_lag: int, repeats: int) -> tuple[int, int] | None:
    """(start, lag) of the first stretch where ``seq`` repeats itself ``repeats`` times."""
    pairs = b""  # every other item compared with the next one of them, when computed
    for lag in range(1, max_lag + 1):
        need = lag * (repeats - 1)
        if len(seq) < lag + need:
            break
        if lag == 1 and repeats >= 4 and len(seq) >= 2 + 2 * (repeats - 1):
            # ``repeats`` equal items in a row hold at least two equal ones among every other
            # item, side by side; the same comparisons then serve lag 2 below.
            every = seq[::2]
            pairs = bytes(map(eq, every, every[1:]))
            if b"\x01" not in pairs:
                continue
        elif lag == 2 and pairs:
            if pairs.find(b"\x01" * (repeats - 1)) < 0:
                continue
        elif lag > 1:
            # A stretch of ``need`` items equal to the item ``lag`` on holds ``repeats - 1``
            # consecutive multiples of ``lag``: every ``lag``-th item alone shows it, for a
            # ``lag``-th of the comparisons.
            every = seq[::lag]
            if bytes(map(eq, every, every[1:])).find(b"\x01" * (repeats - 1)) < 0:
                continue
        same = bytes(map(eq, seq, seq[lag:]))
        at = same.find(b"\x01" * need)
        if at >= 0:
            return at, lag
    return None


def _anchored_run(seq: list[str], min_lag: int, repeats: int) -> tuple[int, int] | None:
    """Like ``_periodic_run`` for long loops (a whole answer pasted again and again): the lags
    worth trying are the distances between two occurrences of one item, each tried once."""
    last: dict[str, int] = {}
    tried: set[int] = set()
    for i, item in enumerate(seq):
        j = last.get(item)
        last[item] = i
        if j is None or (lag := i - j) < min_lag or lag > MAX_LONG_LAG or lag in tried:
            continue
        tried.add(lag)
        need = lag * (repeats - 1)
        if len(seq) >= lag + need:
            at = bytes(map(eq, seq, seq[lag:])).find(b"\x01" * need)
            if at >= 0:
                return at, lag
        if len(tried) >= MAX_LONG_LAG_TRIES:
            break
    return None


def _repetitive(seq: list[str], distinct: int) -> bool:
    """Cheap pre-filter for the long-loop search: a loop of three copies leaves at most about a
    third of the items distinct; ordinary prose keeps well over half."""
    return len(seq) >= 9 and distinct <= LONG_LOOP_DISTINCT_SHARE * len(seq)


def clause_keys_repeat(prose: str) -> bool:
    """Whether two clauses of ``prose`` may be equal: False when their keys (each clause
    without its closing mark, blanks included) are all distinct."""
    keys = _CLAUSE_KEY_SPLIT_RE.split(prose)
    last = keys[-1]
    if last and last[-1] in _SPACED_MARKS:  # the text's last mark: nothing consumed it
        keys[-1] = last[:-1]
    return len(set(keys)) < len(keys)


def find_repetition(prose: str) -> Loop | None:
    if len(prose) < 8:
        return None
    words = prose.split()
    distinct_words = len(set(words))
    # (_has_unspaced_marks: why too few repeated words rule out a loop of clauses)
    few_repeated = len(words) - distinct_words < SENTENCE_REPEATS - 1
    if (
        (few_repeated and not _has_unspaced_marks(prose))
        or _TWO_CLAUSE_MARKS_RE.search(prose) is None
        or not clause_keys_repeat(prose)
    ):
        units: list[str] = []
    else:
        units = [u for u in _CLAUSE_SPLIT_RE.split(prose) if u and not u.isspace()]
    distinct = len(set(units))
    if len(units) >= SENTENCE_REPEATS and distinct < len(units):
        hit = _periodic_run(
            units, _lag_bound(units, distinct, SENTENCE_REPEATS, MAX_SENTENCE_LAG), SENTENCE_REPEATS
        )
        if hit is None and _repetitive(units, distinct):
            hit = _anchored_run(units, MAX_SENTENCE_LAG + 1, SENTENCE_REPEATS)
        if hit and _has_letters(units[hit[0] : hit[0] + hit[1]]):
            return Loop(tuple(units[hit[0] : hit[0] + hit[1]]))
    if len(words) >= WORD_REPEATS and distinct_words < len(words) - 2:
        hit = _periodic_run(
            words, _lag_bound(words, distinct_words, WORD_REPEATS, MAX_WORD_LAG), WORD_REPEATS
        )
        if hit is None and _repetitive(words, distinct_words):
            # a phrase of 5+ words said three times in a row is a loop too
            hit = _anchored_run(words, LONG_WORD_LAG, SENTENCE_REPEATS)
        if hit:
            unit = words[hit[0] : hit[0] + hit[1]]
            if sum(len(LETTER_RE.findall(w)) for w in unit) >= 3:
                return Loop(tuple(unit))
    return None


def _has_unspaced_marks(prose: str) -> bool:
    """Whether ``prose`` holds a mark the clause split cuts after without a space. Without
    one, every clause starts and ends at whitespace (or an end of the text), so it is made
    of whole words of ``prose.split()``: a clause said ``SENTENCE_REPEATS`` times makes each
    of its words that many times one of the words, and a text with fewer repeated words
    holds no loop of clauses."""
    return "。" in prose or "、" in prose or "，" in prose or "！" in prose or "？" in prose


def _lag_bound(seq: list[str], distinct: int, repeats: int, max_lag: int) -> int:
    """The longest loop ``seq`` can hold: ``repeats`` copies of ``lag`` items hold at most
    ``lag`` distinct ones, so ``seq`` repeats at least ``(repeats - 1) * lag`` of its items."""
    return min(max_lag, (len(seq) - distinct) // (repeats - 1))


def _has_letters(units: list[str]) -> bool:
    return sum(len(LETTER_RE.findall(u)) for u in units) >= 3


# -- mojibake ----------------------------------------------------------------------------------
# UTF-8 bytes read as cp1252/latin-1: a lead byte char (Â-ô) followed by continuation-byte
# chars (U+0080-U+00BF, or their cp1252 glyphs: € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ).
MOJIBAKE_LEAD = "\u00c2-\u00f4"
MOJIBAKE_CONT = "\u0080-\u00bf\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178"
MOJIBAKE_RE = re.compile(f"(?:[{MOJIBAKE_LEAD}][{MOJIBAKE_CONT}]{{1,3}})+")
_MOJIBAKE_PROBE_RE = re.compile(f"[{MOJIBAKE_LEAD}][{MOJIBAKE_CONT}]")


def _redecode(run: str) -> str | None:
    for codec in ("cp1252", "latin-1"):
        try:
            return run.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
    return None


def find_mojibake(text: str) -> list[tuple[int, int, str]]:
    """(start, end, repaired) for each run that decodes back to valid UTF-8 text."""
    if text.isascii() or _MOJIBAKE_PROBE_RE.search(text) is None:
        return []
    out = []
    for m in MOJIBAKE_RE.finditer(text):
        repaired = _redecode(m.group(0))
        if repaired and not _MOJIBAKE_PROBE_RE.search(repaired) and _plausible(repaired):
            out.append((m.start(), m.end(), repaired))
    return out


def _plausible(repaired: str) -> bool:
    # The repaired run must be letters/marks/punctuation, not control characters.
    return all(unicodedata.category(c)[0] in "LMNPSZ" for c in repaired)


def repair_mojibake(text: str) -> str:
    """Every repairable run repaired (twice over, for double-encoded text)."""
    for _ in range(2):
        runs = find_mojibake(text)
        if not runs:
            break
        parts, last = [], 0
        for start, end, repaired in runs:
            parts.append(text[last:start])
            parts.append(repaired)
            last = end
        parts.append(text[last:])
        text = "".join(parts)
    return text


# -- Unicode form and whitespace (opt-in kinds) ----------------------------------------------------
TRAILING_WS_RE = re.compile(r"[ \t]+$", re.M)
SPACE_RUN_RE = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")


def needs_nfc(text: str) -> bool:
    return not text.isascii() and not unicodedata.is_normalized("NFC", text)


def find_whitespace(masked: str) -> bool:
    return TRAILING_WS_RE.search(masked) is not None or SPACE_RUN_RE.search(masked) is not None
