"""Cut answers that end on a whole word, read against the original's shape
(boost/guard_endings.py; the one-line lead-in, the product without its result and the Latin
word cut in Japanese or Korean of guard_truncation.py), and the open endings of good
revisions those rules must leave alone. Fixture strings written for the tests."""

from __future__ import annotations

import pytest

from midb_cli.boost.guard_endings import cut_against_original
from midb_cli.boost.guards import GuardResult, GuardSettings, RevisionGuard
from midb_cli.checks import Checker
from midb_cli.langid import LanguageIdentifier
from midb_cli.records.pair import Pair

_IDENTIFIER: list[LanguageIdentifier] = []


def _judge(instruction: str, original_response: str, response: str, lang: str) -> GuardResult:
    if not _IDENTIFIER:
        _IDENTIFIER.append(LanguageIdentifier())
    ident = _IDENTIFIER[0]
    checker = Checker(ident)
    guard = RevisionGuard(ident, checker, GuardSettings())
    original = Pair(instruction, "", original_response)
    record_lang = ident.identify(original, lang)
    return guard.evaluate(
        original,
        original.with_field("response", response),
        record_lang.lang,
        checker.check(original, record_lang),
        original_lang=record_lang,
        finish_reason="stop",
    )


_FRUITS = "1. Arance\n2. Kiwi\n3. Fragole\n4. Peperoni\n5. Broccoli"


@pytest.mark.parametrize(
    ("lang", "instruction", "original_response", "response", "rule"),
    [
        (
            "es",
            "¿Cuál es la capital de Japón?",
            "Tokio.",
            "Es Tokio. Es una ciudad enor",
            "open_sentence_after_a_stop",
        ),
        # a stop after a number ends a sentence too
        (
            "es",
            "¿En qué año llegó el hombre a la Luna?",
            "1969",
            "El hombre llegó a la Luna en 1969. La misión se llamó",
            "open_sentence_after_a_stop",
        ),
        # a quoted slogan the original closed inside its quotes
        (
            "fr",
            "Écris un slogan qui parle de clients satisfaits.",
            '"Des clients heureux, une équipe heureuse !"',
            "Voici un slogan sur des clients satisfaits :\n\nNous ne vendons pas",
            "open_line_after_lead_in",
        ),
        (
            "it",
            "Trova il soggetto e il verbo della frase: Il cane abbaia.",
            "Soggetto: Il cane\nVerbo: abbaia",
            "Ecco il soggetto e il verbo della frase:\n\n- Soggetto: il cane\n\n- Verbo",
            "label_without_value",
        ),
        (
            "it",
            "Elenca cinque frutti ricchi di vitamina C.",
            _FRUITS,
            "Ecco alcuni frutti ricchi di vitamina C:\n\n- Arance e mandarini",
            "first_item_only",
        ),
        (
            "it",
            "Elenca cinque frutti ricchi di vitamina C.",
            _FRUITS,
            "Ecco alcuni frutti ricchi di vitamina C:\n\n1. Arance\n2. Kiwi\n3. Fragole dolci",
            "dropped_last_items",
        ),
        (
            "de",
            "Nenne Synonyme für das Wort entschlossen.",
            "Entschlossen, beharrlich, standhaft.",
            "Hier sind einige Synonyme",
            "open_lead_in",
        ),
        (
            "cs",
            "Napište tři synonyma slova rychlý.",
            "Svižný, hbitý, kvapný.",
            "Zde jsou tři synonyma slova rychlý:\n\n- svižný\n\n- hbitý",
            "fewer_than_announced",
        ),
        (
            "es",
            "Escribe tres sinónimos de rápido.",
            "Veloz, ágil, raudo.",
            "Aquí hay tres sinónimos de rápido: veloz, ágil",
            "fewer_than_announced",
        ),
        (
            "ja",
            "文の主語と動詞を答えてください：彼女は手紙を送った。",
            "主語: 彼女\n動詞: 送った",
            "主語と動詞は次の通りです：\n\n- 主語: 彼女\n\n- 動詞:",
            "ends_on_a_colon",
        ),
        (
            "fr",
            "Trouve les noms communs de la phrase : Le chat dort sur le tapis.",
            "Noms : chat, tapis.",
            "Les noms communs de la phrase sont :\n\n- Le chat noir",
            "first_item_only",
        ),
        (
            "cs",
            "Přeformulujte větu tak, aby nebyla antropomorfní: Slunce dnes přichází pozdě.",
            "Slunce dnes přichází pozdě.",
            "Věta by mohla být přeformulována například takto:\n\nSlunce dnes vychází",
            "open_line_after_lead_in",
        ),
        # the labelled values the original answers with are nowhere
        (
            "fr",
            "Trouve le sujet et le verbe : Le chien aboie.",
            "Sujet : Le chien\nVerbe : aboie",
            "Le sujet et le verbe de cette phrase",
            "answer_never_reached",
        ),
        # ... nor its one token
        (
            "de",
            "Entschlüssle das Wort: süRegt",
            "Gerüst",
            "Die Lösung des Rätsels erfordert etwas Nachdenken",
            "answer_never_reached",
        ),
        # Korean: the last characters sit in the original, the same word going on
        (
            "ko",
            "기후 변화의 두 가지 원인을 설명하세요.",
            "두 가지 원인은 화석 연료의 연소와 삼림 벌채로, 삼림 벌채는 이산화탄소를 흡수하는 나무를 줄입니다.",
            "기후 변화의 주요 원인은 화석 연료의 연소와 삼림 벌채로, 삼림 벌채는 이산화",
            "original_goes_on",
        ),
        # a Latin word cut in a Korean answer, the instruction spells it in full
        (
            "ko",
            "주어진 문장의 각 단어의 품사를 찾으세요: The lawyer reads.",
            "The: 관사\nlawyer: 명사\nreads: 동사",
            "각 단어의 품사는 다음과 같습니다:\n\n- 관사: The\n\n- 명사: law",
            "inside_word",
        ),
        # a word cut in two, its start capitalised
        (
            "es",
            "Encuentra la palabra más larga: Fue un día extraordinario.",
            "extraordinario",
            "La palabra más larga de la oración es Extraordin",
            "inside_word",
        ),
        # a product without its result
        (
            "de",
            "Rechne 45 Kilometer in Meilen um.",
            "27,96 Meilen",
            "Um 45 Kilometer in Meilen umzurechnen, multipliziert man:\n\n45 km x 0,621371",
            "open_bracket_or_formula",
        ),
    ],
)
def test_a_cut_that_ends_on_a_whole_word(
    lang: str, instruction: str, original_response: str, response: str, rule: str
) -> None:
    result = _judge(instruction, original_response, response, lang)
    assert (result.reason, result.detail) == ("guard:truncated", rule)


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Le nombre manquant est **8**. La suite est formée", "open_sentence_after_a_stop"),
        ("Il est arrivé en 1969. Puis il est reparti", "open_sentence_after_a_stop"),
        ("Étapes : 1. Mélanger 2. Cuire la pâte", None),  # one digit: an item number
        ("Écrit par le Dr. Martin et son équipe", None),  # two letters: an abbreviation
    ],
)
def test_a_sentence_ends_after_a_word_a_number_or_bold_text(line: str, rule: str | None) -> None:
    assert cut_against_original("Une phrase.", line, line, "fr") == rule


