"""Deterministic fixes: each repairs its defect to the expected text, touches nothing else,
leaves a record without findings byte-identical, and is idempotent."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_checks import AR, CODE, DE, EL, ES, JA, clean_pairs

from midb_cli.checks import Checker, Finding
from midb_cli.checks.fixes import fix_pair
from midb_cli.langid import LanguageIdentifier
from midb_cli.records.pair import Pair


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(LanguageIdentifier(), select=["all"])


def repaired(checker: Checker, pair: Pair, lang: str, source: Pair | None = None) -> Pair:
    found = checker.check(pair, checker.identifier.identify(pair, lang), source)
    return fix_pair(pair, lang, found, source).pair


@pytest.mark.parametrize(
    ("lang", "damaged", "expected"),
    [
        ("de", DE.with_field("input", "<keine Eingabe>"), DE),
        ("ja", JA.with_field("input", "`<noinput>`"), JA),
        ("de", DE.with_field("response", "Response: " + DE.response), DE),
        ("de", DE.with_field("response", "<|response|>" + DE.response), DE),
        ("de", DE.with_field("response", DE.response + "\n<|instruction|>Schreibe ein Gedicht."), DE),
        ("de", DE.with_field("response", DE.response + "\n\n### Instruction:\nSchreibe ein Gedicht."), DE),
        ("es", Pair(ES.instruction + "\nInput: dormir ocho horas", "", ES.response), ES.with_field("input", "dormir ocho horas")),
        ("ja", JA.with_field("response", JA.response.replace("。", ".").replace("、", ",")), JA),
        ("ar", AR.with_field("response", AR.response.replace("؟", "?").replace("،", ",")), AR),
        ("el", EL.with_field("response", EL.response.replace(";", "?")), EL),
        ("de", DE.with_field("response", DE.response.encode("utf-8").decode("cp1252")), DE),
        ("ar", AR.with_field("response", AR.response.encode("utf-8").decode("latin-1")), AR),
        ("es", ES.with_field("response", ES.response + " Duerme bien." * 4), ES.with_field("response", ES.response + " Duerme bien.")),
        ("de", DE.with_field("response", DE.response.replace("Herz", "Herz Herz Herz Herz")), DE),
    ],
)  # fmt: skip
def test_fix_gives_the_expected_text(
    checker: Checker, lang: str, damaged: Pair, expected: Pair
) -> None:
    assert repaired(checker, damaged, lang) == expected


def test_translated_code_is_restored_from_the_source(checker: Checker) -> None:
    source = DE.with_field("response", DE.response + "\n\n" + CODE)
    mangled = DE.with_field("response", DE.response + "\n\n" + CODE.replace("if zahl", "wenn zahl"))
    assert repaired(checker, mangled, "de", source) == source


def test_translated_code_without_a_source_stays_flagged_and_unchanged(checker: Checker) -> None:
    mangled = DE.with_field("response", DE.response + "\n\n" + CODE.replace("if zahl", "wenn zahl"))
    assert repaired(checker, mangled, "de") == mangled


def test_punctuation_inside_code_and_urls_is_kept(checker: Checker) -> None:
    text = '次のコードを実行します,`print("a.b")`.詳しくは https://example.com/a.b を見てください.'
    fixed = repaired(checker, JA.with_field("response", text), "ja").response
    assert (
        fixed
        == '次のコードを実行します、`print("a.b")`.詳しくは https://example.com/a.b を見てください。'
    )


def test_whitespace_and_nfc_only_when_selected(checker: Checker) -> None:
    text = "Cafe\u0301 ist  gut.   \n```\nx  =  1   \n```"
    fixed = repaired(checker, DE.with_field("response", text), "de").response
    assert fixed == "Café ist gut.\n```\nx  =  1   \n```"
    default = Checker(checker.identifier)
    pair = DE.with_field("response", text)
    assert default.check(pair, default.identifier.identify(pair, "de")) == []


def test_unfixable_findings_change_nothing() -> None:
    pair = DE.with_field("response", "")
    result = fix_pair(
        pair, "de", [Finding("empty_response", "response", "response is empty", False)]
    )
    assert result.pair is pair and result.applied == []


def test_applied_lists_short_descriptions(checker: Checker) -> None:
    pair = DE.with_field("input", "Kein Input")
    found = checker.check(pair, checker.identifier.identify(pair, "de"))
    assert fix_pair(pair, "de", found).applied == ["placeholder_input: emptied input"]


@pytest.mark.parametrize(("lang", "pair"), clean_pairs())
def test_clean_real_records_come_back_byte_identical(
    checker: Checker, lang: str, pair: Pair
) -> None:
    found = Checker(checker.identifier).check(pair, checker.identifier.identify(pair, lang))
    result = fix_pair(pair, lang, found)
    assert result.pair is pair and result.applied == []


ALL_FIXABLE = [
    Finding(kind, field, "", True)
    for kind in ("mojibake", "field_leak", "placeholder_input", "repetition", "punctuation_locale", "unicode_form", "whitespace", "translated_code")
    for field in ("instruction", "input", "response")
]  # fmt: skip
texts = st.lists(
    st.sampled_from(
        [
            *list("abc Ã©â€™ .,?\n`<>|:é。、؟،;"),
            "Response: ",
            "Input: ",
            "<|response|>",
            "```",
            "<noinput>",
            "la la ",
        ]
    ),
    max_size=40,
).map("".join)
pairs = st.builds(Pair, texts, texts, texts)


@settings(max_examples=300, deadline=None)
@given(pairs, st.sampled_from(["de", "ja", "ar", "el"]))
def test_fix_pair_is_idempotent(pair: Pair, lang: str) -> None:
    once = fix_pair(pair, lang, ALL_FIXABLE).pair
    assert fix_pair(once, lang, ALL_FIXABLE).pair == once


@settings(max_examples=200, deadline=None)
@given(pairs, st.sampled_from(["de", "ja", "ar"]))
def test_fix_pair_never_touches_a_record_without_findings(pair: Pair, lang: str) -> None:
    result = fix_pair(pair, lang, [])
    assert result.pair is pair and result.applied == []
