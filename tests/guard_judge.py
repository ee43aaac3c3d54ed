"""The revision guard as the pipeline calls it, for the guard tests."""

from __future__ import annotations

from midb_cli.boost.guards import GuardResult, GuardSettings, RevisionGuard
from midb_cli.checks import Checker
from midb_cli.langid import LanguageIdentifier
from midb_cli.records.pair import Pair

_IDENTIFIER: list[LanguageIdentifier] = []


def identifier() -> LanguageIdentifier:
    """One loaded identifier for the module (loading the models is most of the cost)."""
    if not _IDENTIFIER:
        _IDENTIFIER.append(LanguageIdentifier())
    return _IDENTIFIER[0]


def judge(
    original: Pair,
    revised: Pair,
    lang: str,
    settings: GuardSettings | None = None,
    finish_reason: str | None = None,
) -> GuardResult:
    """The guard as the pipeline calls it: the original identified and checked first, ``lang``
    the file's language prior."""
    ident = identifier()
    checker = Checker(ident)
    guard = RevisionGuard(ident, checker, settings or GuardSettings())
    record_lang = ident.identify(original, lang)
    return guard.evaluate(
        original,
        revised,
        record_lang.lang,
        checker.check(original, record_lang, file_lang=lang),
        original_lang=record_lang,
        finish_reason=finish_reason,
        file_lang=lang,
    )


def judge_response(
    instruction: str, original_response: str, response: str, lang: str, input_text: str = ""
) -> tuple[str, str]:
    """(reason, detail) for a revision that changes only the response, finish_reason "stop"
    (the hard case: nothing says the answer was cut); ("", "") when it is accepted."""
    original = Pair(instruction, input_text, original_response)
    result = judge(original, original.with_field("response", response), lang, finish_reason="stop")
    return result.reason or "", result.detail