@pytest.mark.parametrize(
    ("lang", "instruction", "original_response", "response"),
    [
        # a quote and its author
        (
            "fr",
            "Donne-moi une citation inspirante.",
            "« La volonté rend tout possible. »",
            "« Le succès est la somme de petits efforts. » - Robert Collier",
        ),
        # a one-line list of words for a list of words
        (
            "fr",
            "Donne des synonymes de drôle.",
            "Amusant, comique, hilarant.",
            "Amusant, comique et hilarant",
        ),
        # a shorter list rewritten in its own words
        (
            "fr",
            "Propose un programme pour une journée à Paris.",
            "- Visiter le musée le matin\n- Déjeuner au marché\n- Faire une balade en vélo\n"
            "- Dîner au restaurant\n- Rentrer à l'hôtel",
            "Voici un programme :\n\n- Matinée culturelle au Louvre\n\n"
            "- Après-midi de shopping sur les Champs-Élysées",
        ),
        # a new title for a quoted one with a subtitle (no labelled answer to give)
        (
            "ja",
            "人工知能についての本のタイトルを作ってください。",
            '"未来を読み解く: 人工知能の力"',
            "新しい知能: 人工の脳を探る",
        ),
        # steps numbered on one line: a one-digit number and its point start an item
        (
            "fr",
            "Comment faire une pâte à crêpes ?",
            "Mélangez la farine, les œufs et le lait.",
            "Les étapes : 1. Mélanger la farine 2. Ajouter les œufs et le lait",
        ),
        # a quoted title for a quoted title, open after its lead-in
        (
            "fr",
            "Propose un titre pour un roman fantastique.",
            '"Le Mage perdu"',
            "Voici un titre possible :\n\nLa couronne des ombres",
        ),
        # an abbreviation is no sentence stop
        (
            "fr",
            "Qui a écrit la lettre ?",
            "La lettre a été écrite par le docteur Martin.",
            "Écrite par le Dr. Martin",
        ),
        # a size, not a product without its result
        ("de", "Welche Auflösung hat Full HD?", "1920 x 1080 Pixel.", "Full HD hat 1920 x 1080"),
        # as many items as announced
        (
            "cs",
            "Napište tři synonyma slova rychlý.",
            "Svižný, hbitý, kvapný.",
            "Zde jsou tři synonyma slova rychlý:\n\n- svižný\n\n- hbitý\n\n- kvapný",
        ),
        # one name after a lead-in
        (
            "ja",
            "ファンタジーの生き物の名前を考えてください。",
            "セレスティオドン。",
            "ファンタジーの生き物の名前はこちらです：\n\nルミニクシア",
        ),
        # a new title for a title with a subtitle (a long label is no label)
        (
            "es",
            "Escribe un título para un ensayo sobre la música.",
            "El poder de la música: un viaje personal",
            "Cómo la música cambia nuestras vidas",
        ),
        # a formula with its result after a lead-in
        (
            "de",
            "Berechne die Kraft auf eine Masse von 1 kg.",
            "Die Kraft beträgt 9,8 N.",
            "Die Kraft auf die Masse beträgt daher:\nF = mg = 1 x 9,8 = 9,8 N",
        ),
        # one name after a lead-in, in Korean
        (
            "ko",
            "환상 생물의 이름을 지어 주세요.",
            "Celestiodon.",
            "환상 생물의 가능한 이름은 다음과 같습니다:\n\nLuminixia",
        ),
        # the label list complete, the last value one word
        (
            "it",
            "Trova il soggetto e il verbo della frase: Il cane abbaia.",
            "Soggetto: Il cane\nVerbo: abbaia",
            "Ecco il soggetto e il verbo:\n\n- Soggetto: il cane\n\n- Verbo: abbaia",
        ),
    ],
)
def test_open_endings_of_good_revisions_stay_accepted(
    lang: str, instruction: str, original_response: str, response: str
) -> None:
    assert _judge(instruction, original_response, response, lang).reason is None
