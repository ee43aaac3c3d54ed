"""Guards: reasons to refuse a revision and keep the original pair.

Every outcome a booster marks ``boosted`` passes through ``RevisionGuard`` before it is written.
A failed guard turns the outcome into ``fallback`` with the guard's reason and the original pair
is written instead. Reasons are short and stable because the summary and `midb stats` count them:

- ``guard:field_leak``          booster tags or field markers that the original did not have
- ``guard:empty_response``      the response was emptied
- ``guard:truncated``           the answer stopped early: the engine hit its token limit, a code
                                fence is left open, or the response ends cut (a bare list
                                marker, a function word, inside a word, bracket or formula,
                                before the short answer the original gives, mid-sentence where
                                the original finished its own; boost/guard_truncation.py)
- ``guard:response_collapsed``  the response shrank to a small fraction of the original's
                                (a one-line or one-word answer replacing a whole response;
                                not two finished sentences from the record: a rewrite)
- ``guard:fields_swapped``      the instruction and the response changed places
- ``guard:instruction_changed`` the instruction now asks for another task (boost/guard_task.py)
- ``guard:length_ratio``        the revised pair is much shorter (or, if set, longer) than
                                the original
- ``guard:code_dropped``        a fenced code block or an inline code span of the original is gone
- ``guard:language``            a changed field is now in another language than the record, or
                                has a sentence left in another language, or is a short
                                field now in English (boost/guard_english.py); fenced
                                code is left out of the judgement (it reads as English);
                                a field moved into the file's language is no move (the
                                answer of a record MT left in English, translated)
- ``guard:repetition``          the revision repeats itself where the original did not
- ``guard:code_translated``     code that was fine is now translated

Each revision is judged against its original, not against fixed thresholds alone: real content
revisions are often more than four times longer than the original (the MEB data), so growth is
no defect; what gives a bad answer away is what it lost. Only what the revision changed is
judged: an English input of a translation task stays legal, and a field the booster left alone
is never re-identified. bench/eval_guards.py measures every guard on real expert revisions.
``GuardResult.detail`` names the rule of a refusal (`function_word`, `response in en`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from midb_cli.boost.guard_checks import RevisionChecker
from midb_cli.boost.guard_english import (
    same_language,
    short_english_field,
    translated_record,
    without_code,
)
from midb_cli.boost.guard_task import Refusal, instruction_changed, swapped
from midb_cli.boost.guard_truncation import cut_short, legal_open_ending
from midb_cli.boost.guard_words import extracted_list, whole_rewrite
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
_FENCE_LINE = re.compile(r"^[ \t]*```", re.M)
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

_LANGUAGE_KINDS = frozenset({"wrong_language", "untranslated_segment"})

_CODE_MAY_CHANGE = frozenset({"translated_code", "placeholder_input", "field_leak"})

GUARD_REASONS: tuple[str, ...] = (
    "guard:field_leak",
    "guard:empty_response",
    "guard:truncated",
    "guard:response_collapsed",
    "guard:fields_swapped",
    "guard:instruction_changed",
    "guard:length_ratio",
    "guard:code_dropped",
    "guard:language",
    "guard:repetition",
    "guard:code_translated",
)

_MARK_RUN = re.compile(r"[\u0300-\u036f]{3,}")


@dataclass(frozen=True, slots=True)
class GuardSettings:
    """How strict the guards are; a setting of the boost run, not of the engine. The defaults
    are the ones bench/eval_guards.py measures."""

    #: shortest accepted revised pair, as a share of the original pair's length
    min_length_ratio: float = 0.5
    #: longest accepted revised pair, as a multiple of the original's; None: no limit (expert
    #: revisions that add reasoning steps grow a pair tenfold)
    max_length_ratio: float | None = None
    #: a response below this share of the original response has collapsed
    min_response_ratio: float = 0.35
    #: ... when the original response has at least this many characters
    min_collapse_chars: int = 15
    #: an instruction whose character n-grams overlap the original's less than this (Dice)
    #: asks for another task
    min_instruction_similarity: float = 0.33


@dataclass(slots=True)
class GuardResult:
    reason: str | None  # None: the revision may be written
    #: the checks run on the revision (the record's findings after boosting)
    findings_after: list[Finding] = field(default_factory=list)
    #: which rule of the reason fired (`guard:truncated`: `function_word`, `check: ...`)
    detail: str = ""


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
        self._checks = RevisionChecker(checker)

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
        file_lang: str | None = None,
    ) -> GuardResult:
        """Like ``check``, and also returns the findings of the revision. ``original_lang``
        (the record's identification) saves re-identifying the fields that did not change;
        ``finish_reason`` is the engine's (``"length"``: the answer hit the token limit);
        ``file_lang`` the language of the file (its prior): a field of a record MT left in
        another language may move into it."""
        if finish_reason == "length":
            return GuardResult("guard:truncated", detail="finish_reason_length")
        refusal = swapped(original, revised, lang) or _structural_reason(
            original, revised, findings_before, self.settings
        )
        if refusal:
            return GuardResult(refusal[0], detail=refusal[1])
        revised_lang, moved = self._language(original, revised, lang, original_lang, file_lang)
        findings_after = self._checks.check(
            original, revised, revised_lang, findings_before, source
        )
        if moved := moved or short_english_field(original, revised, lang):
            return GuardResult("guard:language", findings_after, moved)
        before = {(f.kind, f.field) for f in findings_before}
        new = [
            f
            for f in findings_after
            if f.kind in _NEW_FINDING_REASONS
            and (f.kind, f.field) not in before
            # a field the booster left as it was: its language is not the booster's doing
            # (an English instruction, once the response of an English record is translated)
            and not (f.kind in _LANGUAGE_KINDS and _unchanged(f.field, original, revised))
            # ... or rewrote in the language it was in (the English instruction of a record
            # MT left in English, edited, its response translated into the file's language)
            and not (
                f.kind == "wrong_language"
                and revised_lang.lang != lang  # (the record moved into the file's language)
                and _same_language_as_before(f.field, original_lang, revised_lang)
            )
            # MT's split task mended, its input label left at the input's start (`Entrée :
            # Un arc ...`): what is left of the old defect, a label `rules` removes
            and not (
                (f.kind, f.field) == ("field_leak", "input")
                and ("split_instruction", "instruction") in before
            )
            # an open ending the original shows is meant: no cut
            and not (
                f.kind == "truncated" and legal_open_ending(original.response, revised.response)
            )
        ]
        if new:
            # a loop that ran until the booster stopped is a loop first, a cut second
            first = min(new, key=lambda f: f.kind != "repetition")
            detail = f"check {first.kind}: {first.message}"
            return GuardResult(_NEW_FINDING_REASONS[first.kind], findings_after, detail)
        # After the checks, so that a loop that stops mid-sentence is called a loop.
        refusal = _comparison_reason(
            original, revised, revised_lang.lang, original_lang, self.settings
        )
        if refusal:
            return GuardResult(refusal[0], findings_after, refusal[1])
        return GuardResult(None, findings_after)

    def _language(
        self,
        original: Pair,
        revised: Pair,
        lang: str,
        original_lang: RecordLanguage | None,
        file_lang: str | None = None,
    ) -> tuple[RecordLanguage, str | None]:
        """The revision's identification, and which changed field left the record's language
        (`response in en`; unless that field was already in that other language, or it moved
        into the file's language): the detail of ``guard:language``."""
        prior = None if lang == UNDETERMINED else lang
        fields: dict[str, FieldLanguage] = {}
        reason = None
        # a record MT left in English (or one the identifier misread) inside a file of
        # another language: a field translated into the file's language is the fix itself
        into_file = file_lang not in (None, "en", UNDETERMINED, lang)
        moved_into_file = False
        for role in ROLES:
            text = revised.get(role)
            known = original_lang.fields.get(role) if original_lang else None
            if text == original.get(role) and known is not None:
                fields[role] = known
                continue
            # code is no language of the record: a fenced block is left out of the judgement
            prose = without_code(text)
            found = self.identifier.identify_text(prose, prior)
            fields[role] = found
            if (
                reason is None
                and prior is not None
                and len(prose.strip()) >= MIN_LANGUAGE_CHARS
                and found.lang != UNDETERMINED
                and not same_language(found.lang, lang)
            ):
                if into_file and same_language(found.lang, file_lang or ""):
                    moved_into_file = True
                    continue
                old = original.get(role)
                before = (
                    self.identifier.identify_text(without_code(old), prior)
                    if known is None or _FENCE in old
                    else known
                )
                if not same_language(found.lang, before.lang):
                    reason = f"{role} in {found.lang}"
        if (
            reason is not None
            and lang == "en"
            and translated_record(moved := reason.rsplit(" ", 1)[1], fields)
        ):
            return RecordLanguage(moved, fields), None  # checked as a record of that language
        if moved_into_file and reason is None and file_lang is not None:
            return RecordLanguage(file_lang, fields), None  # checked as a record of the file
        return RecordLanguage(lang, fields), reason


def _structural_reason(
    original: Pair, revised: Pair, findings_before: list[Finding], settings: GuardSettings
) -> Refusal | None:
    """The guards that need no model: tags, emptiness, open fences, length, code presence."""
    for role in ROLES:
        old, new = original.get(role), revised.get(role)
        # every booster tag starts with "<|": one search tells most fields apart
        if (
            "<|" in new
            and old != new
            and any(tag in new and tag not in old for tag in BOOSTER_TAGS)
        ):
            return "guard:field_leak", role
    if _blank(revised.response) and not _blank(original.response):
        return "guard:empty_response", ""
    if _open_fence(revised.response) and not _open_fence(original.response):
        return "guard:truncated", "open_fence"  # before code_dropped: cut, not dropped
    # Before the length guards: code that is gone is what shrank the response.
    # Fields whose code may change on purpose: mangled code restored, a "`<noinput>`"
    # placeholder emptied, leaked text moved to its field.
    mangled = {f.field for f in findings_before if f.kind in _CODE_MAY_CHANGE}
    for role in ROLES:
        old, new = original.get(role), revised.get(role)
        if old == new or "`" not in old:
            continue
        if new.count(_FENCE) // 2 < old.count(_FENCE) // 2:
            return "guard:code_dropped", f"{role}: code block"
        if role not in mangled:
            # Code that was not flagged as translated must survive as it was.
            for span in _INLINE_CODE.findall(old):
                if span not in new:
                    return "guard:code_dropped", f"{role}: inline code"
    old_len = len(original.instruction) + len(original.input) + len(original.response)
    new_len = len(revised.instruction) + len(revised.input) + len(revised.response)
    # Collapsing a repetition loop shrinks a pair on purpose: no lower bounds then.
    loop_before = any(f.kind == "repetition" for f in findings_before)
    if (
        not loop_before
        and _collapsed(original.response, revised.response, settings)
        and not whole_rewrite(original, revised.response)
        and not extracted_list(original.response, revised.response)
    ):
        return "guard:response_collapsed", ""
    if old_len:
        ratio = new_len / old_len
        if (
            not loop_before
            and ratio < settings.min_length_ratio
            and new_len < settings.min_length_ratio * (old_len - _marks(original.response))
        ):
            return "guard:length_ratio", "shorter"
        if settings.max_length_ratio is not None and ratio > settings.max_length_ratio:
            return "guard:length_ratio", "longer"
    return None


def _blank(text: str) -> bool:
    # what ``not text.strip()`` says, without copying the text
    return not text or text.isspace()


def _open_fence(text: str) -> bool:
    return _FENCE in text and len(_FENCE_LINE.findall(text)) % 2 == 1


def _collapsed(old: str, new: str, settings: GuardSettings) -> bool:
    old_chars, new_chars = len(old.strip()), len(new.strip())
    if (
        old_chars < settings.min_collapse_chars
        or new_chars >= settings.min_response_ratio * old_chars
    ):
        return False
    # a run of combining marks the MT left (`1976.  ̦̦̦̦…`) is no content the revision lost
    return new_chars < settings.min_response_ratio * (old_chars - _marks(old))


def _marks(text: str) -> int:
    """How many characters of ``text`` are runs of stray combining marks (MT garbage)."""
    return sum(len(run) for run in _MARK_RUN.findall(text))


def _comparison_reason(
    original: Pair,
    revised: Pair,
    lang: str,
    original_lang: RecordLanguage | None,
    settings: GuardSettings,
) -> Refusal | None:
    """The guards that judge the revision against its original: a response cut short, fields
    that swapped places, an instruction turned into another task."""
    if revised.response != original.response:
        # one field per line: the cut rules read the request as the text before the first
        # colon or line break (what follows is the material the task gives)
        context = "\n".join(
            (original.instruction, original.input, revised.instruction, revised.input)
        )
        if rule := cut_short(original.response, revised.response, lang, context):
            return "guard:truncated", rule
    return instruction_changed(
        original, revised, lang, original_lang, settings.min_instruction_similarity
    )


def _unchanged(role: str, original: Pair, revised: Pair) -> bool:
    return role in ROLES and revised.get(role) == original.get(role)


def _same_language_as_before(
    role: str, original_lang: RecordLanguage | None, revised_lang: RecordLanguage
) -> bool:
    """The field is in the language it was in, one other than the revised record's."""
    before = original_lang.fields.get(role) if original_lang else None
    after = revised_lang.fields.get(role)
    return (
        before is not None
        and after is not None
        and before.lang not in (UNDETERMINED, revised_lang.lang)
        and same_language(before.lang, after.lang)
    )
