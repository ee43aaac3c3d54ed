"""Cut answers that end on a whole word, read against the original's shape
(boost/guard_endings.py and the one-line lead-in of guard_truncation.py), and the open
endings of good revisions those rules must leave alone. Fixture strings written for the tests."""

from __future__ import annotations

import pytest

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
            "Ecco cinque frutti ricchi di vitamina C:\n\n- Arance e mandarini",
            "first_item_only",
        ),
        (
            "it",
            "Elenca cinque frutti ricchi di vitamina C.",
            _FRUITS,
            "Ecco cinque frutti ricchi di vitamina C:\n\n1. Arance\n2. Kiwi\n3. Fragole dolci",
            "dropped_last_items",
        ),
        (
            "de",
            "Nenne Synonyme für das Wort entschlossen.",
            "Entschlossen, beharrlich, standhaft.",
            "Hier sind einige Synonyme",
            "open_lead_in",
        ),
    ],
)
def test_a_cut_that_ends_on_a_whole_word(
    lang: str, instruction: str, original_response: str, response: str, rule: str
) -> None:
    result = _judge(instruction, original_response, response, lang)
    assert (result.reason, result.detail) == ("guard:truncated", rule)


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
        # an abbreviation is no sentence stop
        (
            "fr",
            "Qui a écrit la lettre ?",
            "La lettre a été écrite par le docteur Martin.",
            "Écrite par le Dr. Martin",
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
