"""What changed between two texts, as a list of equal/delete/insert segments.

Word-level for space-separated scripts (a token is a word, a run of spaces or one punctuation
mark), character-level for scripts written without spaces (ja, zh, th). The alignment is
rapidfuzz's Levenshtein opcodes over token lists (C, not a Python loop).
"""

from __future__ import annotations

import re
from typing import Literal

from rapidfuzz.distance import Levenshtein

from midb_cli.languages import UNSPACED_LANGUAGES

Tag = Literal["equal", "delete", "insert"]
Segment = tuple[Tag, str]

_WORD_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")
_LINE_TOKENS = re.compile(r"[^\n]*\n|[^\n]+")
#: above this many token-pair cells a finer alignment costs seconds: fall back to lines
_MAX_CELLS = 40_000_000


def tokenize(text: str, lang: str) -> list[str]:
    if lang in UNSPACED_LANGUAGES:
        return list(text)
    return _WORD_TOKENS.findall(text)


def diff_segments(old: str, new: str, lang: str = "und") -> list[Segment]:
    """Segments that turn ``old`` into ``new``; concatenating the non-insert parts gives
    ``old`` and the non-delete parts gives ``new``."""
    if old == new:
        return [("equal", old)] if old else []
    a, b = tokenize(old, lang), tokenize(new, lang)
    if len(a) * len(b) > _MAX_CELLS:
        a, b = _LINE_TOKENS.findall(old), _LINE_TOKENS.findall(new)
        if len(a) * len(b) > _MAX_CELLS:
            return _merge([("delete", old), ("insert", new)])
    segments: list[Segment] = []
    for op in Levenshtein.opcodes(a, b):
        if op.tag == "equal":
            segments.append(("equal", "".join(a[op.src_start : op.src_end])))
            continue
        if op.src_end > op.src_start:
            segments.append(("delete", "".join(a[op.src_start : op.src_end])))
        if op.dest_end > op.dest_start:
            segments.append(("insert", "".join(b[op.dest_start : op.dest_end])))
    return _merge(_absorb_gaps(segments))


def _absorb_gaps(segments: list[Segment]) -> list[Segment]:
    """Treat a bare space between two changes as changed too, so a rewritten phrase shows as
    one deleted run and one inserted run instead of word-by-word confetti."""
    out: list[Segment] = []
    for i, (tag, text) in enumerate(segments):
        if (
            tag == "equal"
            and 0 < i < len(segments) - 1
            and text.isspace()
            and segments[i - 1][0] != "equal"
            and segments[i + 1][0] != "equal"
        ):
            out.append(("delete", text))
            out.append(("insert", text))
        else:
            out.append((tag, text))
    return out


def _merge(segments: list[Segment]) -> list[Segment]:
    """Between two equal runs, put all deleted text first and all inserted text after it,
    and drop empty parts, so a changed phrase reads as one red run then one green run."""
    out: list[Segment] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            out.append(("delete", "".join(deleted)))
        if inserted:
            out.append(("insert", "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for tag, text in segments:
        if not text:
            continue
        if tag == "delete":
            deleted.append(text)
        elif tag == "insert":
            inserted.append(text)
        else:
            flush()
            if out and out[-1][0] == "equal":
                out[-1] = ("equal", out[-1][1] + text)
            else:
                out.append(("equal", text))
    flush()
    return out
