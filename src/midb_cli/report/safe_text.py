"""Record text made safe for a terminal: control characters shown, never obeyed.

A record can hold terminal escape sequences (machine-translated data scraped from the web
does): printed as they are, they retitle the window, clear the screen or hide text. Every
C0 control but newline and tab, DEL, every C1 control (ESC's 8-bit twins), and the bidi
embedding/override/isolate controls (which can make text display in another order than it
is stored, the "Trojan Source" trick) are replaced by a visible escape such as ``\\x1b`` or
``\\u202e``. Escaping ESC is enough to defuse a whole sequence: the rest is plain text.
Only the terminal view uses this; JSONL and HTML output keep the data as it is.
"""

from __future__ import annotations

_UNSAFE = [
    *(c for c in range(0x20) if c not in (0x09, 0x0A)),
    0x7F,
    *range(0x80, 0xA0),
    *range(0x202A, 0x202F),  # LRE RLE PDF LRO RLO
    *range(0x2066, 0x206A),  # LRI RLI FSI PDI
]
#: one C-level str.translate pass, no Python loop over characters
_TABLE = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _UNSAFE}


def terminal_safe(text: str) -> str:
    """``text`` with every control character that a terminal would act on made visible."""
    return text.translate(_TABLE)
