"""The terminal diff view (rich). With colour, deletions are red and struck through and
insertions green and underlined; without colour (a pipe, NO_COLOR) they are marked
``[-deleted-]`` and ``{+inserted+}`` like ``git diff --word-diff``. Record text reaches the
terminal through ``terminal_safe``: its control characters are shown, never obeyed."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from midb_cli.records.pair import ROLES
from midb_cli.report.entry import DiffEntry
from midb_cli.report.safe_text import terminal_safe
from midb_cli.report.segments import diff_segments

DELETE_STYLE = "bold red strike"
INSERT_STYLE = "bold green underline"


def entry_text(entry: DiffEntry, *, color: bool) -> Text:
    text = Text()
    fields = ", ".join(f"{r} {entry.fields[r]}" for r in ROLES)
    status = f" · {terminal_safe(entry.status)}" if entry.status else ""
    text.append(terminal_safe(entry.id), style="bold")
    text.append(
        f"  {terminal_safe(entry.lang)} · distance {entry.distance} ({fields}){status}\n",
        style="dim",
    )
    for role in ROLES:
        old, new = entry.raw.get(role), entry.revised.get(role)
        if not old and not new:
            continue
        text.append(f"{role}: ", style="bold cyan")
        if old == new:
            text.append("(unchanged) ", style="dim")
            text.append(terminal_safe(_shorten(old)), style="dim")
        else:
            for tag, raw_part in diff_segments(old, new, entry.lang):
                part = terminal_safe(raw_part)
                if tag == "equal":
                    text.append(part)
                elif color:
                    text.append(part, style=DELETE_STYLE if tag == "delete" else INSERT_STYLE)
                else:
                    text.append(f"[-{part}-]" if tag == "delete" else f"{{+{part}+}}")
        text.append("\n")
    return text


def _shorten(text: str, limit: int = 160) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def print_entry(console: Console, entry: DiffEntry) -> None:
    console.print(entry_text(entry, color=console.color_system is not None), soft_wrap=True)
