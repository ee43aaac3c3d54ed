"""The built-in check kinds, one object each, in the order they are documented.

Stages (see ``checks.registry``): detection runs structure (0), then language (1), then the
per-field surface kinds (2); fixing repairs encoding first (0), then leaked markers (1), then
placeholders (2), then the per-field surface fixes (3).
"""

from __future__ import annotations

import unicodedata

from midb_cli.checks import code, language, punctuation, repairs, structure, surface
from midb_cli.checks.context import CheckContext, FixContext
from midb_cli.checks.finding import Finding
from midb_cli.checks.registry import CheckKind, Fix, register_check
from midb_cli.langid import RecordLanguage
from midb_cli.languages import UNDETERMINED, language_name
from midb_cli.records.pair import Pair

STRUCTURE, LANGUAGE, SURFACE = 0, 1, 2
FIX_ENCODING, FIX_MARKERS, FIX_PLACEHOLDERS, FIX_SURFACE = 0, 1, 2, 3


# -- language -------------------------------------------------------------------------------------
def _wrong_language(ctx: CheckContext) -> list[Finding]:
    return list(ctx.wrong_language().values())


def _untranslated(ctx: CheckContext) -> list[Finding]:
    if ctx.lang == UNDETERMINED or ctx.untranslated_record():
        return []
    wrong = ctx.wrong_language()
    target = _target_language(ctx.expected)
    pair, out = ctx.pair, []
    for role in ("instruction", "response"):
        if role in wrong or (role == "response" and ctx.translation_task):
            continue
        # a sentence quoted from another field (an English input, say) is no defect
        others = pair.input if role == "instruction" else pair.instruction + "\n" + pair.input
        if f := language.untranslated_segments(ctx.fields[role], target, ctx.identifier, others):
            out.append(f)
    return out


def _untranslated_record(ctx: CheckContext) -> list[Finding]:
    if not ctx.untranslated_record():
        return []
    message = f"the whole record is in English, the file in {language_name(ctx.file_lang or '')}"
    return [Finding("untranslated_record", "record", message, False)]


def _target_language(record_lang: RecordLanguage) -> str:
    """The language text should be in: the record's, unless the record is called English
    while its instruction is plainly in another language (an English answer then is the
    defect, not the norm)."""
    if record_lang.lang != "en":
        return record_lang.lang
    instruction = record_lang.fields.get("instruction")
    if (
        instruction
        and instruction.lang not in ("en", UNDETERMINED)
        and instruction.confidence >= 0.9
    ):
        return instruction.lang
    return record_lang.lang


# -- code -----------------------------------------------------------------------------------------
def _translated_code(ctx: CheckContext, role: str) -> Finding | None:
    field = ctx.fields[role]
    text = field.text
    src = ctx.source.get(role) if ctx.source is not None else ""
    if not src and "`" not in text and "\n" not in text:
        return None  # no fence, no inline code, no second line: nothing code.py looks at
    if role in ctx.wrong_language():
        return None
    if src and code.code_blocks_differ(text, src):
        return Finding("translated_code", role, "code differs from the source's code", True)
    for code_lang in ctx.code_languages():
        if hits := code.translated_code(text, code_lang, field.masked):
            return code.describe(hits, role)[0]
    return None


def _restore_code(text: str, role: str, ctx: FixContext) -> str:
    return text if ctx.source is None else repairs.restore_code(text, ctx.source.get(role))


# -- structure ------------------------------------------------------------------------------------
def _one(f: Finding | None) -> list[Finding]:
    return [f] if f else []


def _field_leaks(ctx: CheckContext) -> list[Finding]:
    pair = ctx.pair
    return [
        Finding("field_leak", leak.role, f"{leak.role} {leak.what}", _leak_fixable(pair, leak))
        for leak in structure.find_leaks(pair)
    ]


def _leak_fixable(pair: Pair, leak: structure.Leak) -> bool:
    if leak.target is None or leak.target == leak.role:
        return True
    if not pair.get(leak.target).strip():
        return True  # the text moves back to its empty field
    return leak.role == "response"  # a response running on into a new pair: cut the tail


def _empty_placeholder(
    pair: Pair, roles: frozenset[str], ctx: FixContext
) -> tuple[Pair, list[str]]:
    if "input" in roles and structure.placeholder_input(pair):
        return pair.with_field("input", ""), ["placeholder_input: emptied input"]
    return pair, []


def _truncated(ctx: CheckContext) -> list[Finding]:
    if not ctx.pair.response.strip():
        return []
    return _one(structure.truncated(ctx.fields["response"], ctx.lang))


# -- surface --------------------------------------------------------------------------------------
def _repetition(ctx: CheckContext, role: str) -> Finding | None:
    loop = surface.find_repetition(ctx.fields[role].prose)
    if loop is None:
        return None
    unit = str(loop)
    snippet = unit if len(unit) <= 30 else unit[:27] + "..."
    return Finding("repetition", role, f"repeated text loop: {snippet!r}", True)


