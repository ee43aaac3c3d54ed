"""The checks' shortcuts (tests first, work shared per field) agree with the plain forms they
stand for, on randomised fixture strings."""

from __future__ import annotations

import random
import re

from midb_cli.checks import code, language, punctuation, surface
from midb_cli.checks.lexicon import TRANSLATED_KEYWORDS, TRANSLATION_TASK_RE
from midb_cli.checks.text import FieldText, mask_code_and_urls, prose

# pieces that reach every branch: unsafe case characters, code, URLs, marks, other scripts
_PIECES = [
    "the", "This", "AND", "is", "of", "with", "You", "that", "are", "translate", "Übersetze",
    "traduire", "Çevİrİ", "İ", "ı", "ſ", "µ", "ϐ", "ß", " ", "\n", "x", "é", "1", "_", "-",
    "`if`", "```\nwenn x:\n```", "https://ex.com/the", "a@b.de", ". ", "。", "、", "，",
    "؟", ",", ";", "\t", "\u3000", "\xa0", "Â©", "Ã¼", "ñ", "日本", "Привет",
]  # fmt: skip


def _texts(seed: int, count: int, most: int = 10) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randint(0, most))) for _ in range(count)]


def test_casefold_safe_is_the_unsafe_character_search() -> None:
    for text in _texts(1, 8000):
        assert language.casefold_safe(text) == (language.CASEFOLD_UNSAFE_RE.search(text) is None)


def test_translation_task_of_a_field_is_that_of_its_text() -> None:
    for text in _texts(2, 8000):
        expected = TRANSLATION_TASK_RE.search(text) is not None
        assert language.is_translation_task(text) == expected, text
        field = FieldText.of("instruction", text)
        assert language.is_translation_task(field) == expected, text
        # the field's cached values are those of its text
        assert field.casefold_safe == language.casefold_safe(text)


def test_marker_probe_of_a_field_is_the_re_i_search_of_its_prose() -> None:
    for text in _texts(3, 8000):
        field = FieldText.of("response", text)
        expected = language._MARKER_PROBE_RE.search(field.prose) is not None
        got = language._marker_probe(
            field.prose, field.lowered_prose(), language.field_casefold_safe(field)
        )
        assert got == expected, text
        assert field.lowered_prose() == field.prose.lower()


def test_clause_key_split_on_one_leading_class_is_the_plain_split() -> None:
    plain = re.compile(r"[.!?;:,،؟]\s+|[。！？、，]|\n+")
    for text in _texts(4, 15000, most=14):
        assert surface._CLAUSE_KEY_SPLIT_RE.split(text) == plain.split(text), text


def _plain_periodic_run(seq: list[str], max_lag: int, repeats: int) -> tuple[int, int] | None:
    for lag in range(1, max_lag + 1):
        need = lag * (repeats - 1)
        if len(seq) < lag + need:
            break
        at = bytes(a == b for a, b in zip(seq, seq[lag:], strict=False)).find(b"\x01" * need)
        if at >= 0:
            return at, lag
    return None


def test_periodic_run_with_shared_every_other_comparison_is_the_plain_search() -> None:
    rng = random.Random(5)
    for _ in range(8000):
        alphabet = "abcd"[: rng.randint(1, 4)]
        seq = [rng.choice(alphabet) for _ in range(rng.randint(0, 60))]
        for max_lag, repeats in ((8, 4), (8, 5), (4, 6), (8, 3)):
            got = surface._periodic_run(seq, max_lag, repeats)
            assert got == _plain_periodic_run(seq, max_lag, repeats), (seq, repeats)


def test_ascii_text_holds_no_mojibake() -> None:
    rng = random.Random(6)
    for _ in range(5000):
        text = "".join(chr(rng.randint(0, 127)) for _ in range(rng.randint(0, 30)))
        assert surface.MOJIBAKE_RE.search(text) is None
        assert surface.find_mojibake(text) == []
    assert surface.find_mojibake("Ã¼ber") != []


