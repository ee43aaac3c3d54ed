"""An open last line that is a sentence, though it reads like a list of words or a value
(boost/guard_open_prose.py, read by boost/guard_truncation.py), and the lists of words and
values that stay whole. Fixture strings written for the tests."""

from __future__ import annotations

import pytest

from guard_judge import judge_response as _judge
from midb_cli.boost.guard_truncation import cut_short

_HANDS = "Myjte si ruce často, zejména před jídlem."
_CURIE = "Marie Curie objevila polonium a radium."
_VEGETABLES = "ブロッコリーとサツマイモは栄養が豊富です。"


@pytest.mark.parametrize(
    ("lang", "instruction", "original_response", "response"),
    [
        # a paragraph with commas after a closed sentence
        (
            "cs",
            "Jak často si mýt ruce?",
            _HANDS,
            "Umyjte si ruce mýdlem a teplou vodou.\n\nJe důležité si ruce často mýt, zejména"
            " po použití toalety, před jídlem, po smrknutí nosu",
        ),
    ],
)
def test_a_sentence_with_commas_is_no_list_of_words(
    lang: str, instruction: str, original_response: str, response: str
) -> None:
    assert _judge(instruction, original_response, response, lang) == (
        "guard:truncated",
        "open_after_closed_lines",
    )


# (the checks refuse the next two as well: each rule is read here on its own)
def test_a_japanese_line_with_a_full_stop_inside_is_no_list_of_words() -> None:
    cut = (
        "- ブロッコリー：ブロッコリーは繊維が豊富です。\n\n- サツマイモ：サツマイモは繊維、"
        "ビタミンA、C、カリウムが豊富です。サツマイモには、酸化ストレ"
    )
    assert cut_short(_VEGETABLES, cut, "ja") == "open_after_closed_lines"


def test_a_long_sentence_after_a_colon_is_no_value() -> None:
    cut = (
        "Odpověď zní: Marie Curie objevila polonium a radium a za svou práci získala dvakrát"
        " Nobelovu cenu v oboru"
    )
    assert cut_short(_CURIE, cut, "cs") == "open_where_original_closed"


@pytest.mark.parametrize(
    ("original_response", "response"),
    [
        # a list of words on one line, alone or after its lead-in sentence
        ("Štěstí, šance, možnost, výhoda.", "Štěstí, možnost, otevření, výhoda, šance"),
        ("Štěstí, šance, možnost.", "Zde jsou synonyma.\n\nŠtěstí, možnost, otevření, výhoda"),
        # a value after a colon: a subtitle, a list of letters
        ("Věda o meditaci.", "Věda za meditací: Jak pomáhá dětem učit se a růst"),
        ("Samohlásky: o, u, e.", "Proto je seznam samohlásek: o u e o a e i o a u e o u"),
    ],
)
def test_a_list_of_words_or_a_value_ends_open(original_response: str, response: str) -> None:
    assert _judge("Odpovězte na zadaný úkol.", original_response, response, "cs") == ("", "")
