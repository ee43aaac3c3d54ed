"""Deterministic fixes: repair what can be repaired with certainty, leave the rest alone.

``fix_pair`` acts only on the kinds named by fixable findings and re-detects each defect in the
current text before touching it, so a pair without findings comes back as the very same
object, and fixing twice gives the same result as fixing once.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from midb_cli.checks import structure, surface
from midb_cli.checks.code import code_blocks_differ
from midb_cli.checks.finding import Finding
from midb_cli.checks.text import fenced_blocks, mask_code_and_urls
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
    pair: Pair, lang: str, findings: list[Finding], source: Pair | None = None
) -> FixResult:
    """``pair`` with every fixable finding repaired; ``applied`` says what was done."""
    wanted = {(f.kind, f.field) for f in findings if f.fixable}
    if not wanted:
        return FixResult(pair)
    applied: list[str] = []
    current = pair
    for _ in range(MAX_ROUNDS):
        before = current
        current = _fix_round(current, lang, wanted, source, applied)
        if current == before:
            break
    if current == pair:
        return FixResult(pair)
    return FixResult(current, _unique(applied))


def _fix_round(
    pair: Pair, lang: str, wanted: set[tuple[str, str]], source: Pair | None, applied: list[str]
) -> Pair:
    kinds = {k for k, _ in wanted}
    if "mojibake" in kinds:
        for role in ROLES:
            if ("mojibake", role) in wanted:
                pair = _apply(
                    pair, role, surface.repair_mojibake, "mojibake: repaired encoding", applied
                )
    if "field_leak" in kinds:
        pair = _fix_leaks(pair, wanted, applied)
    if ("placeholder_input", "input") in wanted and structure.placeholder_input(pair):
        pair = pair.with_field("input", "")
        applied.append("placeholder_input: emptied input")
    for role in ROLES:
        if ("translated_code", role) in wanted and source is not None:
            pair = _apply(
                pair, role, lambda t, r=role: _restore_code(t, source.get(r)),
                "translated_code: restored code from the source", applied,
            )  # fmt: skip
        if ("repetition", role) in wanted:
            pair = _apply(pair, role, _collapse_repetition, "repetition: collapsed loop", applied)
        if ("punctuation_locale", role) in wanted:
            pair = _apply(
                pair, role, lambda t: _fix_punctuation(t, lang),
                "punctuation_locale: replaced ASCII marks", applied,
            )  # fmt: skip
        if ("unicode_form", role) in wanted:
            pair = _apply(
                pair, role, lambda t: unicodedata.normalize("NFC", t),
                "unicode_form: normalised to NFC", applied,
            )  # fmt: skip
        if ("whitespace", role) in wanted:
            pair = _apply(pair, role, _fix_whitespace, "whitespace: normalised spaces", applied)
    return pair


def _apply(pair: Pair, role: str, fix, label: str, applied: list[str]) -> Pair:  # type: ignore[no-untyped-def]
    text = pair.get(role)
    fixed = fix(text)
    if fixed == text:
        return pair
    applied.append(f"{label} in {role}")
    return pair.with_field(role, fixed)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


# -- field leaks ------------------------------------------------------------------------------
def _fix_leaks(pair: Pair, wanted: set[tuple[str, str]], applied: list[str]) -> Pair:
    for leak in structure.find_leaks(pair):
        if ("field_leak", leak.role) not in wanted:
            continue
        text = pair.get(leak.role)
        if leak.target is None or leak.target == leak.role:
            # a label, tag or header: drop it (a header line goes with its line break)
            end = leak.marker_end
            if text[end : end + 1] == "\n":
                end += 1
            fixed = text[: leak.start] + text[end:]
            if leak.start == 0:
                fixed = fixed.lstrip()
            pair = pair.with_field(leak.role, fixed)
            applied.append(f"field_leak: removed {leak.what.split()[-2]} marker from {leak.role}")
        elif not pair.get(leak.target).strip():
            moved = text[leak.marker_end : leak.end].strip()
            pair = pair.with_field(leak.role, text[: leak.start].rstrip())
            pair = pair.with_field(leak.target, moved)
            applied.append(f"field_leak: moved {leak.target} text out of {leak.role}")
        elif leak.role == "response":
            pair = pair.with_field(leak.role, text[: leak.start].rstrip())
            applied.append("field_leak: cut a new pair off the response")
        return pair  # one leak per round: offsets of the others moved
    return pair


# -- repetition, punctuation, whitespace, code -----------------------------------------------------
def _collapse_repetition(text: str) -> str:
    loop = surface.find_repetition(mask_code_and_urls(text).replace("\x00", " "))
    if loop is None:
        return text
    return loop.pattern().sub(lambda m: m.group(1), text, count=1)


def _fix_punctuation(text: str, lang: str) -> str:
    marks = surface.find_punctuation(mask_code_and_urls(text), lang)
    if not marks:
        return text
    chars = list(text)
    for offset, replacement in marks:
        chars[offset] = replacement
    return "".join(chars)


def _fix_whitespace(text: str) -> str:
    masked = mask_code_and_urls(text)
    spans = [m.span() for m in surface.TRAILING_WS_RE.finditer(masked)]
    runs = [(m.start(), m.end()) for m in surface.SPACE_RUN_RE.finditer(masked)]
    if not spans and not runs:
        return text
    edits = sorted([(s, e, "") for s, e in spans] + [(s, e, " ") for s, e in runs], reverse=True)
    for start, end, repl in edits:
        text = text[:start] + repl + text[end:]
    return text


def _restore_code(text: str, source: str) -> str:
    if not source or not code_blocks_differ(text, source):
        return text
    mine, theirs = fenced_blocks(text), fenced_blocks(source)
    parts, last = [], 0
    for a, b in zip(mine, theirs, strict=True):
        parts.append(text[last : a.start()])
        parts.append(b.group(0))
        last = a.end()
    parts.append(text[last:])
    return "".join(parts)
