"""One field of the HTML report, as lines that each read in their own direction.

A field is split at every newline into one block per line, each with an explicit ``dir``:
the direction of the line's new text (its equal and inserted parts), else of its old text,
else the field's. That is the ``dir="auto"`` rule, computed here because a browser cannot
apply it to a diff: ``auto`` would let deleted text at the start of a line decide (Chromium
aligns by it), and a line holding only "5." or "---" would fall back to left-to-right inside
an Arabic list. Deleted runs are ``<del>`` bidi isolates with their own direction, so an
Arabic run replacing an English one never interleaves with it. Inserted runs are plain
``<ins>``: they are part of the new text, which must be read as one (an isolated ``x`` in
``print(x)`` within a right-to-left line would land outside its brackets).
"""

from __future__ import annotations

from html import escape

from midb_cli.report.bidi import text_direction
from midb_cli.report.segments import Segment, diff_segments


def field_html(old: str, new: str, lang: str, *, css_class: str = "text") -> str:
    """The field's block: unchanged text as it is, changed text as a highlighted diff."""
    segments: list[Segment] = [("equal", old)] if old == new else diff_segments(old, new, lang)
    base = text_direction(new) or text_direction(old) or "ltr"
    lang_attr = f' lang="{escape(lang)}"' if lang.isalpha() and lang != "und" else ""
    lines = [_line_html(line, base) for line in _lines(segments)]
    return f'<div class="{css_class}" dir="{base}"{lang_attr}>' + "".join(lines) + "</div>"


def _lines(segments: list[Segment]) -> list[list[Segment]]:
    """The segments cut at every newline (deleted or not, as a pre-wrapped text shows it)."""
    lines: list[list[Segment]] = [[]]
    for tag, text in segments:
        parts = text.split("\n")
        for i, part in enumerate(parts):
            if i:
                lines.append([])
            if part:
                lines[-1].append((tag, part))
    return lines


def _line_html(line: list[Segment], base: str) -> str:
    new = "".join(t for tag, t in line if tag != "delete")
    old = "".join(t for tag, t in line if tag != "insert")
    direction = text_direction(new) or text_direction(old) or base
    pieces = []
    for tag, text in line:
        t = escape(text)
        if tag == "equal":
            pieces.append(t)
        elif tag == "insert":
            pieces.append(f"<ins>{t}</ins>")
        else:
            attr = ' dir="auto"' if text_direction(text) else ""
            pieces.append(f"<del{attr}>{t}</del>")
    # an empty line still takes a line's height, as it did in the pre-wrapped text
    return f'<div dir="{direction}">{"".join(pieces) or "<br>"}</div>'