def test_text_without_backtick_or_newline_holds_no_translated_code() -> None:
    """``_translated_code`` returns early on such text (without a source)."""
    langs = sorted(TRANSLATED_KEYWORDS)
    words = [w for table in TRANSLATED_KEYWORDS.values() for w in table]
    rng = random.Random(7)
    pieces = [w for w in _PIECES if "`" not in w and "\n" not in w]
    for _ in range(5000):
        text = "".join(rng.choice(pieces + words) for _ in range(rng.randint(0, 8)))
        text += rng.choice(["", ":", " x > 0:", "(x)"])
        for lang in langs:
            assert code.translated_code(text, lang) == [], (text, lang)
        assert not code.code_blocks_differ(text, "")


def test_languages_without_marks_of_their_own_get_no_punctuation_finding() -> None:
    for lang in ("de", "en", "ko", "ru", "xx"):
        assert not punctuation.has_locale_marks(lang)
        for text in _texts(9, 500):
            assert punctuation.find_punctuation(text, lang) == []
    for lang in ("ja", "zh", "el", "ar"):
        assert punctuation.has_locale_marks(lang)


def test_loop_length_bound_never_hides_a_loop() -> None:
    """``repeats`` copies of ``lag`` items repeat ``(repeats - 1) * lag`` of them."""
    rng = random.Random(10)
    for _ in range(8000):
        alphabet = "abcdefgh"[: rng.randint(1, 8)]
        seq = [rng.choice(alphabet) for _ in range(rng.randint(0, 50))]
        for repeats in (3, 4):
            bound = surface._lag_bound(seq, len(set(seq)), repeats, 8)
            got = surface._periodic_run(seq, bound, repeats)
            assert got == _plain_periodic_run(seq, 8, repeats), (seq, repeats)


def test_two_mark_search_is_two_searches() -> None:
    one = re.compile(r"[.!?;:,،؟。！？、，\n]")
    for text in _texts(12, 15000, most=8):
        first = one.search(text)
        expected = first is not None and one.search(text, first.end()) is not None
        assert (surface._TWO_CLAUSE_MARKS_RE.search(text) is not None) == expected, text


def _plain_find_repetition(prose: str) -> surface.Loop | None:
    """``find_repetition`` without its shortcuts: every clause split, every lag tried."""
    if len(prose) < 8:
        return None
    units = [u for u in surface._CLAUSE_SPLIT_RE.split(prose) if u and not u.isspace()]
    distinct = len(set(units))
    if len(units) >= surface.SENTENCE_REPEATS and distinct < len(units):
        hit = _plain_periodic_run(units, surface.MAX_SENTENCE_LAG, surface.SENTENCE_REPEATS)
        if hit is None and surface._repetitive(units, distinct):
            hit = surface._anchored_run(
                units, surface.MAX_SENTENCE_LAG + 1, surface.SENTENCE_REPEATS
            )
        if hit and surface._has_letters(units[hit[0] : hit[0] + hit[1]]):
            return surface.Loop(tuple(units[hit[0] : hit[0] + hit[1]]))
    words = prose.split()
    distinct = len(set(words))
    if len(words) >= surface.WORD_REPEATS and distinct < len(words) - 2:
        hit = _plain_periodic_run(words, surface.MAX_WORD_LAG, surface.WORD_REPEATS)
        if hit is None and surface._repetitive(words, distinct):
            hit = surface._anchored_run(words, surface.LONG_WORD_LAG, surface.SENTENCE_REPEATS)
        if hit and surface._has_letters(words[hit[0] : hit[0] + hit[1]]):
            return surface.Loop(tuple(words[hit[0] : hit[0] + hit[1]]))
    return None


# clauses and the separators of every split rule (spaced marks, unspaced CJK marks, newlines)
_LOOP_PIECES = [
    "abc", "Xyz", "ab.", "cd,", "ef!", "gh?", "ij;", "kl:", "mn،", "op؟", "日本。", "中文、",
    "好，", "是！", "吗？", "。", "、", "，", ". ", ", ", " ", "  ", "\n", "\n\n", "\t", "\u3000",
    "\xa0", "\x85", "\x1c", "é", "x y", "a b c", "ab。cd。",
]  # fmt: skip


