"""Good revisions the guards used to refuse (issue 8): hand-written multilingual pairs that
revise a record the way the MEB experts do, next to the corruption each rule must still
refuse (bench/eval_guards.py measures both on the shared data)."""

from __future__ import annotations

from guard_judge import judge
from midb_cli.records.pair import Pair

CODE = (
    "```python\ndef total(numbers):\n    result = 0\n    for n in numbers:\n"
    "        result += n\n    return result\n\nprint(total([1, 2, 3]))\n```"
)


def test_the_language_of_a_response_is_read_without_its_code() -> None:
    # a short answer above a code block: the code reads as English, the answer does not
    original = Pair(
        "Vytvořte hashtag pro tweet o józe.",
        "",
        "#SilaJogy - odemkněte duševní i tělesné výhody jógy s pozorným cvičením!\n\n" + CODE,
    )
    revised = original.with_field("response", "Co třeba #SilaJogy nebo #JogaProZivot?\n\n" + CODE)
    assert judge(original, revised, "cs").reason is None
    slogan = Pair(
        "Adapte o slogan para uma ração de gatos.",
        "",
        '"Dê aos seus gatos a energia de que precisam para viver bem"\n\n' + CODE,
    )
    assert (
        judge(
            slogan, slogan.with_field("response", '"Aumente seu ronronar"\n\n' + CODE), "pt"
        ).reason
        is None
    )


def test_an_english_answer_above_kept_code_is_still_refused() -> None:
    original = Pair(
        "Navrhněte název funkce, která sečte čísla v seznamu.",
        "",
        "Funkce se může jmenovat soucet, protože sčítá všechna čísla, která dostane.\n\n" + CODE,
    )
    english = "The function could be called total, because it adds up all the numbers it gets.\n\n"
    result = judge(original, original.with_field("response", english + CODE), "cs")
    assert (result.reason, result.detail) == ("guard:language", "response in en")
