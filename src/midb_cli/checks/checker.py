"""The ``Checker``: runs the selected kinds of the registry over one pair."""

from __future__ import annotations

from collections.abc import Iterable

from midb_cli.checks.context import CheckContext
from midb_cli.checks.finding import Finding
from midb_cli.checks.registry import detect_plan, resolve_kinds
from midb_cli.langid import LanguageIdentifier, RecordLanguage
from midb_cli.records.pair import ROLES, Pair

__all__ = ["Checker", "resolve_kinds"]


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
        # the detectors themselves, stage by stage: no attribute look-ups per record
        self._plan = tuple(
            (
                tuple(k.record_detect for k in record_kinds if k.record_detect is not None),
                tuple(k.field_detect for k in field_kinds if k.field_detect is not None),
            )
            for record_kinds, field_kinds in detect_plan(self.kinds)
        )

    def check(
        self,
        pair: Pair,
        record_lang: RecordLanguage,
        source: Pair | None = None,
        *,
        file_lang: str | None = None,
        prompt_only: bool = False,
    ) -> list[Finding]:
        """Every finding of the selected kinds, stage by stage (structure, language, then
        field by field). ``file_lang`` is the language the file is in (the identification
        prior; default: the identifier's ``--lang``): without it, a record left wholly in
        English cannot be told from an English record. ``prompt_only``: the file holds prompts
        (AlpacaEval, MT-Bench): an empty response is what it is, not a defect."""
        ctx = CheckContext(pair, record_lang, self.identifier, source, file_lang)
        out: list[Finding] = []
        fields = ctx.fields
        for record_detects, field_detects in self._plan:
            for record_detect in record_detects:
                if found := record_detect(ctx):
                    out.extend(f for f in found if not (prompt_only and f.field == "response"))
            if field_detects:
                for role in ROLES:
                    if not fields[role].text:
                        continue
                    for field_detect in field_detects:
                        if f := field_detect(ctx, role):
                            out.append(f)
        return out