def test_repetition_search_with_its_shortcuts_is_the_plain_search() -> None:
    """The shortcuts (no clause split when the words show no clause can repeat, loop lengths
    bounded, pairs compared once) find the loop the plain search finds, on texts built of
    repeated runs of clauses."""
    rng = random.Random(23)
    found = 0
    for _ in range(20000):
        parts: list[str] = []
        for _ in range(rng.randint(1, 5)):
            run = [rng.choice(_LOOP_PIECES) for _ in range(rng.randint(1, 4))]
            parts += run * rng.choice((1, 1, 2, 3, 4, 5))
        text = "".join(parts)
        expected = _plain_find_repetition(text)
        found += expected is not None
        assert surface.find_repetition(text) == expected, text
    assert found > 2000  # the texts hold loops of both kinds, not just plain text


def test_keyword_line_search_after_newlines_is_the_multiline_search() -> None:
    """The first line matched, then a search led by the newline: what ``^`` in re.M finds."""
    rng = random.Random(29)
    for lang, table in TRANSLATED_KEYWORDS.items():
        words = sorted(table)[:6]
        pieces = [
            *words,
            *(w.upper() for w in words),
            "\n",
            " ",
            "\t",
            "(",
            ":",
            "=",
            "x",
            ".",
            "é",
        ]
        pattern = code._line_re(lang)
        assert pattern is not None
        hits = 0
        for _ in range(1500):
            text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
            expected = pattern.search(text) is not None
            hits += expected
            assert code._has_keyword_line(text, lang) == expected, (lang, text)
        assert hits > 100, lang
    assert not code._has_keyword_line("wenn x:", "xx")  # no table for the language


def test_field_text_of_an_empty_or_any_field_is_its_masked_text() -> None:
    for text in ["", *_texts(31, 3000)]:
        field = FieldText.of("input", text)
        masked = mask_code_and_urls(text)
        assert (field.text, field.masked, field.prose) == (text, masked, prose(text)), text


def test_translation_task_tree_under_re_i_finds_what_the_alternation_finds() -> None:
    """For text a lower-cased search would misjudge (``İ``, ``ı``, ``ſ``...): the prefix tree
    compiled with re.I stands for the lexicon's re.I alternation."""
    words = language._TRANSLATION_WORDS
    assert words is not None
    halves = [w[: len(w) // 2] for w in words] + [w[len(w) // 2 :] for w in words]
    pieces = [*halves, *(h.upper() for h in halves), *words, "İ", "ı", "ſ", "K", "µ", " ", "x"]
    rng = random.Random(37)
    found = 0
    for _ in range(30000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        expected = TRANSLATION_TASK_RE.search(text) is not None
        found += expected
        assert (language._TRANSLATION_TASK_I_RE.search(text) is not None) == expected, text
        assert language.is_translation_task(text) == expected, text
    assert found > 3000


def test_one_rare_character_scan_answers_casefold_and_mojibake() -> None:
    """A field without a casefold-unsafe character or a mojibake pair (one scan) is casefold
    safe and holds no mojibake run; with one, each question gets its own search."""
    pieces = [*_PIECES, "Ã", "©", "Ã©", "ô€", "Â", "ı", "é’", "ſ"]
    rng = random.Random(41)
    rare = 0
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        field = FieldText.of("response", text)
        unsafe = language.CASEFOLD_UNSAFE_RE.search(text) is not None
        pair = surface._MOJIBAKE_PROBE_RE.search(text) is not None
        assert language.field_rare(field) == (unsafe or pair), text
        rare += unsafe != pair
        assert language.field_casefold_safe(field) == (not unsafe), text
        if surface.find_mojibake(text):
            assert field.rare, text
    assert rare > 2000  # texts with one of the two and not the other
