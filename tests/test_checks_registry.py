"""The check registry: every kind is one object; a new kind needs no other edit to be
selected, run, fixed and listed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import midb_cli.checks as checks
from midb_cli.checks import Checker, CheckKind, Finding, Fix, register_check
from midb_cli.checks.context import CheckContext, FixContext
from midb_cli.checks.fixes import fix_pair
from midb_cli.checks.registry import kinds_help, registered, unregister_check
from midb_cli.langid import LanguageIdentifier
from midb_cli.records.pair import Pair

MARK = "\u27e6x\u27e7"  # a token no real text holds


def _detect(ctx: CheckContext, role: str) -> Finding | None:
    if MARK in ctx.fields[role].text:
        return Finding("marker_token", role, "a test marker", True)
    return None


def _remove(text: str, role: str, ctx: FixContext) -> str:
    return text.replace(MARK, "")


@pytest.fixture
def marker_kind() -> Iterator[CheckKind]:
    kind = register_check(
        CheckKind(
            "marker_token",
            "a test marker",
            stage=2,
            default=False,
            field_detect=_detect,
            fix=Fix(3, field=_remove, label="marker_token: removed"),
        )
    )
    yield kind
    unregister_check(kind.name)


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


def test_kinds_come_from_the_registry() -> None:
    names = [k.name for k in registered()]
    assert tuple(names) == checks.KINDS
    assert set(checks.DEFAULT_KINDS) | set(checks.OPTIONAL_KINDS) == set(names)
    assert set(checks.OPTIONAL_KINDS) == {"unicode_form", "whitespace"}
    assert all(k.description for k in registered())


def test_a_new_kind_is_one_object(marker_kind: CheckKind, identifier: LanguageIdentifier) -> None:
    pair = Pair("Schreibe ein Gedicht über den Herbst.", "", f"Die Blätter fallen {MARK}leise.")
    record_lang = identifier.identify(pair, "de")
    assert "marker_token" in checks.KINDS and "marker_token" not in checks.DEFAULT_KINDS
    assert Checker(identifier).check(pair, record_lang) == []  # opt-in: off by default
    found = Checker(identifier, select=["marker_token"]).check(pair, record_lang)
    assert [(f.kind, f.field) for f in found] == [("marker_token", "response")]
    result = fix_pair(pair, "de", found)
    assert result.pair.response == "Die Blätter fallen leise."
    assert result.applied == ["marker_token: removed in response"]
    assert "marker_token (opt-in): a test marker; fixed" in kinds_help()


def test_a_kind_takes_one_detector_and_at_most_one_fix() -> None:
    with pytest.raises(ValueError, match="record_detect or field_detect"):
        CheckKind("bad", "bad", stage=0)
    with pytest.raises(ValueError, match="field or a record fix"):
        CheckKind("bad", "bad", stage=2, field_detect=_detect, fix=Fix(3))


def test_kinds_without_a_fix_never_report_fixable(identifier: LanguageIdentifier) -> None:
    unfixable = {k.name for k in registered() if k.fix is None}
    checker = Checker(identifier, select=["all"])
    pairs = [
        ("de", Pair("Schreibe eine Geschichte über einen Hund, der", "", "")),
        ("de", Pair("Write a story about a dog that finds its way home.", "", "Der Hund lief.")),
        ("de", Pair("Erkläre das.", "", "Der Hund lief nach Hause und dann war der")),
    ]
    for lang, pair in pairs:
        for f in checker.check(pair, identifier.identify(pair, lang)):
            assert not (f.kind in unfixable and f.fixable), f


def test_an_uncertain_fix_waits_for_a_caller_that_asks(identifier: LanguageIdentifier) -> None:
    kind = register_check(
        CheckKind(
            "marker_token",
            "a test marker",
            stage=2,
            default=False,
            field_detect=_detect,
            fix=Fix(3, field=_remove, label="marker_token: removed", certain=False),
        )
    )
    try:
        pair = Pair("Schreibe ein Gedicht.", "", f"Die Blätter {MARK}fallen.")
        found = Checker(identifier, select=["marker_token"]).check(
            pair, identifier.identify(pair, "de")
        )
        assert fix_pair(pair, "de", found).pair == pair
        assert fix_pair(pair, "de", found, uncertain=True).pair.response == "Die Blätter fallen."
        assert "marker_token (opt-in): a test marker; fix offered" in kinds_help()
    finally:
        unregister_check(kind.name)
