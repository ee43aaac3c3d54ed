"""The ``Checker``: runs the selected detectors over one pair and returns its findings."""

from __future__ import annotations

from collections.abc import Iterable

from midb_cli.checks import code, language, structure, surface
from midb_cli.checks.finding import DEFAULT_KINDS, KINDS, Finding
from midb_cli.checks.text import FieldText
from midb_cli.errors import UsageError
from midb_cli.langid import LanguageIdentifier, RecordLanguage
from midb_cli.languages import UNDETERMINED
from midb_cli.records.pair import ROLES, Pair


def _names(values: Iterable[str] | None) -> list[str]:
    """Kind names from repeatable and/or comma-separated values."""
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    return [n.strip() for v in values for n in v.split(",") if n.strip()]


def resolve_kinds(select: Iterable[str] | None, ignore: Iterable[str] | None) -> frozenset[str]:
    """The kinds to run: ``select`` (default: the default kinds; ``all``: every kind) minus
    ``ignore``. Unknown names are a usage error that lists the known ones."""
    chosen, dropped = _names(select), _names(ignore)
    for name in chosen + dropped:
        if name not in KINDS and name != "all":
            raise UsageError(f"unknown check kind {name!r}; kinds: {', '.join(KINDS)}, all")
    kinds = set(KINDS) if "all" in chosen else set(chosen) if chosen else set(DEFAULT_KINDS)
    kinds -= set(KINDS) if "all" in dropped else set(dropped)
    return frozenset(kinds)


class Checker:
    """Deterministic MT-defect detectors; ``check`` is cheap enough to run on every record."""

    def __init__(
        self,
        identifier: LanguageIdentifier,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] | None = None,
    ) -> None:
        self.identifier = identifier
        self.kinds = resolve_kinds(select, ignore)

    def check(
        self, pair: Pair, record_lang: RecordLanguage, source: Pair | None = None
    ) -> list[Finding]:
        """Every finding of the selected kinds, record-level ones first, then per field."""
        fields = {role: FieldText.of(role, pair.get(role)) for role in ROLES}
        out = self._structure(pair, fields, record_lang.lang)
        wrong = self._language(pair, fields, record_lang, out)
        self._surface(fields, record_lang, source, wrong, out)
        return out

    def _structure(self, pair: Pair, fields: dict[str, FieldText], lang: str) -> list[Finding]:
        kinds = self.kinds
        out: list[Finding] = []
        if "empty_response" in kinds and (f := structure.empty_response(pair)):
            out.append(f)
        if "placeholder_input" in kinds and (f := structure.placeholder_input(pair)):
            out.append(f)
        if "field_leak" in kinds:
            for leak in structure.find_leaks(pair):
                message = f"{leak.role} {leak.what}"
                out.append(Finding("field_leak", leak.role, message, _leak_fixable(pair, leak)))
        if (
            "truncated" in kinds
            and pair.response.strip()
            and (f := structure.truncated(fields["response"], lang))
        ):
            out.append(f)
        return out

    def _language(
        self,
        pair: Pair,
        fields: dict[str, FieldText],
        record_lang: RecordLanguage,
        out: list[Finding],
    ) -> set[str]:
        """Adds wrong-language and untranslated findings; returns the wrong-language fields."""
        kinds = self.kinds
        wrong: set[str] = set()
        if (
            record_lang.lang == UNDETERMINED
            or not {"wrong_language", "untranslated_segment"} & kinds
        ):
            return wrong
        translation = language.is_translation_task(pair.instruction)
        input_lang = record_lang.fields.get("input")
        input_code = input_lang.lang if input_lang else UNDETERMINED
        for role in ("instruction", "response"):
            f = language.wrong_language(
                fields[role], record_lang, self.identifier, translation, input_code
            )
            if f:
                wrong.add(role)
                if "wrong_language" in kinds:
                    out.append(f)
        if "untranslated_segment" in kinds:
            target = _target_language(record_lang)
            for role in ("instruction", "response"):
                if role in wrong or (role == "response" and translation):
                    continue
                # a sentence quoted from another field (an English input, say) is no defect
                others = (
                    pair.input if role == "instruction" else pair.instruction + "\n" + pair.input
                )
                if f := language.untranslated_segments(
                    fields[role], target, self.identifier, others
                ):
                    out.append(f)
        return wrong

    def _surface(
        self,
        fields: dict[str, FieldText],
        record_lang: RecordLanguage,
        source: Pair | None,
        wrong: set[str],
        out: list[Finding],
    ) -> None:
        kinds = self.kinds
        lang = record_lang.lang
        # MT translates code into the language of the record; a record identified as English
        # can still hold code translated into the language of one of its fields.
        other_langs = [f.lang for f in record_lang.fields.values()]
        code_langs = dict.fromkeys(
            [lang] + [x for x in other_langs if x not in (lang, UNDETERMINED, "en")]
        )
        for role, field in fields.items():
            text = field.text
            if not text:
                continue
            if "translated_code" in kinds and role not in wrong:
                src = source.get(role) if source is not None else ""
                if src and code.code_blocks_differ(text, src):
                    message = "code differs from the source's code"
                    out.append(Finding("translated_code", role, message, True))
                else:
                    for code_lang in code_langs:
                        if hits := code.translated_code(text, code_lang):
                            out.extend(code.describe(hits, role))
                            break
            if "repetition" in kinds and (loop := surface.find_repetition(field.prose)):
                unit = str(loop)
                snippet = unit if len(unit) <= 30 else unit[:27] + "..."
                out.append(Finding("repetition", role, f"repeated text loop: {snippet!r}", True))
            if "punctuation_locale" in kinds and (
                marks := surface.find_punctuation(field.masked, lang)
            ):
                shown = ", ".join(sorted({text[i] for i, _ in marks}))
                message = f"ASCII {shown} where the language uses its own marks ({len(marks)}x)"
                out.append(Finding("punctuation_locale", role, message, True))
            if "mojibake" in kinds and (runs := surface.find_mojibake(text)):
                start, end, repaired = runs[0]
                message = f"encoding damage: {text[start:end]!r} should be {repaired!r}"
                out.append(Finding("mojibake", role, message, True))
            if "unicode_form" in kinds and surface.needs_nfc(text):
                out.append(Finding("unicode_form", role, "text is not in Unicode NFC", True))
            if "whitespace" in kinds and surface.find_whitespace(field.masked):
                out.append(Finding("whitespace", role, "trailing spaces or runs of spaces", True))


def _leak_fixable(pair: Pair, leak: structure.Leak) -> bool:
    if leak.target is None or leak.target == leak.role:
        return True
    if not pair.get(leak.target).strip():
        return True  # the text moves back to its empty field
    return leak.role == "response"  # a response running on into a new pair: cut the tail


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
