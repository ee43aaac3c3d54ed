"""Fast paths of hot code give exactly what the plain code gives (exhaustive where a property
of single characters is claimed)."""

from __future__ import annotations

import random
import re

import pytest

from midb_cli.boost import guard_cut_signals
from midb_cli.checks import language, punctuation, surface
from midb_cli.checks.lexicon import TRANSLATION_TASK_RE
from midb_cli.checks.surface import _CLAUSE_SPLIT_RE, SENTENCE_REPEATS, find_repetition
from midb_cli.langid import scripts
from midb_cli.llm.parsing import END_MARKERS, parse_answer, strip_end_markers

ALL_CHARS = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
CASE_PATTERNS = (TRANSLATION_TASK_RE, language._MARKER_PROBE_RE)


def _unsafe_characters() -> set[str]:
    """Characters where a case-sensitive search of ``text.lower()`` could differ from a re.I
    search of ``text``: lower case not one character, a word character becoming a non-word
    one (``\\b``), or re.I equating a pattern letter with a character whose lower case differs."""
    word = re.compile(r"\w")
    lowered = [c.lower() for c in ALL_CHARS]
    unsafe = {
        c
        for c, low in zip(ALL_CHARS, lowered, strict=True)
        if len(low) != 1 or (word.match(c) is None) != (word.match(low) is None)
    }
    letters = {
        ch for rx in CASE_PATTERNS for ch in re.sub(r"\\[bB]", "", rx.pattern) if ch.isalpha()
    }
    by_lower: dict[str, set[str]] = {}
    for c, low in zip(ALL_CHARS, lowered, strict=True):
        by_lower.setdefault(low, set()).add(c)
    for x in letters:
        unsafe |= set(re.findall(re.escape(x), ALL_CHARS, re.I)) ^ by_lower.get(x, set())
    return unsafe


def test_case_unsafe_set_covers_every_code_point() -> None:
    for rx in CASE_PATTERNS:
        assert rx.pattern == rx.pattern.lower() and rx.flags & re.I
    missing = {c for c in _unsafe_characters() if not language.CASEFOLD_UNSAFE_RE.match(c)}
    assert not missing, sorted(missing)


@pytest.mark.parametrize(
    "text",
    [
        "İTHE is here",  # İ lowers to i + a combining dot: a word boundary appears
        "THİS İS THE",
        "ıs the",
        "ſo the",
        "TRANSLATE this",
        "Çevİrİ yapın",
        "ÜBERSETZE den Satz",
        "Bu cümleyi İngilizceye çevirin",
        "The and This",
        "nothing here",
        "µετάφραση",
    ],
)
def test_case_insensitive_probes_match_re_i(text: str) -> None:
    assert language.is_translation_task(text) == (TRANSLATION_TASK_RE.search(text) is not None)
    expected = language._MARKER_PROBE_RE.search(text) is not None
    got = language.search_ignoring_case(
        language._MARKER_PROBE_RE, language._MARKER_PROBE_LOWER_RE, text, text.lower()
    )
    assert got == expected


def test_script_character_class_is_the_union_of_the_script_runs() -> None:
    runs = {c for m in scripts._SCRIPT_RUNS.finditer(ALL_CHARS) for c in m.group()}
    assert set(scripts._SCRIPT_CHAR.findall(ALL_CHARS)) == runs


def _run_lengths(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for match in scripts._SCRIPT_RUNS.finditer(text):
        group = match.lastgroup or ""
        counts[group] = counts.get(group, 0) + match.end() - match.start()
    return counts


def test_script_counts_are_the_lengths_of_the_script_runs() -> None:
    """Counted by the translate table, in the order of the first letter of each script (the
    order a tie of two scripts is decided in)."""
    assert scripts.script_counts(ALL_CHARS) == _run_lengths(ALL_CHARS)
    letters = [c for c in ALL_CHARS if scripts._SCRIPT_CHAR.match(c)]
    pool = [*letters[::97], *"ab .,\x01\x02\x07\n", "\U0001f600", "\U00020000"]
    rng = random.Random(5)
    for _ in range(20000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 30)))
        assert list(scripts.script_counts(text).items()) == list(_run_lengths(text).items()), text


_OLD_END_MARKERS = re.compile(
    r"\s*(?:<\|eot_id\|>|<\|end_of_text\|>|<\|im_end\|>|<\|end\|>|</s>)+\s*$"
)


def test_end_markers_stripped_as_the_anchored_regex_did() -> None:
    pieces = [*END_MARKERS, " ", "\n", "\u3000", "\x85", "a", "<", "|>", "<|end", "s>", "x y"]
    rng = random.Random(11)
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert strip_end_markers(text).strip() == _OLD_END_MARKERS.sub("", text).strip(), text


def test_answer_with_end_markers_parses() -> None:
    answer = "<|instruction|>Frage\n<|response|>Antwort <|eot_id|></s>\n"
    result = parse_answer(answer)
    assert result.pair is not None and result.pair.response == "Antwort"


def test_clause_mark_prefilter_never_hides_three_clauses() -> None:
    """Fewer than two clause marks means fewer than SENTENCE_REPEATS clauses."""
    pieces = [".", "!", "。", "、", "\n", " ", "\n\n", "a", "bb", "؟", ", ", "x"]
    rng = random.Random(5)
    marks = re.compile(r"[.!?;:,،؟。！？、，\n]")
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        if len(marks.findall(text)) < 2:
            units = [u for u in _CLAUSE_SPLIT_RE.split(text) if u and not u.isspace()]
            assert len(units) < SENTENCE_REPEATS, text


