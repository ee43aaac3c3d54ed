"""What detectors and fixes of one pair share: the fields' prose computed once, and the
wrong-language analysis that several kinds depend on, computed at most once."""

from __future__ import annotations

from dataclasses import dataclass, field

from midb_cli.checks import language
from midb_cli.checks.finding import Finding
from midb_cli.checks.text import FieldText
from midb_cli.langid import LanguageIdentifier, RecordLanguage
from midb_cli.languages import UNDETERMINED
from midb_cli.records.pair import Pair


@dataclass(slots=True)
class CheckContext:
    pair: Pair
    record_lang: RecordLanguage
    identifier: LanguageIdentifier
    source: Pair | None = None
    #: the language the file is in (``--lang`` or the file's dominant language), if known
    file_lang: str | None = None
    fields: dict[str, FieldText] = field(init=False)
    _wrong: dict[str, Finding] | None = field(default=None, init=False)
    _english: bool | None = field(default=None, init=False)
    _code_langs: tuple[str, ...] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        pair = self.pair
        self.fields = {
            "instruction": FieldText.of("instruction", pair.instruction),
            "input": FieldText.of("input", pair.input),
            "response": FieldText.of("response", pair.response),
        }
        if self.file_lang is None:
            self.file_lang = self.identifier.forced_prior

    @property
    def expected(self) -> RecordLanguage:
        """The record language fields are judged against: the file's language when the record
        came out English in a translated file (an English instruction over a short translated
        answer outvotes the answer; the instruction is the field to blame)."""
        fl = self.file_lang
        if self.record_lang.lang == "en" and fl not in (None, "en", UNDETERMINED):
            return RecordLanguage(fl, self.record_lang.fields)
        return self.record_lang

    def untranslated_record(self) -> bool:
        """The whole record is English in a file in another language: one record-level
        finding, no per-field wrong-language findings."""
        if self._english is None:
            self._english = language.record_left_in_english(
                self.fields, self.record_lang, self.identifier, self.file_lang
            )
        return self._english

    @property
    def lang(self) -> str:
        return self.record_lang.lang

    def code_languages(self) -> tuple[str, ...]:
        """The languages code may have been translated into: MT translates code into the
        language of the record; a record identified as English can still hold code
        translated into the language of one of its fields."""
        if self._code_langs is None:
            lang = self.record_lang.lang
            others = [f.lang for f in self.record_lang.fields.values()]
            self._code_langs = tuple(
                dict.fromkeys([lang] + [x for x in others if x not in (lang, UNDETERMINED, "en")])
            )
        return self._code_langs

    @property
    def translation_task(self) -> bool:
        instruction = self.fields["instruction"]
        if instruction.translation is None:
            instruction.translation = language.is_translation_task(instruction)
        return instruction.translation

    def wrong_language(self) -> dict[str, Finding]:
        """The wrong-language finding of each field in another language than the record's."""
        if self._wrong is None:
            self._wrong = {}
            if self.record_lang.lang != UNDETERMINED and not self.untranslated_record():
                expected = self.expected
                input_lang = self.record_lang.fields.get("input")
                input_code = input_lang.lang if input_lang else UNDETERMINED
                for role in ("instruction", "response"):
                    f = language.wrong_language(
                        self.fields[role],
                        expected,
                        self.identifier,
                        self.translation_task,
                        input_code,
                    )
                    if f:
                        self._wrong[role] = f
        return self._wrong


@dataclass(frozen=True, slots=True)
class FixContext:
    lang: str
    source: Pair | None = None
