"""Deterministic fixes: repair what can be repaired with certainty, leave the rest alone.

``fix_pair`` runs the fixes of the registry's kinds (``checks.registry.fix_plan``), only for
the kinds and fields named by fixable findings. Each fix re-detects its defect in the current
text before touching it, so a pair without findings comes back as the very same
object, and fixing twice gives the same result as fixing once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from midb_cli.checks.context import FixContext
from midb_cli.checks.finding import Finding
from midb_cli.checks.registry import fix_plan, fixable_kinds
from midb_cli.records.pair import ROLES, Pair

MAX_ROUNDS = 4


@dataclass(slots=True)
class FixResult:
    pair: Pair
    applied: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.applied)


def fix_pair(
    pair: Pair,
    lang: str,
    findings: list[Finding],
    source: Pair | None = None,
    *,
    uncertain: bool = False,
) -> FixResult:
    """``pair`` with every fixable finding repaired; ``applied`` says what was done. Kinds
    whose fix is not certain (``Fix.certain``) are repaired only when ``uncertain`` is set
    (by a caller that reviews the result; the ``rules`` engine never does)."""
    roles: dict[str, set[str]] = {}
    for f in findings:
        if f.fixable:
            roles.setdefault(f.kind, set()).add(f.field)
    if not roles:
        return FixResult(pair)
    allowed = fixable_kinds(certain_only=not uncertain)
    roles = {kind: r for kind, r in roles.items() if kind in allowed}
    wanted = {kind: frozenset(r) for kind, r in roles.items()}
    ctx = FixContext(lang, source)
    applied: list[str] = []
    current = pair
    for _ in range(MAX_ROUNDS):
        before = current
        current = _fix_round(current, wanted, ctx, applied)
        if current == before:
            break
    if current == pair:
        return FixResult(pair)
    return FixResult(current, _unique(applied))


def _fix_round(
    pair: Pair, wanted: dict[str, frozenset[str]], ctx: FixContext, applied: list[str]
) -> Pair:
    for record_kinds, field_kinds in fix_plan():
        for kind in record_kinds:
            if kind.name in wanted:
                pair, done = kind.fix.record(pair, wanted[kind.name], ctx)  # type: ignore[union-attr,misc]
                applied.extend(done)
        for role in ROLES if field_kinds else ():
            for kind in field_kinds:
                if role in wanted.get(kind.name, ()):
                    fix = kind.fix
                    assert fix is not None and fix.field is not None
                    text = pair.get(role)
                    fixed = fix.field(text, role, ctx)
                    if fixed != text:
                        applied.append(f"{fix.label} in {role}")
                        pair = pair.with_field(role, fixed)
    return pair


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))
