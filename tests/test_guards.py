"""RevisionGuard on its own: long real revisions pass, every refusal reason is precise.

The fixture holds real MEB pairs whose expert revision is more than four times longer than the
raw pair (tests/data/guards/long_revisions.jsonl); the bad revisions are built from them the
way a small booster spoils an answer (bench/eval_guards.py measures the same on the shared
data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from midb_cli.boost.guards import GUARD_REASONS, GuardResult, GuardSettings, RevisionGuard
from midb_cli.checks import Checker
from midb_cli.langid import LanguageIdentifier
from midb_cli.records.pair import Pair

DATA = Path(__file__).parent / "data" / "guards" / "long_revisions.jsonl"
ROWS = {row["id"]: row for row in map(json.loads, DATA.read_text(encoding="utf-8").splitlines())}
_IDENTIFIER: list[LanguageIdentifier] = []


def identifier() -> LanguageIdentifier:
    """One loaded identifier for the module (loading the models is most of the cost)."""
    if not _IDENTIFIER:
        _IDENTIFIER.append(LanguageIdentifier())
    return _IDENTIFIER[0]


def pairs(record_id: str) -> tuple[Pair, Pair]:
    row = ROWS[record_id]
    raw = Pair(row["Raw Instruction"], row["Raw Input"], row["Raw Response"])
    revised = Pair(row["Revised Instruction"], row["Revised Input"], row["Revised Response"])
    return raw, revised


def judge(
    original: Pair,
    revised: Pair,
    lang: str,
    settings: GuardSettings | None = None,
    finish_reason: str | None = None,
) -> GuardResult:
    """The guard as the pipeline calls it: the original identified and checked first."""
    ident = identifier()
    checker = Checker(ident)
    guard = RevisionGuard(ident, checker, settings or GuardSettings())
    record_lang = ident.identify(original, lang)
    return guard.evaluate(
        original,
        revised,
        record_lang.lang,
        checker.check(original, record_lang),
        original_lang=record_lang,
        finish_reason=finish_reason,
    )


def reason(original: Pair, revised: Pair, lang: str, **kwargs: object) -> str | None:
    return judge(original, revised, lang, **kwargs).reason  # type: ignore[arg-type]


# -- good revisions -------------------------------------------------------------------------


@pytest.mark.parametrize("record_id", sorted(ROWS))
def test_long_real_revisions_are_accepted(record_id: str) -> None:
    raw, revised = pairs(record_id)
    grown = sum(map(len, revised.as_dict().values())) / sum(map(len, raw.as_dict().values()))
    assert grown > 4
    assert reason(raw, revised, ROWS[record_id]["lang"], finish_reason="stop") is None


def test_a_length_limit_is_a_setting() -> None:
    raw, revised = pairs("de-37")
    assert reason(raw, revised, "de", settings=GuardSettings(max_length_ratio=4.0)) == (
        "guard:length_ratio"
    )


def test_collapsing_a_repetition_loop_is_no_collapse() -> None:
    loop = "Die Antwort ist 10010. " * 12
    original = Pair("Konvertiere die Dezimalzahl 18 in ihre binäre Darstellung", "", loop)
    revised = original.with_field("response", "Die binäre Darstellung von 18 ist 10010.")
    assert reason(original, revised, "de") is None


def test_a_rewritten_untranslated_instruction_is_accepted() -> None:
    # MT left the instruction in English; the expert writes it in French: a new text on purpose
    raw, revised = pairs("fr-37")
    english = raw.with_field("instruction", "Convert the decimal number 18 to binary notation")
    assert reason(english, revised, "fr") is None


# -- refusals, one per reason ---------------------------------------------------------------


def test_booster_tags_in_a_field() -> None:
    raw, revised = pairs("de-37")
    leaked = revised.with_field("response", revised.response + "\n<|response|> Noch einmal.")
    assert reason(raw, leaked, "de") == "guard:field_leak"


def test_an_emptied_response() -> None:
    raw, revised = pairs("de-37")
    assert reason(raw, revised.with_field("response", "  "), "de") == "guard:empty_response"


def test_an_answer_that_hit_the_token_limit() -> None:
    raw, revised = pairs("de-37")
    assert reason(raw, revised, "de", finish_reason="length") == "guard:truncated"


@pytest.mark.parametrize(
    ("record_id", "cut"),
    [
        ("de-37", "\n\n- "),  # a bare list marker
        ("fr-17", "\n\n- J"),  # a marker and one letter
        ("cs-46", " a chol"),  # mid-word, where the original goes on
        ("de-37", ". Schreibe 0 auf.\n\n- Teile 9 durch 2. Der Quotient ist"),  # an open item
    ],
)
def test_a_response_cut_short(record_id: str, cut: str) -> None:
    raw, revised = pairs(record_id)
    text = revised.response
    if record_id == "cs-46":
        text = raw.response[: raw.response.index(cut) + len(cut)]
    else:
        text = text[: text.index(cut) + len(cut)]
    lang = ROWS[record_id]["lang"]
    assert reason(raw, revised.with_field("response", text), lang) == "guard:truncated"


def test_a_code_block_left_open_is_truncated_not_dropped() -> None:
    code = "\n\n```python\nprint(bin(18))\n```"
    raw, revised = pairs("de-37")
    original = raw.with_field("response", raw.response + code)
    cut = revised.response + "\n\n```python\nprint(bin("
    assert reason(original, revised.with_field("response", cut), "de") == "guard:truncated"


@pytest.mark.parametrize("answer", ["Um", "10010"])
def test_a_one_word_answer_is_a_collapsed_response(answer: str) -> None:
    raw, _ = pairs("de-37")
    assert reason(raw, raw.with_field("response", answer), "de") == "guard:response_collapsed"


def test_fields_written_under_each_other_s_tags() -> None:
    raw, revised = pairs("de-17")
    swapped = Pair(revised.response, revised.input, revised.instruction)
    assert reason(raw, swapped, "de") == "guard:fields_swapped"


def test_an_instruction_turned_into_another_task() -> None:
    raw, revised = pairs("de-37")
    other = revised.with_field("instruction", "Schreibe ein Gedicht über den Herbst im Wald.")
    assert reason(raw, other, "de") == "guard:instruction_changed"


def test_a_much_shorter_pair() -> None:
    raw, _ = pairs("ja-26")
    # with the collapse guard off, the pair-level lower bound still holds
    half = raw.with_field("response", raw.response[: int(len(raw.response) * 0.25)] + "。")
    assert reason(raw, half, "ja", settings=GuardSettings(min_response_ratio=0.0)) == (
        "guard:length_ratio"
    )


def test_dropped_code() -> None:
    code = "\n\n```python\nprint(bin(18))\n```"
    raw, revised = pairs("de-37")
    original = raw.with_field("response", raw.response + code)
    assert reason(original, revised, "de") == "guard:code_dropped"


def test_translated_code() -> None:
    code = "\n\n```python\nif n > 0:\n    print(bin(n))\n```"
    raw, revised = pairs("de-37")
    original = raw.with_field("response", raw.response + code)
    translated = code.replace("if n", "wenn n").replace("print(", "drucken(")
    revised = revised.with_field("response", revised.response + translated)
    assert reason(original, revised, "de") == "guard:code_translated"


def test_a_response_in_english() -> None:
    raw, revised = pairs("de-37")
    english = (
        "To convert a decimal number to binary, divide it by 2 repeatedly and write the "
        "remainders in reverse order. The binary representation of 18 is 10010."
    )
    assert reason(raw, revised.with_field("response", english), "de") == "guard:language"


def test_a_response_in_another_language() -> None:
    raw, _ = pairs("de-37")
    _, french = pairs("fr-37")
    assert reason(raw, raw.with_field("response", french.response), "de") == "guard:language"


def test_a_repetition_loop() -> None:
    raw, revised = pairs("de-37")
    loop = revised.response + " Schreibe 1 auf." * 10
    assert reason(raw, revised.with_field("response", loop), "de") == "guard:repetition"


def test_every_reason_is_listed() -> None:
    assert len(set(GUARD_REASONS)) == len(GUARD_REASONS) == 11
    assert all(r.startswith("guard:") for r in GUARD_REASONS)


def test_the_length_ratio_flag_applies() -> None:
    ident = identifier()
    guard = RevisionGuard(ident, Checker(ident), GuardSettings(max_length_ratio=1.5))
    raw, revised = pairs("de-37")
    assert guard.check(raw, revised, "de", []) == "guard:length_ratio"
