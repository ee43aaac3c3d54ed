"""The text repairs behind the fixes of the built-in check kinds (``checks.kinds``). Each
re-detects its defect in the text it gets, so it changes nothing when the defect is gone."""

from __future__ import annotations

from midb_cli.checks import punctuation, structure, surface
from midb_cli.checks.code import code_blocks_differ
from midb_cli.checks.text import fenced_blocks, mask_code_and_urls
from midb_cli.records.pair import Pair


# -- field leaks ------------------------------------------------------------------------------
def fix_leaks(pair: Pair, roles: frozenset[str]) -> tuple[Pair, list[str]]:
    """The first leak in one of ``roles`` repaired (one per call: the others' offsets move)."""
    applied: list[str] = []
    for leak in structure.find_leaks(pair):
        if leak.role not in roles:
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
        return pair, applied
    return pair, applied


# -- repetition, punctuation, whitespace, code -----------------------------------------------------
def collapse_repetition(text: str) -> str:
    loop = surface.find_repetition(mask_code_and_urls(text).replace("\x00", " "))
    if loop is None:
        return text
    return loop.collapse(text)


def fix_punctuation(text: str, lang: str) -> str:
    edits = punctuation.punctuation_edits(mask_code_and_urls(text), lang)
    return punctuation.apply_edits(text, edits) if edits else text


def fix_whitespace(text: str) -> str:
    masked = mask_code_and_urls(text)
    spans = [m.span() for m in surface.TRAILING_WS_RE.finditer(masked)]
    runs = [(m.start(), m.end()) for m in surface.SPACE_RUN_RE.finditer(masked)]
    if not spans and not runs:
        return text
    edits = sorted([(s, e, "") for s, e in spans] + [(s, e, " ") for s, e in runs], reverse=True)
    for start, end, repl in edits:
        text = text[:start] + repl + text[end:]
    return text


def restore_code(text: str, source: str) -> str:
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
