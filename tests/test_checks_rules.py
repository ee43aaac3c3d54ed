"""Rules that never damage a record: Japanese punctuation converted whole or not at all,
worked examples of a task left in place, loops collapsed to one copy."""

from __future__ import annotations

import pytest

from midb_cli.checks import Checker
from midb_cli.checks.fixes import fix_pair
from midb_cli.langid import LanguageIdentifier
from midb_cli.records.pair import Pair

JA_TASK = "次の単語を使って文を作ってください。"


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(LanguageIdentifier())


def findings(checker: Checker, pair: Pair, lang: str) -> list[tuple[str, str, bool]]:
    found = checker.check(pair, checker.identifier.identify(pair, lang))
    return [(f.kind, f.field, f.fixable) for f in found]


def repaired(checker: Checker, pair: Pair, lang: str) -> Pair:
    return fix_pair(pair, lang, checker.check(pair, checker.identifier.identify(pair, lang))).pair


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("猫, 土, 家", "猫、土、家"),
        ("パーティー, rattles, 毛布, クリブ", "パーティー、rattles、毛布、クリブ"),
        ("名詞: 私, セミナー, ウェブ, 開発.", "名詞: 私、セミナー、ウェブ、開発。"),
        ("項目A: [猫, りんご]\n項目B: [動物, 食べ物]", "項目A: [猫、りんご]\n項目B: [動物、食べ物]"),
        ("AI,データ,クラウド", "AI、データ、クラウド"),
        # numbers inside long sentences are prose, not data
        ("体温が35度未満に下がると発生し,臓器不全を引き起こす可能性があります.",
         "体温が35度未満に下がると発生し、臓器不全を引き起こす可能性があります。"),
    ],
)  # fmt: skip
def test_japanese_lists_are_converted_whole_without_spaces(
    checker: Checker, before: str, after: str
) -> None:
    assert repaired(checker, Pair(JA_TASK, "", before), "ja").response == after


@pytest.mark.parametrize(
    "text",
    [
        # a bibliography: separators between Latin words and numbers
        "3. Cook, J. et al. (2013). 科学文献における合意の定量化. 環境研究レター, 8(2), p.020,775.",
        "シェイクスピア, ウィリアム. 『ロミオとジュリエット』. シェイクスピアオンライン, 2000.",
        # CSV-like rows and an address: the data rows hold numbers
        "名前, 年齢, 都市\n田中, 30, 東京\n佐藤, 25, 大阪",
        "住所: 東京都, 千代田区, 1-1-1",
        # values to compute
        "数量 = 10, 価格 = $4",
        "長さ: 4cm, 幅: 7cm",
        # an English phrase in a list: converting only the Japanese commas half-converts it
        "りんご, apples, pears, バナナ",
    ],
)
def test_uncertain_japanese_punctuation_is_reported_not_edited(checker: Checker, text: str) -> None:
    pair = Pair(JA_TASK, "", text)
    found = [f for f in findings(checker, pair, "ja") if f[0] == "punctuation_locale"]
    assert found == [("punctuation_locale", "response", False)]
    assert repaired(checker, pair, "ja") == pair


RU_TASK = (
    "Дано целое число n. Верните true, если оно является степенью тройки, иначе false.\n\n"
    "Пример 1:\nВвод: n = 27\nВывод: true\nОбъяснение: 27 = 3^3\n\n"
    "Пример 2:\nВвод: n = 0\nВывод: false\n\n"
    "Ограничения:\n-2^31 <= n <= 2^31 - 1\n\n"
    "Дополнительно: сможете ли вы решить это без циклов и рекурсии?"
)


@pytest.mark.parametrize(
    ("lang", "instruction"),
    [
        ("ru", RU_TASK),
        ("ja", "整数nが3の累乗であればtrueを返すJavaの関数を書いてください。\n入力: n = 27\n出力: true"),
        ("el", "Γράψτε μια συνάρτηση σε Java που ελέγχει αν ο n είναι δύναμη του τρία.\nΕίσοδος: n = 3\nΈξοδος: true"),
        ("es", "Escribe una función que sume dos números.\nEjemplo 1:\nEntrada: a = 1, b = 2"),
        ("de", "Schreibe eine Funktion, die eine Liste sortiert.\nEingabe: [3, 1, 2]\nAusgabe: [1, 2, 3]"),
    ],
)  # fmt: skip
def test_worked_examples_of_a_task_are_not_a_leaked_input(
    checker: Checker, lang: str, instruction: str
) -> None:
    pair = Pair(instruction, "", "```java\nclass Solution {\n}\n```")
    assert [f for f in findings(checker, pair, lang) if f[0] == "field_leak"] == []
    assert repaired(checker, pair, lang) == pair


def test_a_leaked_input_is_still_moved(checker: Checker) -> None:
    pair = Pair(
        "Clasifica la frase como positiva o negativa.\nEntrada: Me encanta.", "", "Positiva."
    )
    fixed = repaired(checker, pair, "es")
    assert (fixed.instruction, fixed.input) == (
        "Clasifica la frase como positiva o negativa.",
        "Me encanta.",
    )


@pytest.mark.parametrize(
    ("lang", "before", "after"),
    [
        ("cs", "holubice, nad, rukavice, toho, strčit, toho, toho, toho, toho, toho.",
         "holubice, nad, rukavice, toho, strčit, toho."),
        ("cs", "Slova: toho, toho, toho, toho, toho", "Slova: toho"),
        ("id", "Benci, membenci, membenci, membenci, membenci, membenci.", "Benci, membenci."),
        ("es", "Duerme bien. Duerme bien. Duerme bien. Duerme bien.", "Duerme bien."),
    ],
)  # fmt: skip
def test_a_loop_collapses_to_one_copy(checker: Checker, lang: str, before: str, after: str) -> None:
    task = {"cs": "Napiš slova.", "id": "Tulis kata-kata.", "es": "Escribe una frase."}[lang]
    assert repaired(checker, Pair(task, "", before), lang).response == after
