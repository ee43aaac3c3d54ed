"""Edits found by a native-editor audit of every record `rules` changes (issue 8 §2): an Arabic
letter's salutation kept its ASCII comma while the closing line was converted."""

from __future__ import annotations

import pytest

from midb_cli.checks import Checker
from midb_cli.checks.fixes import fix_pair
from midb_cli.langid import LanguageIdentifier
from midb_cli.records.pair import Pair

AR_TASK = "اكتب رسالة شكر لأستاذ."


@pytest.fixture(scope="module")
def checker() -> Checker:
    return Checker(LanguageIdentifier())


def repaired(checker: Checker, pair: Pair, lang: str) -> Pair:
    return fix_pair(pair, lang, checker.check(pair, checker.identifier.identify(pair, lang))).pair


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("عزيزي [الاسم],\n\nشكرًا لك على دعمك.\n\nمع خالص التحية,\n[الاسم]",
         "عزيزي [الاسم]،\n\nشكرًا لك على دعمك.\n\nمع خالص التحية،\n[الاسم]"),
        ("عزيزي XXX,\n\nشكرًا لك على دعمك.\n\nمع أطيب التمنيات,\nفريق Citi",
         "عزيزي XXX،\n\nشكرًا لك على دعمك.\n\nمع أطيب التمنيات،\nفريق Citi"),
        ("عزيزي الأستاذ [الاسم], \n\nأود أن أشكرك.\n\nشكراً,\n[الاسم]",
         "عزيزي الأستاذ [الاسم]، \n\nأود أن أشكرك.\n\nشكراً،\n[الاسم]"),
    ],
)  # fmt: skip
def test_an_arabic_letter_is_converted_whole(checker: Checker, before: str, after: str) -> None:
    assert repaired(checker, Pair(AR_TASK, "", before), "ar").response == after


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # a Latin line keeps its commas (an English greeting is not Arabic text)
        ("Dear John,\n\nشكرًا لك,\nأحمد", "Dear John,\n\nشكرًا لك،\nأحمد"),
        # a line that keeps another ASCII comma (a Latin list) is not half converted
        ("الكلمات: apple, banana,\nشكرًا لك,", "الكلمات: apple, banana,\nشكرًا لك،"),
    ],
)  # fmt: skip
def test_line_end_commas_of_other_text_are_kept(checker: Checker, before: str, after: str) -> None:
    assert repaired(checker, Pair(AR_TASK, "", before), "ar").response == after


def test_a_salutation_alone_is_not_an_edit(checker: Checker) -> None:
    # nothing else in the field is converted: the line-end comma is no finding on its own
    pair = Pair(AR_TASK, "", "مرحبا [الاسم],")
    found = checker.check(pair, checker.identifier.identify(pair, "ar"))
    assert fix_pair(pair, "ar", found).pair is pair