def _punctuation(ctx: CheckContext, role: str) -> Finding | None:
    if not punctuation.has_locale_marks(ctx.lang):
        return None
    field = ctx.fields[role]
    marks = punctuation.find_punctuation(field.masked, ctx.lang)
    if not marks:
        return None
    shown = " and ".join(f"'{mark}'" for mark in sorted({field.text[i] for i, _ in marks}))
    message = f"ASCII {shown} where the language has its own marks ({len(marks)}x)"
    certain = punctuation.punctuation_edits(field.masked, ctx.lang) is not None
    return Finding("punctuation_locale", role, message, certain)


def _mojibake(ctx: CheckContext, role: str) -> Finding | None:
    field = ctx.fields[role]
    if not language.field_rare(field):
        return None  # no mojibake pair: the scan shared with the casefold test said so
    text = field.text
    runs = surface.find_mojibake(text)
    if not runs:
        return None
    start, end, repaired = runs[0]
    message = f"encoding damage: {text[start:end]!r} should be {repaired!r}"
    return Finding("mojibake", role, message, True)


def _unicode_form(ctx: CheckContext, role: str) -> Finding | None:
    if surface.needs_nfc(ctx.fields[role].text):
        return Finding("unicode_form", role, "text is not in Unicode NFC", True)
    return None


def _whitespace(ctx: CheckContext, role: str) -> Finding | None:
    if surface.find_whitespace(ctx.fields[role].masked):
        return Finding("whitespace", role, "trailing spaces or runs of spaces", True)
    return None


for _kind in (
    CheckKind(
        "wrong_language",
        "a field in another language than the record",
        LANGUAGE,
        record_detect=_wrong_language,
    ),
    CheckKind(
        "untranslated_segment",
        "an English sentence left in a translated field",
        LANGUAGE,
        record_detect=_untranslated,
    ),
    CheckKind(
        "untranslated_record",
        "a whole record left in English in a translated file (one finding for the record)",
        LANGUAGE,
        record_detect=_untranslated_record,
    ),
    CheckKind(
        "translated_code",
        "code keywords translated (`if` -> `wenn`)",
        SURFACE,
        field_detect=_translated_code,
        fix=Fix(FIX_SURFACE, field=_restore_code, label="translated_code: restored code from the source"),
    ),
    CheckKind(
        "repetition",
        "a repeated text loop",
        SURFACE,
        field_detect=_repetition,
        fix=Fix(FIX_SURFACE, field=lambda t, r, c: repairs.collapse_repetition(t), label="repetition: collapsed loop"),
    ),
    CheckKind(
        "empty_response",
        "the response is empty",
        STRUCTURE,
        record_detect=lambda ctx: _one(structure.empty_response(ctx.pair)),
    ),
    CheckKind(
        "placeholder_input",
        "the input is a placeholder (`<noinput>`)",
        STRUCTURE,
        record_detect=lambda ctx: _one(structure.placeholder_input(ctx.pair)),
        fix=Fix(FIX_PLACEHOLDERS, record=_empty_placeholder),
    ),
    CheckKind(
        "placeholder_response",
        "the response is a placeholder (`<noinput>`): nothing to put instead",
        STRUCTURE,
        record_detect=lambda ctx: _one(structure.placeholder_response(ctx.pair)),
    ),
    CheckKind(
        "field_leak",
        "a field label, tag or prompt header inside a field",
        STRUCTURE,
        record_detect=_field_leaks,
        fix=Fix(FIX_MARKERS, record=lambda p, roles, c: repairs.fix_leaks(p, roles)),
    ),
    CheckKind(
        "split_instruction",
        "MT split the instruction: its end and an input label sit in the input",
        STRUCTURE,
        record_detect=lambda ctx: _one(structure.split_instruction(ctx.pair)),
    ),
    CheckKind(
        "punctuation_locale",
        "ASCII punctuation where the language has its own marks",
        SURFACE,
        field_detect=_punctuation,
        fix=Fix(FIX_SURFACE, field=lambda t, r, c: repairs.fix_punctuation(t, c.lang), label="punctuation_locale: replaced ASCII marks"),
    ),
    CheckKind(
        "mojibake",
        "UTF-8 text decoded as cp1252/latin-1",
        SURFACE,
        field_detect=_mojibake,
        fix=Fix(FIX_ENCODING, field=lambda t, r, c: surface.repair_mojibake(t), label="mojibake: repaired encoding"),
    ),
    CheckKind(
        "truncated",
        "the response stops mid-sentence or inside code",
        STRUCTURE,
        record_detect=_truncated,
    ),
    CheckKind(
        "unicode_form",
        "text not in Unicode NFC",
        SURFACE,
        default=False,
        field_detect=_unicode_form,
        fix=Fix(FIX_SURFACE, field=lambda t, r, c: unicodedata.normalize("NFC", t), label="unicode_form: normalised to NFC"),
    ),
    CheckKind(
        "whitespace",
        "trailing spaces or runs of spaces outside code",
        SURFACE,
        default=False,
        field_detect=_whitespace,
        fix=Fix(FIX_SURFACE, field=lambda t, r, c: repairs.fix_whitespace(t), label="whitespace: normalised spaces"),
    ),
):  # fmt: skip
    register_check(_kind)