def test_repetition_still_found() -> None:
    assert find_repetition("Das ist gut. Das ist gut. Das ist gut. Ende.") is not None
    assert find_repetition("eins zwei eins zwei eins zwei eins zwei") is not None
    assert find_repetition("Ein ganz normaler Satz.") is None


_CLAUSE_PIECES = [".", "!", "?", ";", ":", ",", "،", "؟", "。", "！", "？", "、", "，", " ", "\n"]
_CLAUSE_PIECES += ["\t", "\u3000", "\xa0", "\x85", "\r", "\n\n", ". ", "a", "bb", "a.", "x y"]


def test_clause_keys_split_where_the_clause_split_does() -> None:
    """The key split cuts where the clause split cuts, each clause losing only its last
    character when that is a mark: equal clauses have equal keys."""
    marks = ".!?;:,،؟。！？、，"
    rng = random.Random(7)
    for _ in range(30000):
        text = "".join(rng.choice(_CLAUSE_PIECES) for _ in range(rng.randint(0, 14)))
        expected = [u[:-1] if u[-1:] in marks and u else u for u in _CLAUSE_SPLIT_RE.split(text)]
        keys = surface._CLAUSE_KEY_SPLIT_RE.split(text)
        if keys[-1] and keys[-1][-1] in surface._SPACED_MARKS:
            keys[-1] = keys[-1][:-1]
        assert keys == expected, text
        if not surface.clause_keys_repeat(text):
            units = [u for u in _CLAUSE_SPLIT_RE.split(text) if u and not u.isspace()]
            assert len(set(units)) == len(units), text


def _plain_periodic_run(seq: list[str], max_lag: int, repeats: int) -> tuple[int, int] | None:
    for lag in range(1, max_lag + 1):
        need = lag * (repeats - 1)
        if len(seq) < lag + need:
            break
        same = bytes(a == b for a, b in zip(seq, seq[lag:], strict=False))
        at = same.find(b"\x01" * need)
        if at >= 0:
            return at, lag
    return None


def test_sampled_periodic_run_finds_what_every_comparison_finds() -> None:
    rng = random.Random(13)
    for _ in range(20000):
        alphabet = "abc"[: rng.randint(1, 3)]
        seq = [rng.choice(alphabet) for _ in range(rng.randint(0, 40))]
        for max_lag, repeats in ((8, 4), (8, 3), (3, 2)):
            got = surface._periodic_run(seq, max_lag, repeats)
            assert got == _plain_periodic_run(seq, max_lag, repeats), seq


def test_marker_probe_on_lower_case_text_is_the_plain_pattern() -> None:
    plain = re.compile(language._MARKER_PROBE_RE.pattern)
    words = ["the", "this", "that", "and", "are", "is", "of", "with", "you", "th", "a", "o"]
    pieces = [*words, " ", "x", "é", "_", "1", "-", "\u0307", "t", "s", "e", "yo", "wit"]
    rng = random.Random(17)
    for _ in range(30000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        got = language._MARKER_PROBE_LOWER_RE.search(text) is not None
        assert got == (plain.search(text) is not None), text


def test_translation_task_prefix_tree_finds_what_the_alternation_finds() -> None:
    words = language._TRANSLATION_WORDS
    assert words is not None  # the lexicon's pattern is an alternation of words
    plain = re.compile(TRANSLATION_TASK_RE.pattern)
    pieces = [w[: len(w) // 2] for w in words] + [w[len(w) // 2 :] for w in words]
    pieces += [*words, " ", "x", "ingl", "e", "s", "ê"]
    rng = random.Random(19)
    for _ in range(30000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        got = language._TRANSLATION_TASK_LOWER_RE.search(text) is not None
        assert got == (plain.search(text) is not None), text


_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f"
_PLAIN_PUNCTUATION = {
    "ja": re.compile(
        r"(?<=[" + _CJK + r"])[.,](?=[ \t]*(?:\n|$)|[ \t]*[\x00" + _CJK + r"])"
        r"|(?<=[A-Za-z0-9)）」』]),(?=[ \t]*[" + _CJK + r"])"
    ),
    "el": re.compile(r"(?<=[\u0370-\u03ff\u1f00-\u1fff])\?"),
    "ar": re.compile(r"(?<=[\u0600-\u06ff])[?,;]|(?<=[A-Za-z0-9)])[?,;](?=[ \t]*[\u0600-\u06ff])"),
}


@pytest.mark.parametrize("lang", ["ja", "el", "ar"])
def test_locale_marks_found_as_the_lookbehind_first_patterns_found_them(lang: str) -> None:
    plain = _PLAIN_PUNCTUATION[lang]
    pool = [*".,?;: \t\n\x00aZ09)）」』", "猫", "デ", "ｦ", "μ", "ὰ", "ع", "ب", "Ж"]
    rng = random.Random(7)
    for _ in range(30000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        got = punctuation._PUNCT[lang][0].finditer(text)
        assert [m.span() for m in got] == [m.span() for m in plain.finditer(text)], text


def test_bare_item_read_from_the_last_line_is_the_whole_text_search() -> None:
    rng = random.Random(5)
    alphabet = ["-", "*", "•", "1", "12", ".", ")", " ", "\t", "\n", "a", "ф", "قط", "x"]
    cases = ["", "-", "\n-", "- ", "1.", "a\n2) ф", "a\n-\n", "\n", "- ab", "- abc"]
    cases += [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(30000)
    ]
    plain = guard_cut_signals._BARE_ITEM
    for text in cases:
        assert guard_cut_signals.ends_on_bare_item(text) == bool(plain.search(text)), repr(text)
