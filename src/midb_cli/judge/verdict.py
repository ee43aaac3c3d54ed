"""The pairwise protocol: read a judge's verdict, and combine the two orders of a pair.

Every pair is judged twice: order ``ab`` shows the first side as assistant A and the second as
B, order ``ba`` the other way round. Outcomes are from the second side's point of view (the
boosted pair, or the second file). A win is a win in both orders or a win plus a tie, a loss
likewise; anything else (tie + tie, or a win in one order and a loss in the other) is a tie. A
verdict that cannot be read in either order makes the pair ``missing``: never a tie or a loss.
"""

from __future__ import annotations

import re
from typing import Literal

Outcome = Literal["win", "tie", "loss"]
ORDERS: tuple[str, str] = ("ab", "ba")
#: the structured-output constraint for a verdict-only judge (``--verdict-only``)
VERDICT_REGEX = r"\[\[[012]\]\]"

_VERDICT = re.compile(r"\[\[\s*([012])\s*\]\]")
_PER_ORDER: dict[str, dict[int, Outcome]] = {
    "ab": {2: "win", 1: "loss", 0: "tie"},
    "ba": {1: "win", 2: "loss", 0: "tie"},
}


def parse_verdict(text: str) -> int | None:
    """The judge's verdict, 1 (A better), 2 (B better) or 0 (tie), or None when the text has
    none. The last marker counts: the prompt asks for the verdict after the explanation, and an
    explanation may quote the format (`"[[1]]" if assistant A is better`) before it."""
    found = _VERDICT.findall(text)
    return int(found[-1]) if found else None


def order_outcome(order: str, verdict: int | None) -> Outcome | None:
    """One order's verdict from the second side's point of view."""
    return None if verdict is None else _PER_ORDER[order][verdict]


def combine(first: Outcome | None, second: Outcome | None) -> Outcome | None:
    """The pair's outcome from its two orders (None: missing)."""
    if first is None or second is None:
        return None
    if first == second:
        return first
    if "tie" in (first, second):
        return first if second == "tie" else second
    return "tie"  # a win in one order and a loss in the other: the judge follows the position
