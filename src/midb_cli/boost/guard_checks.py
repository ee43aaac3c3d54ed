"""The checks of a revision, field-level detectors run on the fields the booster changed only.

A field the revision left as it was keeps the findings the original's check gave it
(``findings_before``): re-checking it costs time on every record and can only repeat them.
Record-level kinds (language, truncation, leaks) compare fields with each other, so they run
on the whole revised pair. This is ``Checker.check`` with a set of fields; it reads the
checker's kinds through the registry's public plan.
"""

from __future__ import annotations

from midb_cli.checks import Checker
from midb_cli.checks.context import CheckContext
from midb_cli.checks.finding import Finding
from midb_cli.checks.registry import Stage, detect_plan
from midb_cli.langid import RecordLanguage
from midb_cli.records.pair import ROLES, Pair


class RevisionChecker:
    def __init__(self, checker: Checker) -> None:
        self.checker = checker
        self._plan: tuple[Stage, ...] = detect_plan(checker.kinds)

    def check(
        self,
        original: Pair,
        revised: Pair,
        record_lang: RecordLanguage,
        findings_before: list[Finding],
        source: Pair | None = None,
    ) -> list[Finding]:
        changed = [role for role in ROLES if revised.get(role) != original.get(role)]
        if len(changed) == len(ROLES):
            return self.checker.check(revised, record_lang, source)
        kept: dict[tuple[str, str], Finding] = {}
        for f in findings_before:
            kept.setdefault((f.kind, f.field), f)
        ctx = CheckContext(revised, record_lang, self.checker.identifier, source)
        fields = ctx.fields
        # the fields worth a visit per stage: the changed ones, and kept ones with findings
        kept_roles = {role for _, role in kept}
        visited = [role for role in ROLES if role in changed or role in kept_roles]
        out: list[Finding] = []
        for record_kinds, field_kinds in self._plan:
            for kind in record_kinds:
                out.extend(kind.record_detect(ctx))  # type: ignore[misc]
            if not field_kinds:
                continue
            for role in visited:
                if not fields[role].text:
                    continue
                if role in changed:
                    for kind in field_kinds:
                        if new := kind.field_detect(ctx, role):  # type: ignore[misc]
                            out.append(new)
                else:
                    for kind in field_kinds:
                        if (found := kept.get((kind.name, role))) is not None:
                            out.append(found)
        return out
