"""The self-contained HTML diff report: inline CSS and SVG, no script, no external URL.

Every piece of record text goes through ``html.escape`` (quotes too), so a record holding
``<script>`` shows as text and never runs.

Right-to-left text: each line of a field reads in its own direction, deleted runs are bidi
isolates (see ``fieldhtml``); record ids and notes are isolated too. How this was checked in
a browser, and how to check it again: tests/test_report_browser.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from html import escape

from midb_cli.languages import language_name
from midb_cli.records.pair import ROLES
from midb_cli.report.entry import DiffEntry
from midb_cli.report.fieldhtml import field_html
from midb_cli.report.summary import DistanceSummary, LanguageSummaries
from midb_cli.stats.histogram import IntHistogram

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2em auto;max-width:1100px;
 padding:0 1em;color:#1d1d1f;background:#fff}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #ddd;padding:.25em .6em;text-align:right}
th:first-child,td:first-child{text-align:left}
.notes{color:#555}
.rec{border:1px solid #ddd;border-radius:6px;margin:1em 0;padding:.5em 1em}
.rec h3{font-size:1em;margin:.2em 0 .5em}
.meta{color:#555;font-weight:normal}
.field{margin:.4em 0}.role{font-weight:600;color:#444}
.text{white-space:pre-wrap;word-wrap:break-word;font-family:ui-monospace,Menlo,Consolas,monospace;
 font-size:13px;background:#fafafa;border:1px solid #eee;padding:.4em;border-radius:4px}
del{background:#ffd7d5;color:#82071e;text-decoration:line-through}
ins{background:#ccffd8;color:#055d20;text-decoration:none}
del,bdi{unicode-bidi:isolate}
.same{color:#888}
details.unchanged>summary{cursor:pointer;color:#555;margin:1em 0}
svg text{font:11px sans-serif;fill:#444}
"""

_HIST_BINS = 24


