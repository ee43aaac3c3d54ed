"""The table of check kinds: one ``CheckKind`` per kind, read by the checker, the fixes, kind
selection and help texts. Adding a kind is registering one object (``register_check``).

Detection and fixing run stage by stage (lower stages first). Inside a stage, record-level
kinds run in registration order; field-level kinds run field by field (instruction, input,
response), each field through the stage's kinds in registration order. Stages exist because
order matters: structure before language before surface for findings, and an encoding repair
before every other fix (the others must see the repaired text).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from midb_cli.errors import UsageError

if TYPE_CHECKING:
    from midb_cli.checks.context import CheckContext, FixContext
    from midb_cli.checks.finding import Finding
    from midb_cli.records.pair import Pair

#: record-level detector: every finding of the kind in the pair
RecordDetect = Callable[["CheckContext"], "list[Finding]"]
#: field-level detector: the finding of the kind in one field (the field is never empty)
FieldDetect = Callable[["CheckContext", str], "Finding | None"]
#: field-level fix: (text, role, context) -> repaired text (the same text when nothing to do)
FieldRepair = Callable[[str, str, "FixContext"], str]
#: record-level fix: (pair, roles with fixable findings, context) -> (pair, what was done)
RecordRepair = Callable[["Pair", "frozenset[str]", "FixContext"], "tuple[Pair, list[str]]"]


@dataclass(frozen=True, slots=True)
class Fix:
    """How a kind is repaired. Exactly one of ``field`` and ``record`` is set; ``label`` is
    what a field fix reports (`"<label> in <role>"`)."""

    stage: int
    field: FieldRepair | None = None
    record: RecordRepair | None = None
    label: str = ""
    #: the fix never damages a record when a finding says ``fixable`` (the ``rules`` engine
    #: applies only certain fixes; an uncertain one is for callers that review the result)
    certain: bool = True


@dataclass(frozen=True, slots=True)
class CheckKind:
    """One kind of defect. Exactly one of ``field_detect`` and ``record_detect`` is set."""

    name: str
    description: str
    stage: int
    default: bool = True  # checked unless --select names other kinds
    record_detect: RecordDetect | None = None
    field_detect: FieldDetect | None = None
    fix: Fix | None = None

    def __post_init__(self) -> None:
        if (self.record_detect is None) == (self.field_detect is None):
            raise ValueError(f"check kind {self.name!r}: give record_detect or field_detect")
        if self.fix is not None and (self.fix.field is None) == (self.fix.record is None):
            raise ValueError(f"check kind {self.name!r}: a fix is a field or a record fix")


#: one stage of a plan: (record-level kinds, field-level kinds), each in registration order
Stage = tuple[tuple[CheckKind, ...], tuple[CheckKind, ...]]

_KINDS: dict[str, CheckKind] = {}
_loaded = False
_fix_plan: tuple[Stage, ...] | None = None  # fix_plan()'s answer until the next registration


def register_check(kind: CheckKind) -> CheckKind:
    """Add a kind (a later registration of the same name replaces the earlier one)."""
    global _fix_plan
    _KINDS[kind.name] = kind
    _fix_plan = None
    return kind


def unregister_check(name: str) -> None:
    """Remove a kind (a plugin or test that registered one takes it back)."""
    global _fix_plan
    registered()
    _KINDS.pop(name, None)
    _fix_plan = None


def registered() -> tuple[CheckKind, ...]:
    """Every kind, in the order they are documented (registration order)."""
    global _loaded
    if not _loaded:
        _loaded = True
        # the built-in kinds import the detectors; loading them on first use keeps this
        # module importable from them without a cycle
        import midb_cli.checks.kinds  # noqa: F401

    return tuple(_KINDS.values())


def kind_names(*, default_only: bool = False) -> tuple[str, ...]:
    return tuple(k.name for k in registered() if k.default or not default_only)


def get_kind(name: str) -> CheckKind:
    registered()
    return _KINDS[name]


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
    every = kind_names()
    chosen, dropped = _names(select), _names(ignore)
    for name in chosen + dropped:
        if name not in every and name != "all":
            raise UsageError(f"unknown check kind {name!r}; kinds: {', '.join(every)}, all")
    kinds = (
        set(every)
        if "all" in chosen
        else set(chosen)
        if chosen
        else set(kind_names(default_only=True))
    )
    kinds -= set(every) if "all" in dropped else set(dropped)
    return frozenset(kinds)


def kinds_help() -> str:
    """One line per kind for help texts: name, whether it is on by default, what rules do."""
    lines = []
    for k in registered():
        fixed = "reported only" if k.fix is None else "fixed" if k.fix.certain else "fix offered"
        opt = "" if k.default else " (opt-in)"
        lines.append(f"{k.name}{opt}: {k.description}; {fixed}")
    return "\n".join(lines)


def detect_plan(names: Iterable[str]) -> tuple[Stage, ...]:
    """The selected kinds by detection stage: (record-level kinds, field-level kinds)."""
    wanted = set(names)
    chosen = [k for k in registered() if k.name in wanted]
    return _stages(chosen, lambda k: k.stage, lambda k: k.record_detect is not None)


def fix_plan() -> tuple[Stage, ...]:
    """Every kind with a fix, by fix stage: (record fixes, field fixes)."""
    global _fix_plan
    if _fix_plan is None:
        fixes = {k.name: k.fix for k in registered() if k.fix is not None}
        with_fix = [k for k in registered() if k.name in fixes]
        _fix_plan = _stages(
            with_fix, lambda k: fixes[k.name].stage, lambda k: fixes[k.name].record is not None
        )
    return _fix_plan


def fixable_kinds(*, certain_only: bool = True) -> frozenset[str]:
    """The kinds with a fix (only those whose fix is certain, unless told otherwise)."""
    plan = fix_plan()
    return frozenset(
        k.name
        for stage in plan
        for group in stage
        for k in group
        if k.fix is not None and (k.fix.certain or not certain_only)
    )


def _stages(
    kinds: list[CheckKind],
    stage: Callable[[CheckKind], int],
    is_record: Callable[[CheckKind], bool],
) -> tuple[Stage, ...]:
    out = []
    for s in sorted({stage(k) for k in kinds}):
        group = [k for k in kinds if stage(k) == s]
        out.append(
            (tuple(k for k in group if is_record(k)), tuple(k for k in group if not is_record(k)))
        )
    return tuple(out)
