"""Defects MT leaves in place: translated input labels, placeholder responses, whole records
left in English, instructions split across fields."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from midb_cli.checks import Checker
from midb_cli.checks.fixes import fix_pair
from midb_cli.checks.run import CheckedRecord, check_file
from midb_cli.langid import LanguageIdentifier
from midb_cli.records.pair import Pair

LABELS = {
    "it": "Input:", "es": "Entrada:", "fr": "Entrée :", "de": "Eingabe:", "ru": "Ввод:",
    "ar": "الإدخال:", "tr": "Girdi:", "ja": "入力:", "ko": "입력:", "pt": "Entrada:",
    "cs": "Vstup:", "el": "Είσοδος:", "id": "Masukan:", "th": "อินพุต:", "vi": "Nhập:",
    "ms": "Input:",
}  # fmt: skip
ENGLISH = Pair(
    "Write a short story involving a time machine.",
    "",
    "David was a curious young scientist who built a time machine in his garage. "
    "One night he travelled back to the day his town was founded and met his own ancestors.",
)
JAPANESE = [
    Pair("健康的な朝食の例を挙げてください。", "", "全粒粉のパン、ヨーグルト、果物などがあります。"),
    Pair("日本の首都はどこですか。", "", "日本の首都は東京です。"),
    Pair("春の俳句を一つ書いてください。", "", "桜咲く、川のほとりに、春の風。"),
    Pair("水の沸点を教えてください。", "", "水は標準気圧で摂氏百度で沸騰します。"),
]  # fmt: skip


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


@pytest.fixture(scope="module")
def checker(identifier: LanguageIdentifier) -> Checker:
    return Checker(identifier)


def found(checker: Checker, pair: Pair, lang: str, **kw: str) -> list[tuple[str, str, bool]]:
    fs = checker.check(pair, checker.identifier.identify(pair, lang), **kw)
    return [(f.kind, f.field, f.fixable) for f in fs]


@pytest.mark.parametrize("lang", sorted(LABELS))
def test_a_translated_input_label_is_flagged_and_removed(checker: Checker, lang: str) -> None:
    pair = Pair("Summarise the text.", f"{LABELS[lang]} Max walked down the street.", "Max walked.")
    findings = checker.check(pair, checker.identifier.identify(pair, lang))
    assert ("field_leak", "input", True) in [(f.kind, f.field, f.fixable) for f in findings]
    assert fix_pair(pair, lang, findings).pair.input == "Max walked down the street."


def test_an_input_that_is_an_example_keeps_its_labels(checker: Checker) -> None:
    pair = Pair("この関数の出力を予測してください。", "入力: n = 27\n出力: true", "trueです。")
    assert [f for f in found(checker, pair, "ja") if f[0] == "field_leak"] == []


@pytest.mark.parametrize(
    ("lang", "text"),
    [("de", "<keine Eingabe>"), ("pt", "<sem entrada>"), ("ms", "<tiadamasukan>"),
     ("ja", "<noinput>"), ("es", "`<noinput>`"), ("fr", "noinput")],
)  # fmt: skip
def test_a_placeholder_response_is_flagged_not_fixed(
    checker: Checker, lang: str, text: str
) -> None:
    pair = Pair("Recherchiere ein Rezept für ein bestimmtes Gericht", "Gericht: Moussaka", text)
    findings = checker.check(pair, checker.identifier.identify(pair, lang))
    assert ("placeholder_response", "response", False) in [
        (f.kind, f.field, f.fixable) for f in findings
    ]
    assert fix_pair(pair, lang, findings).pair == pair


@pytest.mark.parametrize(
    "answer", ["なし", "Keine Eingabe nötig, die Funktion hat keine Parameter."]
)
def test_an_answer_that_says_none_is_not_a_placeholder(checker: Checker, answer: str) -> None:
    pair = Pair("Gibt es hier einen Fehler?", "", answer)
    assert [f for f in found(checker, pair, "de") if f[0] == "placeholder_response"] == []


@pytest.mark.parametrize("lang", ["ja", "fr", "el"])
def test_a_record_left_in_english_is_one_record_finding(lang: str) -> None:
    identifier = LanguageIdentifier(lang=lang)  # --lang
    checker = Checker(identifier)
    assert found(checker, ENGLISH, lang) == [("untranslated_record", "record", False)]


def test_a_record_left_in_english_with_the_file_language(checker: Checker) -> None:
    assert found(checker, ENGLISH, "fr", file_lang="fr") == [
        ("untranslated_record", "record", False)
    ]
    assert found(checker, ENGLISH, "en") == []  # an English file: nothing to say
    assert found(checker, ENGLISH, "fr") == []  # the file's language unknown


def test_an_english_instruction_is_blamed_not_the_translated_answer() -> None:
    checker = Checker(LanguageIdentifier(lang="el"))
    pair = Pair("Write a short poem about the sea and the wind at night, in four lines.", "",
                "Η θάλασσα τραγουδά.")  # fmt: skip
    assert [f for f in found(checker, pair, "el") if f[0] == "wrong_language"] == [
        ("wrong_language", "instruction", False)
    ]


def test_a_task_about_an_english_sentence_is_not_untranslated(checker: Checker) -> None:
    pair = Pair('Edita la frase: "I likes reading"', "", "I like reading.")
    assert found(checker, pair, "es", file_lang="es") == []


@pytest.mark.parametrize(
    ("lang", "pair"),
    [
        ("cs", Pair("Vzhledem k", "napsat báseň. Vstup: Řeka plynule protéká městem.", "Řeka teče.")),
        ("de", Pair("Berechne die Summe aller Zahlen in der", "Liste Eingabe: [1, 2, 3]", "6")),
        ("ja", Pair("与えられた", "詩を作成してください。入力：町を優雅に流れる川。", "川の詩です。")),
    ],
)  # fmt: skip
def test_an_instruction_split_across_fields_is_flagged(
    checker: Checker, lang: str, pair: Pair
) -> None:
    assert ("split_instruction", "instruction", False) in found(checker, pair, lang)


def test_a_finished_instruction_with_a_labelled_input_is_not_split(checker: Checker) -> None:
    pair = Pair("Napište báseň.", "Téma řeky. Vstup: Řeka plynule protéká městem.", "Řeka teče.")
    assert [f for f in found(checker, pair, "cs") if f[0] == "split_instruction"] == []


def test_check_file_knows_the_files_language(
    tmp_path: Path, identifier: LanguageIdentifier
) -> None:
    path = tmp_path / "ja.jsonl"
    rows = [*JAPANESE, ENGLISH, *JAPANESE]
    path.write_text(
        "".join(
            json.dumps({"instruction": p.instruction, "input": p.input, "output": p.response})
            + "\n"
            for p in rows
        ),
        "utf-8",
    )
    checked = [r for r in check_file(str(path), identifier, Checker(identifier))]
    assert all(isinstance(r, CheckedRecord) for r in checked)
    kinds = [[f.kind for f in r.findings] for r in checked if isinstance(r, CheckedRecord)]
    assert kinds[len(JAPANESE)] == ["untranslated_record"]
    assert all(k == [] for i, k in enumerate(kinds) if i != len(JAPANESE))
