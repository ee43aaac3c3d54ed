"""Which way a text runs, for the HTML report's ``dir`` attributes.

The rule is the Unicode bidi algorithm's (rules P2/P3, also what ``dir="auto"`` does in a
browser): the first strong character decides, Arabic and Hebrew letters right-to-left, any
other letter left-to-right. The report needs it in Python where the browser cannot know: a
changed field mixes deleted and inserted text, and its direction must come from the text
the field now holds, not from whatever was deleted at its start.
"""

from __future__ import annotations

import unicodedata

Direction = str  # "rtl" | "ltr"

_STRONG = {"L": "ltr", "R": "rtl", "AL": "rtl"}
#: isolates and embeddings hide their contents from the paragraph's direction (rule P2)
_OPENERS = {"LRI", "RLI", "FSI", "LRE", "RLE", "LRO", "RLO"}
_CLOSERS = {"PDI", "PDF"}
#: a field's direction is settled within its first letters; never scan a huge field whole
_SCAN_LIMIT = 4096


def text_direction(text: str) -> Direction | None:
    """``"rtl"`` or ``"ltr"`` from the first strong character, None when there is none."""
    depth = 0
    for ch in text[:_SCAN_LIMIT]:
        kind = unicodedata.bidirectional(ch)
        if kind in _OPENERS:
            depth += 1
        elif kind in _CLOSERS:
            depth = max(0, depth - 1)
        elif depth == 0 and kind in _STRONG:
            return _STRONG[kind]
    return None
