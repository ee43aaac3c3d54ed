"""A short field replaced by English (boost/guard_english.py): refused below the language
guard's 40 characters, while short good answers (numbers, names, code) stay accepted."""

from __future__ import annotations

import pytest

from guard_judge import judge
from midb_cli.boost.guards import GuardResult
from midb_cli.records.pair import Pair


def _judge(original: Pair, revised: Pair, lang: str) -> GuardResult:
    return judge(original, revised, lang, finish_reason="stop")


_SUM = Pair("Sečtěte čísla 4, 5 a 6.", "", "Součet je 15.")


@pytest.mark.parametrize(
    "answer",
    ["The sum of the numbers is 15.", "Yes, that is correct.", "This is the answer"],
)
def test_a_short_answer_in_english_is_refused(answer: str) -> None:
    result = _judge(_SUM, _SUM.with_field("response", answer), "cs")
    assert (result.reason, result.detail) == ("guard:language", "short response in English")


@pytest.mark.parametrize(
    ("original", "answer"),
    [
        (_SUM, "15"),
        (_SUM, "Součet čísel je 15."),
        (Pair("Jak se jmenuje hlavní město Japonska?", "", "Tokio"), "Tokio (Tokyo)"),
        (Pair("Napište výraz pro součet v Pythonu.", "", "sum(a)"), "`sum(numbers)`"),
        (Pair("Jaký je název písně?", "", "The Sound of Silence"), "„The Sound of Silence“"),
    ],
)
def test_short_good_answers_are_accepted(original: Pair, answer: str) -> None:
    assert _judge(original, original.with_field("response", answer), "cs").reason is None
