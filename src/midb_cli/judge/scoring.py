"""Reading a single-answer score, and the per-language score statistics.

The rubric (AlpaGasus, CoachLM) asks for the score alone on the first line. The first
non-empty line must start with a number from 0 to 5 (``4.5``, ``4,5``, ``Score: 4``, ``4/5``,
``**4.5**``); anything else is missing, never 0, and says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

HIGH_QUALITY = 4.5
MAX_SCORE = 5.0

_SCORE = re.compile(
    r"^[\s*#_]*(?:(?:score|rating|accuracy)\s*[:：=]?\s*)?[*_]*(\d+(?:[.,]\d+)?)(?![\d.,]*\d)"
    r"(?:\s*(?:/|out of)\s*5(?:[.,]0+)?)?",
    re.IGNORECASE,
)

_OTHER_SCALE = re.compile(r"[*_]*\s*(?:/|out of)\s*(\d+(?:\.\d+)?)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ScoreParse:
    score: float | None
    reason: str = ""


def parse_score(text: str) -> ScoreParse:
    for line in text.splitlines():
        if line.strip():
            break
    else:
        return ScoreParse(None, "parse:empty answer")
    match = _SCORE.match(line)
    if match is None:
        return ScoreParse(None, "parse:first line is not a score")
    other_scale = _OTHER_SCALE.match(line, match.end())
    if other_scale is not None and float(other_scale.group(1)) != MAX_SCORE:
        return ScoreParse(None, f"parse:score on another scale ({line.strip()[:40]})")
    value = float(match.group(1).replace(",", "."))
    if not 0 <= value <= MAX_SCORE:
        return ScoreParse(None, f"parse:score {match.group(1)} is outside 0-5")
    return ScoreParse(value)


@dataclass
class ScoreTally:
    scored: int = 0
    missing: int = 0
    total: float = 0.0
    high: int = 0

    def add(self, score: float | None, high: float = HIGH_QUALITY) -> None:
        if score is None:
            self.missing += 1
            return
        self.scored += 1
        self.total += score
        self.high += score >= high

    def merge(self, other: ScoreTally) -> None:
        self.scored += other.scored
        self.missing += other.missing
        self.total += other.total
        self.high += other.high

    def to_json(self) -> dict[str, float | int | None]:
        return {
            "scored": self.scored,
            "missing": self.missing,
            "mean": self.total / self.scored if self.scored else None,
            "high_share": self.high / self.scored if self.scored else None,
            "high": self.high,
        }
