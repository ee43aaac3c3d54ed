"""The judge's summary for people: a terminal table and a self-contained HTML page with a
per-language chart (stacked win/tie/loss bars, WR1 with its 95% interval)."""

from __future__ import annotations

import html
from typing import Any

from midb_cli.languages import language_name


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _ci(ci: list[float] | None) -> str:
    return "" if not ci else f" [{100 * ci[0]:.1f}, {100 * ci[1]:.1f}]"


def table_rows(doc: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    rows = list(doc["languages"].items())
    rows.append(("total", doc["total"]))
    return rows


def render_table(doc: dict[str, Any], console: Any) -> None:
    from rich.table import Table

    table = Table(title="midb judge: second side vs first (95% bootstrap intervals)")
    for name in ("lang", "n", "win", "tie", "loss", "missing", "WR1", "WR2", "QS", "net", "flip"):
        table.add_column(name, justify="left" if name == "lang" else "right")
    for lang, b in table_rows(doc):
        table.add_row(
            lang,
            str(b["n"]),
            str(b["win"]),
            str(b["tie"]),
            str(b["loss"]),
            str(b["missing"]),
            _pct(b["wr1"]) + _ci(b["ci"]["wr1"]),
            _pct(b["wr2"]),
            _pct(b["qs"]),
            _pct(b["net"]) + _ci(b["ci"]["net"]),
            _pct(b["flip_rate"]),
        )
    console.print(table)


_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin-top:1em}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}
.bar{display:flex;width:420px;height:18px;border:1px solid #999}
.win{background:#2e7d32}.tie{background:#bdbdbd}.loss{background:#c62828}
.ci{position:relative;width:420px;height:10px}
.ci span{position:absolute;top:4px;height:2px;background:#1565c0}
.ci b{position:absolute;top:0;width:2px;height:10px;background:#1565c0}
"""


def render_html(doc: dict[str, Any]) -> str:
    """A page with one chart row per language (and the total)."""
    esc = html.escape
    rows = []
    for lang, b in table_rows(doc):
        n = b["n"] or 1
        bars = "".join(
            f'<div class="{kind}" style="width:{100 * b[kind] / n:.2f}%" '
            f'title="{kind} {b[kind]}"></div>'
            for kind in ("win", "tie", "loss")
        )
        ci = b["ci"]["wr1"]
        marker = ""
        if ci and b["wr1"] is not None:
            marker = (
                f'<span style="left:{100 * ci[0]:.2f}%;width:{100 * (ci[1] - ci[0]):.2f}%">'
                f'</span><b style="left:{100 * b["wr1"]:.2f}%"></b>'
            )
        name = "total" if lang == "total" else f"{lang} ({language_name(lang)})"
        rows.append(
            f"<tr><td>{esc(name)}</td><td>{b['n']}</td><td>{b['missing']}</td>"
            f'<td><div class="bar">{bars}</div><div class="ci">{marker}</div></td>'
            f"<td>{_pct(b['wr1'])}{_ci(ci)}</td><td>{_pct(b['net'])}{_ci(b['ci']['net'])}</td>"
            f"<td>{_pct(b['flip_rate'])}</td></tr>"
        )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>midb judge</title>'
        f"<style>{_STYLE}</style></head><body><h1>midb judge</h1>"
        f"<p>prompt {esc(str(doc['prompt']))}, comparison {esc(str(doc['compare']))}: "
        f"{doc['judged']} pairs judged in both orders, {doc['missing']} missing "
        "(no readable verdict), outcomes from the second side's point of view. "
        "Bars: win (green), tie (grey), loss (red); blue: WR1 and its 95% bootstrap "
        "interval.</p><table><tr><th>language</th><th>n</th><th>missing</th><th>chart</th>"
        "<th>WR1</th><th>net</th><th>flip</th></tr>" + "".join(rows) + "</table></body></html>"
    )