def render_report(
    title: str,
    summaries: LanguageSummaries,
    entries: Iterable[DiffEntry],
    *,
    shown_caption: str,
    notes: Iterable[str] = (),
) -> str:
    """The whole page. Of ``entries`` (in view order), changed records come first; the
    unchanged ones follow in one collapsed section, so a run that changed little does not
    bury its few changes under pages of identical text."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width,initial-scale=1">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f'<h1 dir="auto">{escape(title)}</h1>',
    ]
    notes = list(notes)
    if notes:
        parts.append('<ul class="notes">')
        parts.extend(f'<li dir="auto">{escape(n)}</li>' for n in notes)
        parts.append("</ul>")
    parts.append("<h2>Per language</h2>")
    parts.append(_summary_table(summaries))
    parts.append("<h2>Distance histogram of the changed records</h2>")
    parts.append(_changed_histogram(summaries.total))
    changed: list[DiffEntry] = []
    unchanged: list[DiffEntry] = []
    for entry in entries:
        (changed if entry.changed else unchanged).append(entry)
    parts.append(f"<h2>Records</h2><p class=notes>{escape(shown_caption)}</p>")
    parts.extend(_entry_html(e) for e in changed)
    if unchanged:
        parts.append(
            f'<details class="unchanged"><summary>{len(unchanged):,} unchanged '
            f"record{'s' if len(unchanged) != 1 else ''}</summary>"
        )
        parts.extend(_entry_html(e) for e in unchanged)
        parts.append("</details>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _changed_histogram(total: DistanceSummary) -> str:
    """Distance 0 is left out: in a rules-only run it is nearly every record and would
    flatten the bars that matter to nothing."""
    changed = IntHistogram()
    for value, count in total.distances.items():
        if value:
            changed.add(value, count)
    unchanged = total.records - changed.count
    if not changed.count:
        return "<p class=notes>No record changed.</p>"
    note = (
        f"<p class=notes>{changed.count:,} changed record(s); {unchanged:,} unchanged "
        "(distance 0) are not drawn.</p>"
    )
    return histogram_svg(changed, zero_bin=False) + "\n" + note


def _fmt(value: float | int | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _summary_table(summaries: LanguageSummaries) -> str:
    has_status = bool(summaries.total.statuses)
    head = ["language", "records", "changed", "changed %", "mean", "median", "p90", "max"]
    if has_status:
        head.append("status")
    rows = ["<table><tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"]
    groups: list[tuple[str, DistanceSummary]] = summaries.ordered()
    if len(groups) > 1:
        groups.append(("all", summaries.total))
    for lang, s in groups:
        d = s.distances
        name = "all" if lang == "all" else f"{lang} ({language_name(lang)})"
        share = f"{100 * s.changed / s.records:.1f}" if s.records else "–"
        cells = [
            escape(name),
            _fmt(s.records),
            _fmt(s.changed),
            share,
            _fmt(d.mean),
            _fmt(d.median),
            _fmt(d.quantile(0.9)),
            _fmt(d.max),
        ]
        if has_status:
            cells.append(escape(", ".join(f"{k} {v:,}" for k, v in sorted(s.statuses.items()))))
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    rows.append("</table>")
    return "\n".join(rows)


def histogram_bins(
    hist: IntHistogram, bins: int = _HIST_BINS, *, zero_bin: bool = True
) -> list[tuple[int, int, int]]:
    """(low, high, count) bins of equal width from 0; distance 0 gets its own bin because
    unchanged records are usually the largest group (``zero_bin=False`` leaves it out, for a
    histogram of changed records). Edit distances have a long tail: when the maximum is far
    beyond the 99th percentile, one last bin holds everything above it."""
    if not hist.count:
        return []
    top = hist.max or 0
    p99 = int(hist.quantile(0.99) or 0)
    cap = p99 if p99 > 0 and top > 2 * p99 else top
    slots = bins - (2 if cap < top else 1)
    width = max(1, math.ceil(cap / max(1, slots)))
    edges: list[tuple[int, int]] = [(0, 0)]
    low = 1
    while low <= cap:
        edges.append((low, low + width - 1))
        low += width
    if cap < top:
        edges.append((low, top))
    counts = [0] * len(edges)
    for value, n in hist.items():
        index = 0 if value == 0 else min(1 + (value - 1) // width, len(edges) - 1)
        counts[index] += n
    out = [(lo, hi, c) for (lo, hi), c in zip(edges, counts, strict=True)]
    return out if zero_bin else out[1:]


def histogram_svg(hist: IntHistogram, *, zero_bin: bool = True) -> str:
    bins = histogram_bins(hist, zero_bin=zero_bin)
    if not bins:
        return "<p class=notes>No records.</p>"
    w, h, pad_l, pad_b, pad_t = 760, 220, 48, 40, 10
    peak = max(c for _, _, c in bins) or 1
    bar_w = (w - pad_l - 10) / len(bins)
    out = [
        f'<svg width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img" aria-label="distance histogram">',
        f'<line x1="{pad_l}" y1="{h - pad_b}" x2="{w - 10}" y2="{h - pad_b}" stroke="#999"/>',
        f'<text x="{pad_l - 6}" y="{pad_t + 10}" text-anchor="end">{peak:,}</text>',
        f'<text x="{pad_l - 6}" y="{h - pad_b}" text-anchor="end">0</text>',
    ]
    for i, (lo, hi, count) in enumerate(bins):
        bar_h = (h - pad_b - pad_t) * count / peak
        x = pad_l + i * bar_w
        label = f"{lo}" if lo == hi else f"{lo}–{hi}"
        out.append(
            f'<rect x="{x + 1:.1f}" y="{h - pad_b - bar_h:.1f}" width="{bar_w - 2:.1f}" '
            f'height="{bar_h:.1f}" fill="#4a7bd0"><title>distance {label}: {count:,} '
            f"records</title></rect>"
        )
        if i % 4 == 0 or i == len(bins) - 1:
            out.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{h - pad_b + 14}" '
                f'text-anchor="middle">{lo}</text>'
            )
    out.append(
        f'<text x="{pad_l + (w - pad_l) / 2:.0f}" y="{h - 6}" text-anchor="middle">'
        "edit distance (characters)</text></svg>"
    )
    return "\n".join(out)


def _entry_html(entry: DiffEntry) -> str:
    fields = ", ".join(f"{r} {entry.fields[r]:,}" for r in ROLES)
    status = f" · {escape(entry.status)}" if entry.status else ""
    parts = [
        '<div class="rec">',
        f"<h3><bdi>{escape(entry.id)}</bdi> <span class=meta>· {escape(entry.lang)} · distance "
        f"{entry.distance:,} ({fields}){status}</span></h3>",
    ]
    for role in ROLES:
        old, new = entry.raw.get(role), entry.revised.get(role)
        if not old and not new:
            continue
        # the lang attribute makes the browser pick the right glyphs (Japanese, not Chinese)
        body = field_html(old, new, entry.lang, css_class="text same" if old == new else "text")
        parts.append(f'<div class="field"><span class="role">{role}</span>{body}</div>')
    parts.append("</div>")
    return "\n".join(parts)
