"""Guards: reasons to refuse a revision and keep the original pair.

Every outcome a booster marks ``boosted`` passes through ``RevisionGuard`` before it is written.
A failed guard turns the outcome into ``fallback`` with the guard's reason and the original pair
is written instead. Reasons are short and stable because the summary and `midb stats` count them:

- ``guard:field_leak``      booster tags or field markers that the original did not have
- ``guard:empty_response``  the response was emptied
- ``guard:length_ratio``    the revision is much shorter or longer than the original
- ``guard:code_dropped``    a fenced code block or an inline code span of the original is gone
- ``guard:language``        a changed field is now in another language than the record, or
                            has a sentence left in another language
- ``guard:repetition``      the revision repeats itself where the original did not
- ``guard:code_translated`` code that was fine is now translated
- ``guard:truncated``       the revision stops mid-sentence or leaves a code fence open

Only what the revision changed is judged: an English input of a translation task stays legal,
and a field the booster left alone is never re-identified.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from midb_cli.checks.finding import Finding
from midb_cli.langid import FieldLanguage, LanguageIdentifier, RecordLanguage
from midb_cli.languages import UNDETERMINED
from midb_cli.records.pair import ROLES, Pair

if TYPE_CHECKING:
    from midb_cli.checks import Checker

#: fields shorter than this are not reliably identifiable (REFERENCE.md §5): not judged
MIN_LANGUAGE_CHARS = 40
BOOSTER_TAGS = ("<|instruction|>", "<|input|>", "<|response|>")
_FENCE = "```"
_INLINE_CODE = re.compile(r"(?<!`)`([^`\n]{2,200})`(?!`)")
#: a new finding of one of these kinds in the revision fails the guard with this reason
_NEW_FINDING_REASONS = {
    "field_leak": "guard:field_leak",
    "repetition": "guard:repetition",
    "translated_code": "guard:code_translated",
    "wrong_language": "guard:language",
    "untranslated_segment": "guard:language",
    "truncated": "guard:truncated",
}

_CODE_MAY_CHANGE = frozenset({"translated_code", "placeholder_input", "field_leak"})

GUARD_REASONS: tuple[str, ...] = (
    "guard:field_leak",
    "guard:empty_response",
    "guard:length_ratio",
    "guard:code_dropped",
    "guard:language",
    "guard:repetition",
    "guard:code_translated",
    "guard:truncated",
)


@dataclass(frozen=True, slots=True)
class GuardSettings:
    """How strict the guards are; a setting of the boost run, not of the engine."""

    #: shortest accepted revised pair, as a share of the original pair's length
    min_length_ratio: float = 0.5
    #: longest accepted revised pair, as a multiple of the original pair's length
    max_length_ratio: float = 4.0


@dataclass(slots=True)
class GuardResult:
    reason: str | None  # None: the revision may be written
    #: the checks run on the revision (the record's findings after boosting)
    findings_after: list[Finding] = field(default_factory=list)


class RevisionGuard:
    def __init__(
        self,
        identifier: LanguageIdentifier,
        checker: Checker,
        settings: GuardSettings | None = None,
    ) -> None:
        self.identifier = identifier
        self.checker = checker
        self.settings = settings or GuardSettings()

    def check(
        self, original: Pair, revised: Pair, lang: str, findings_before: list[Finding]
    ) -> str | None:
        """The reason to fall back to ``original``, or None when ``revised`` is acceptable."""
        return self.evaluate(original, revised, lang, findings_before).reason

    def evaluate(
        self,
        original: Pair,
        revised: Pair,
        lang: str,
        findings_before: list[Finding],
        *,
        original_lang: RecordLanguage | None = None,
        source: Pair | None = None,
        finish_reason: str | None = None,
    ) -> GuardResult:
        """Like ``check``, and also returns the findings of the revision. ``original_lang``
        (the record's identification) saves re-identifying the fields that did not change."""
        settings = self.settings
        reason = _structural_reason(
            original,
            revised,
            findings_before,
            settings.min_length_ratio,
            settings.max_length_ratio,
        )
        if reason:
            return GuardResult(reason)
        revised_lang, reason = self._language(original, revised, lang, original_lang)
        findings_after = self.checker.check(revised, revised_lang, source)
        if reason:
            return GuardResult(reason, findings_after)
        before = {(f.kind, f.field) for f in findings_before}
        for finding in findings_after:
            why = _NEW_FINDING_REASONS.get(finding.kind)
            if why and (finding.kind, finding.field) not in before:
                return GuardResult(why, findings_after)
        return GuardResult(None, findings_after)

    def _language(
        self,
        original: Pair,
        revised: Pair,
        lang: str,
        original_lang: RecordLanguage | None,
    ) -> tuple[RecordLanguage, str | None]:
        """The revision's identification, and ``guard:language`` when a changed field left the
        record's language (unless that field was already in that other language)."""
        prior = None if lang == UNDETERMINED else lang
        fields: dict[str, FieldLanguage] = {}
        reason = None
        for role in ROLES:
            text = revised.get(role)
            known = original_lang.fields.get(role) if original_lang else None
            if text == original.get(role) and known is not None:
                fields[role] = known
                continue
            found = self.identifier.identify_text(text, prior)
            fields[role] = found
            if (
                reason is None
                and prior is not None
                and len(text.strip()) >= MIN_LANGUAGE_CHARS
                and found.lang not in (lang, UNDETERMINED)
            ):
                before = known or self.identifier.identify_text(original.get(role), prior)
                if found.lang != before.lang:
                    reason = "guard:language"
        return RecordLanguage(lang, fields), reason


def _structural_reason(
    original: Pair,
    revised: Pair,
    findings_before: list[Finding],
    min_ratio: float,
    max_ratio: float,
) -> str | None:
    """The guards that need no model: tags, emptiness, length, code presence."""
    for role in ROLES:
        old, new = original.get(role), revised.get(role)
        if old != new and any(tag in new and tag not in old for tag in BOOSTER_TAGS):
            return "guard:field_leak"
    if original.response.strip() and not revised.response.strip():
        return "guard:empty_response"
    old_len = len(original.instruction) + len(original.input) + len(original.response)
    new_len = len(revised.instruction) + len(revised.input) + len(revised.response)
    if old_len:
        ratio = new_len / old_len
        # Collapsing a repetition loop shrinks a pair on purpose: no lower bound then.
        if any(f.kind == "repetition" for f in findings_before):
            min_ratio = 0.0
        if not min_ratio <= ratio <= max_ratio:
            return "guard:length_ratio"
    # Fields whose code may change on purpose: mangled code restored, a "`<noinput>`"
    # placeholder emptied, leaked text moved to its field.
    mangled = {f.field for f in findings_before if f.kind in _CODE_MAY_CHANGE}
    for role in ROLES:
        old, new = original.get(role), revised.get(role)
        if old == new or "`" not in old:
            continue
        if new.count(_FENCE) // 2 < old.count(_FENCE) // 2:
            return "guard:code_dropped"
        if role not in mangled:
            # Code that was not flagged as translated must survive as it was.
            for span in _INLINE_CODE.findall(old):
                if span not in new:
                    return "guard:code_dropped"
    return None
