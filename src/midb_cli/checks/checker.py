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
        self._plan = detect_plan(self.kinds)

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
        for record_kinds, field_kinds in self._plan:
            for kind in record_kinds:
                if found := kind.record_detect(ctx):  # type: ignore[misc]
                    out.extend(f for f in found if not (prompt_only and f.field == "response"))
            if field_kinds:
                for role in ROLES:
                    if not fields[role].text:
                        continue
                    for kind in field_kinds:
                        if f := kind.field_detect(ctx, role):  # type: ignore[misc]
                            out.append(f)
        return out
