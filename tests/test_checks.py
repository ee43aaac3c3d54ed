"""The detectors, kind by kind: what they must flag and the legitimate text they must not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from midb_cli.checks import DEFAULT_KINDS, KINDS, Checker, Finding
from midb_cli.errors import UsageError
from midb_cli.langid import LanguageIdentifier
from midb_cli.records.pair import Pair

DATA = Path(__file__).parent / "data" / "checks"


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


@pytest.fixture(scope="module")
def checker(identifier: LanguageIdentifier) -> Checker:
    return Checker(identifier)


def clean_pairs() -> list[tuple[str, Pair]]:
    rows = [json.loads(line) for line in (DATA / "clean.jsonl").read_text("utf-8").splitlines()]
    return [(r["id"][:2], Pair(r["instruction"], r["input"], r["output"])) for r in rows]


def findings(checker: Checker, pair: Pair, lang: str, source: Pair | None = None) -> list[Finding]:
    record_lang = checker.identifier.identify(pair, lang)
    return checker.check(pair, record_lang, source)


def kinds(checker: Checker, pair: Pair, lang: str) -> set[str]:
    return {f.kind for f in findings(checker, pair, lang)}


DE = Pair(
    "Erkläre, warum regelmäßige Bewegung wichtig ist.",
    "",
    "Regelmäßige Bewegung stärkt das Herz und den Kreislauf. Sie hilft außerdem, "
    "Stress abzubauen und besser zu schlafen. Wer sich jeden Tag bewegt, bleibt länger gesund.",
)
ES = Pair(
    "Explica por qué es importante dormir bien.",
    "",
    "Dormir bien permite que el cuerpo se recupere y que la mente procese lo aprendido. "
    "Además, reduce el riesgo de enfermedades y mejora el estado de ánimo durante el día.",
)
JA = Pair(
    "健康的な朝食の例を挙げてください。",
    "",
    "健康的な朝食には、全粒粉のパン、ヨーグルト、果物などがあります。"
    "これらは体に必要な栄養をバランスよく与えてくれます。毎朝しっかり食べることが大切です。",
)
AR = Pair(
    "اشرح لماذا تعتبر القراءة مفيدة؟",
    "",
    "القراءة تنمي المفردات وتحسن التركيز، كما أنها توسع المعرفة بالعالم. "
    "هل تعلم أن القراءة اليومية تقلل التوتر؟ لذلك ينصح الخبراء بالقراءة كل يوم.",
)
EL = Pair(
    "Εξήγησε γιατί είναι σημαντικό το νερό;",
    "",
    "Το νερό είναι απαραίτητο για τη ζωή. Βοηθά το σώμα να ρυθμίζει τη θερμοκρασία του "
    "και να απομακρύνει τις τοξίνες. Πόσο νερό πίνεις κάθε μέρα;",
)


# -- clean records ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "pair"), [*clean_pairs(), ("de", DE), ("es", ES), ("ja", JA), ("ar", AR), ("el", EL)]
)
def test_clean_records_have_no_findings(checker: Checker, lang: str, pair: Pair) -> None:
    assert findings(checker, pair, lang) == []


# -- selection ---------------------------------------------------------------------------------
def test_select_and_ignore(identifier: LanguageIdentifier) -> None:
    assert Checker(identifier).kinds == frozenset(DEFAULT_KINDS)
    assert Checker(identifier, select=["mojibake,repetition"]).kinds == {"mojibake", "repetition"}
    assert Checker(identifier, select=["all"], ignore=["whitespace", "mojibake"]).kinds == set(
        KINDS
    ) - {"whitespace", "mojibake"}
    assert "truncated" not in Checker(identifier, ignore="truncated").kinds


def test_unknown_kind_is_a_usage_error_listing_the_kinds(identifier: LanguageIdentifier) -> None:
    with pytest.raises(UsageError, match=r"unknown check kind 'nope'.*wrong_language"):
        Checker(identifier, select=["nope"])


def test_ignored_kinds_are_not_reported(identifier: LanguageIdentifier) -> None:
    pair = DE.with_field("input", "<noinput>")
    assert kinds(Checker(identifier, ignore=["placeholder_input"]), pair, "de") == set()


# -- empty_response, placeholder_input -----------------------------------------------------
@pytest.mark.parametrize("response", ["", "   ", "\n\t"])
def test_empty_response(checker: Checker, response: str) -> None:
    assert "empty_response" in kinds(checker, DE.with_field("response", response), "de")


@pytest.mark.parametrize(
    ("lang", "placeholder"),
    [("de", "<keine Eingabe>"), ("de", "Kein Input"), ("es", "Sin entrada."), ("ja", "入力なし"),
     ("ar", "لا يوجد إدخال"), ("de", "`<noinput>`"), ("es", "Noinput"), ("el", "Καμία είσοδος")],
)  # fmt: skip
def test_placeholder_input(checker: Checker, lang: str, placeholder: str) -> None:
    pair = {"de": DE, "es": ES, "ja": JA, "ar": AR, "el": EL}[lang].with_field("input", placeholder)
    found = [f for f in findings(checker, pair, lang) if f.kind == "placeholder_input"]
    assert found and found[0].field == "input" and found[0].fixable


@pytest.mark.parametrize(
    "text", ["Keine Eingabe ist so gut wie diese.", "Input 5", "John Smith", "0"]
)
def test_real_inputs_are_not_placeholders(checker: Checker, text: str) -> None:
    assert "placeholder_input" not in kinds(checker, DE.with_field("input", text), "de")


# -- field_leak -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "pair",
    [
        DE.with_field("response", "Response: " + DE.response),
        DE.with_field("response", "<|response|>" + DE.response),
        DE.with_field("response", DE.response + "\n<|instruction|>Schreibe ein Gedicht."),
        DE.with_field("response", "### Response:\n" + DE.response),
        Pair(DE.instruction + "\nEingabe: Laufen und Schwimmen", "", DE.response),
        Pair(ES.instruction + "\nInput: dormir ocho horas", "", ES.response),
        DE.with_field(
            "response", DE.response + "\n\nInstruction: Schreibe ein Gedicht.\nResponse: Rosen"
        ),
    ],
)
def test_field_leak(checker: Checker, pair: Pair) -> None:
    assert "field_leak" in kinds(checker, pair, "de" if "Bewegung" in pair.instruction else "es")


@pytest.mark.parametrize(
    "pair",
    [
        # a function's examples, and a label inside a sentence
        Pair(
            "Schreibe eine Funktion, die eine Zahl quadriert.",
            "",
            "def quadrat(x):\n    return x * x\n\nInput: 3\nOutput: 9",
        ),
        Pair("Beantworte die Frage mit Ja oder Nein.", "Frage: Ist Wasser nass?", "Antwort: Ja"),
        Pair(
            "Respondé la pregunta.",
            "Pregunta: ¿Llueve?",
            "Respuesta: Sí, hoy llueve mucho en la ciudad.",
        ),
        Pair(
            "Schreibe eine Funktion. Input: eine Liste von Zahlen.", "[1, 2, 3]", "Die Summe ist 6."
        ),
    ],
)
def test_field_labels_that_belong_to_the_text_are_not_leaks(checker: Checker, pair: Pair) -> None:
    assert "field_leak" not in kinds(checker, pair, "de")


# -- punctuation_locale -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "pair"),
    [
        ("ja", JA.with_field("response", JA.response.replace("。", ".").replace("、", ","))),
        ("ar", AR.with_field("response", AR.response.replace("؟", "?"))),
        ("ar", AR.with_field("response", AR.response.replace("،", ","))),
        ("el", EL.with_field("response", EL.response.replace(";", "?"))),
        (
            "ar",
            AR.with_field(
                "response", "ستكون النتيجة 15, لأن قيمة المتغير c هي a + b, والتي تساوي 15."
            ),
        ),
        ("ja", JA.with_field("response", "AI,データ分析,クラウドが重要です。")),
    ],
)
def test_punctuation_locale(checker: Checker, lang: str, pair: Pair) -> None:
    found = [f for f in findings(checker, pair, lang) if f.kind == "punctuation_locale"]
    assert found and found[0].fixable


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "ja",
            "バージョン2.5をインストールしてください。詳しくは https://example.com/a.b,c を見てください。",
        ),
        ("ja", '次のコードを実行します：`print("こんにちは.")`。結果は3.14です。'),
        ("ja", "```python\nx = 'データ.'\n```\n上のコードは文字列を作ります。"),
        ("ar", "الإصدار 3.5 متاح الآن، ويمكنك تنزيله من www.example.com/a?b=1 مجانًا."),
        ("ar", "بلغ عدد السكان 1,500,000 نسمة في عام 2020."),
        ("ja", "価格は1,000円です。Mr.田中さんに聞いてください。"),
        ("el", 'Τι είναι η Python; Γράψε `print("γεια?")` για να δεις.'),
    ],
)
def test_punctuation_in_code_urls_and_numbers_is_fine(
    checker: Checker, lang: str, text: str
) -> None:
    pair = {"ja": JA, "ar": AR, "el": EL}[lang].with_field("response", text)
    assert "punctuation_locale" not in kinds(checker, pair, lang)


# -- mojibake ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "pair"), [("de", DE), ("ja", JA), ("ar", AR), ("es", ES), ("el", EL)]
)
@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_mojibake(checker: Checker, lang: str, pair: Pair, codec: str) -> None:
    try:
        damaged = pair.response.encode("utf-8").decode(codec)
    except UnicodeDecodeError:
        pytest.skip(f"{codec} cannot decode these bytes")
    found = [
        f
        for f in findings(checker, pair.with_field("response", damaged), lang)
        if f.kind == "mojibake"
    ]
    assert found and found[0].fixable


@pytest.mark.parametrize(
    "text",
    [
        "L'«idée» de São Paulo coûte 5 € à Zürich.",
        "Ã la carte, dazu ±5 Grad und 20 °C.",
        "Çà et là, ô combien.",
    ],
)
def test_latin_text_is_not_mojibake(checker: Checker, text: str) -> None:
    assert "mojibake" not in kinds(
        checker, DE.with_field("response", DE.response + " " + text), "de"
    )


# -- repetition --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "pair"),
    [
        ("de", DE.with_field("response", DE.response + " Das ist sehr wichtig." * 4)),
        (
            "de",
            DE.with_field("response", "Es ist sehr sehr sehr sehr sehr wichtig, sich zu bewegen."),
        ),
        ("ja", JA.with_field("response", JA.response + "毎朝食べましょう。" * 3)),
        (
            "es",
            ES.with_field("response", ES.response + " Dormir bien, comer bien, vivir bien." * 3),
        ),
        # a whole answer pasted three times, seams without a separator
        ("es", ES.with_field("response", "Los sustantivos en la oración son: hombre, calle " * 3)),
        (
            "ja",
            JA.with_field(
                "response",
                "文1の主語:\n\n- 主語: 太陽\n\n- 動詞: 昇る\n\n文2の主語:\n\n- 主語: 私\n\n- 動詞: 食べた"
                * 4,
            ),
        ),
    ],
)
def test_repetition(checker: Checker, lang: str, pair: Pair) -> None:
    assert "repetition" in kinds(checker, pair, lang)


@pytest.mark.parametrize(
    "text",
    [
        "Schritt 1: Wasser kochen.\nSchritt 2: Tee hinzufügen.\nSchritt 3: Warten.",
        "Sehr, sehr gut! Das Ergebnis ist 1, 1, 2, 3, 5, 8.",
        "| A | B |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n| 5 | 6 |",
        "Zeile eins.\n\nZeile eins.\n\nEtwas anderes.",
    ],
)
def test_lists_and_refrains_are_not_loops(checker: Checker, text: str) -> None:
    assert "repetition" not in kinds(checker, DE.with_field("response", text), "de")


# -- truncated ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "response"),
    [
        ("de", DE.response + " Außerdem sorgt Bewegung dafür, dass der"),
        ("de", DE.response + "\n\n```python\nfor i in range(3):\n    print(i)"),
        (
            "es",
            ES.response + " Por otro lado, dormir poco afecta la memoria y la concentración de las",
        ),
        (
            "ja",
            "健康的な朝食には、全粒粉のパン、ヨーグルト、果物などがあります。これらは体に必要な栄養を",
        ),
        (
            "ja",
            "おすすめの本は次の通りです:\n- 『オプションB: 逆境に立ち向かい、喜びを見つける』\n- 『レジリエント: 揺",
        ),
        (
            "es",
            ES.response
            + "\n\n- ¿Cómo ha afectado la pandemia a la economía y qué medidas para mitigar s",
        ),
        ("de", "Das Ergebnis steht fest. Die Berechnung zeigt, dass der We"[:-2] + "Wert ungef"),
        # the earlier items end with a full stop: a short last one was cut
        (
            "ko",
            "방법은 다음과 같습니다:\n\n1. 파일을 압축하여 전송 크기를 줄이세요.\n\n2. HTTP 요청의 수를 최소화하세요.\n\n3. 콘텐츠",
        ),
        (
            "ja",
            "人口の多い国は以下の通りです：\n\n- 中国は世界で最も人口の多い国の一つです。\n\n- インドは人口が急速に増えている国です。\n\n- インドネ",
        ),
    ],
)
def test_truncated(checker: Checker, lang: str, response: str) -> None:
    pair = {"de": DE, "es": ES, "ja": JA, "ko": JA}[lang].with_field("response", response)
    assert "truncated" in kinds(checker, pair, lang)


@pytest.mark.parametrize(
    "response",
    [
        "Die Kontinente sind: Afrika, Antarktis, Asien, Australien, Europa, Nordamerika, Südamerika",
        "1. Einführung\n2. Hauptteil\n3. Schluss",
        "Wasser\nÖl\nMilch",
        "Das Ergebnis ist 42",
        "Löse die Gleichung nach x auf.\n\nDie Lösung hängt vom Wert von a ab: x",
        "Die Zutaten sind Mehl, Zucker und Eier.\n\nGuten Appetit",
        DE.response + "\n\n```python\nprint('fertig')\n```",
    ],
)
def test_complete_answers_without_a_full_stop_are_not_truncated(
    checker: Checker, response: str
) -> None:
    assert "truncated" not in kinds(checker, DE.with_field("response", response), "de")


@pytest.mark.parametrize(
    ("lang", "response"),
    [
        # a post ends on its hashtag, with no space after 。 in Japanese
        (
            "ja",
            "毎日少しずつ学ぶことが大切です。小さな努力を続けることで、大きな夢に少しずつ近づきます。#学びの力",
        ),
        # a quote ends on its author
        ("ja", "「小さな一歩を毎日続けることが、やがて人生の大きな変化を生みます。」 - 山田花子"),
        (
            "de",
            "„Wer immer tut, was er schon kann, bleibt immer das, was er schon ist.“ – Henry Ford",
        ),
    ],
)
def test_a_post_or_a_quote_ends_open(checker: Checker, lang: str, response: str) -> None:
    pair = {"de": DE, "ja": JA}[lang].with_field("response", response)
    assert "truncated" not in kinds(checker, pair, lang)


def test_an_item_after_a_closed_sentence_is_no_author(checker: Checker) -> None:
    """`。` and then a list item on the next line: no quote and its author, a cut item."""
    response = (
        "理由は次の通りです。\n\n- 毎日の運動は体を強くします。\n\n- 十分な睡眠は心を落ち着かせて"
    )
    assert "truncated" in kinds(checker, JA.with_field("response", response), "ja")


# -- wrong_language, untranslated_segment --------------------------------------------------------
def test_response_in_another_language(checker: Checker) -> None:
    pair = DE.with_field("response", ES.response)
    assert "wrong_language" in kinds(checker, pair, "de")
    pair = JA.with_field("response", DE.response + " " + DE.response)
    assert "wrong_language" in kinds(checker, pair, "ja")


def test_translation_tasks_may_answer_in_another_language(checker: Checker) -> None:
    pair = Pair("Übersetze den folgenden Text ins Spanische.", DE.response, ES.response)
    assert not {"wrong_language", "untranslated_segment"} & kinds(checker, pair, "de")


def test_english_input_and_answer_about_it_are_fine(checker: Checker) -> None:
    english = "The quick brown fox jumps over the lazy dog and it is happy with that."
    pair = Pair("Korrigiere die Grammatik des folgenden Satzes.", english, english)
    assert not {"wrong_language", "untranslated_segment"} & kinds(checker, pair, "de")


@pytest.mark.parametrize(("lang", "pair"), [("de", DE), ("es", ES), ("ja", JA), ("ar", AR)])
def test_untranslated_english_sentence(checker: Checker, lang: str, pair: Pair) -> None:
    english = "This is the most important thing you should remember about the topic."
    found = [
        f
        for f in findings(checker, pair.with_field("response", pair.response + " " + english), lang)
    ]
    assert "untranslated_segment" in {f.kind for f in found}


@pytest.mark.parametrize(
    "extra",
    [
        'Der Film heißt "The Lord of the Rings: The Return of the King".',
        "Apple, Microsoft und Google sind große Firmen mit Sitz in den USA.",
        "Das Motto lautet „Think different and stay with the flow“.",
        "Die Zahlen 3, 5 und 7 sind Primzahlen.",
    ],
)
def test_quotes_brands_and_numbers_are_not_untranslated(checker: Checker, extra: str) -> None:
    pair = DE.with_field("response", DE.response + " " + extra)
    assert not {"untranslated_segment", "wrong_language"} & kinds(checker, pair, "de")


# -- translated_code ---------------------------------------------------------------------------
CODE = "```python\ndef summe(zahlen):\n    ergebnis = 0\n    for zahl in zahlen:\n        if zahl > 0:\n            ergebnis += zahl\n    return ergebnis\n```"


@pytest.mark.parametrize(
    ("lang", "code"),
    [
        ("de", CODE.replace("if zahl", "wenn zahl").replace("return", "zurückgeben")),
        ("de", CODE.replace("for zahl", "für zahl")),
        ("es", "```python\nsi x > 0:\n    imprimir(x)\n```"),
        ("ja", "```python\nもし x > 0:\n    print(x)\n```"),
        ("de", "Verwende die `wenn`-Anweisung, um Bedingungen zu prüfen."),
        ("es", "Código:\nsi (x > 0) {\n  y = x * 2;\n}"),
    ],
)
def test_translated_code(checker: Checker, lang: str, code: str) -> None:
    pair = {"de": DE, "es": ES, "ja": JA}[lang]
    pair = pair.with_field("response", pair.response + "\n\n" + code)
    assert "translated_code" in kinds(checker, pair, lang)


@pytest.mark.parametrize(
    ("lang", "code"),
    [
        ("de", CODE),  # German identifiers in valid code
        ("es", "```python\npara = 5\nsi = para * 2\nprint(si)\n```"),
        ("es", "```python\ndef imprimir(texto):\n    print(texto)\n\nimprimir('hola')\n```"),
        ("de", "```text\nWenn es regnet, bleibe ich zu Hause.\n```"),
        ("de", "Wenn du Fragen hast: schreib mir (gern auch abends)."),
    ],
)
def test_valid_code_and_prose_are_not_translated_code(
    checker: Checker, lang: str, code: str
) -> None:
    pair = {"de": DE, "es": ES}[lang]
    pair = pair.with_field("response", pair.response + "\n\n" + code)
    assert "translated_code" not in kinds(checker, pair, lang)


def test_code_that_differs_from_the_source_is_fixable(checker: Checker) -> None:
    source = DE.with_field("response", DE.response + "\n\n" + CODE)
    mangled = DE.with_field(
        "response", DE.response + "\n\n" + CODE.replace("return", "zurückgeben")
    )
    found = [f for f in findings(checker, mangled, "de", source) if f.kind == "translated_code"]
    assert found and found[0].fixable


# -- languages without MIDB training data here: Russian, Greek, Thai, Korean ---------------------
RU = Pair(
    "Объясни, почему важно пить воду.",
    "",
    "Вода нужна организму для обмена веществ и регуляции температуры. "
    "Без достаточного количества воды человек быстро устаёт и хуже думает.",
)
TH = Pair(
    "อธิบายว่าทำไมการนอนหลับจึงสำคัญ",
    "",
    "การนอนหลับช่วยให้ร่างกายได้พักผ่อนและซ่อมแซมตัวเอง สมองจะจัดเก็บความทรงจำระหว่างการนอนหลับ",
)
KO = Pair(
    "운동이 왜 중요한지 설명하세요.",
    "",
    "규칙적인 운동은 심장을 튼튼하게 하고 스트레스를 줄여 줍니다. 또한 잠을 더 잘 자도록 도와줍니다.",
)


@pytest.mark.parametrize(("lang", "pair"), [("ru", RU), ("th", TH), ("ko", KO)])
def test_other_languages_clean(checker: Checker, lang: str, pair: Pair) -> None:
    assert findings(checker, pair, lang) == []


@pytest.mark.parametrize(
    ("lang", "pair", "kind"),
    [
        ("ru", RU.with_field("input", "Нет ввода"), "placeholder_input"),
        ("th", TH.with_field("input", "<ไม่มีอินพุต>"), "placeholder_input"),
        ("ru", RU.with_field("response", RU.response + " You should always check the results before you share them."), "untranslated_segment"),
        ("ko", KO.with_field("response", KO.response + " This is the most important thing you should know about it."), "untranslated_segment"),
        ("ru", RU.with_field("response", RU.response + "\n\n```python\nесли x > 0:\n    print(x)\n```"), "translated_code"),
        ("ko", KO.with_field("response", KO.response.encode("utf-8").decode("latin-1")), "mojibake"),
        ("ru", RU.with_field("response", DE.response), "wrong_language"),
        ("ko", KO.with_field("response", "규칙적인 운동은 심장을 튼튼하게 하고 스트레스를 줄여 줍니다. 또한 잠을 더 잘 자도록 도와주고 건강을"), "truncated"),
    ],
)  # fmt: skip
def test_other_languages_defects(checker: Checker, lang: str, pair: Pair, kind: str) -> None:
    assert kind in kinds(checker, pair, lang)
