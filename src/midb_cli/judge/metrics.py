"""The paper's pairwise metrics per language and overall, with 95% bootstrap intervals.

Counts only: a group is (win, tie, loss, missing, flips), so groups add up by addition and an
earlier run's judgments resume into the same numbers. With N = win + tie + loss:
WR1 = (W + T/2)/N, WR2 = W/(W + L), QS = (W + T)/N, net = (W - L)/N; a rate whose denominator
is 0 is None (JSON null). ``flip_rate`` is the position-bias rate: the share of the N pairs
whose outcome differs between the two orders.

The intervals resample the N outcomes with replacement (percentile bootstrap) from a generator
seeded by the run's seed and the group's name, so a language's interval does not depend on
which other languages are in the file, and a rerun gives the same numbers.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import Any

DEFAULT_RESAMPLES = 1000
_CODES = (0, 1, 2)  # win, tie, loss


@dataclass
class Tally:
    win: int = 0
    tie: int = 0
    loss: int = 0
    missing: int = 0
    flips: int = 0

    @property
    def n(self) -> int:
        return self.win + self.tie + self.loss

    def add(self, outcome: str | None, flipped: bool = False) -> None:
        if outcome is None:
            self.missing += 1
            return
        setattr(self, outcome, getattr(self, outcome) + 1)
        self.flips += bool(flipped)

    def merge(self, other: Tally) -> None:
        for name in ("win", "tie", "loss", "missing", "flips"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _ratio(a: float, b: int) -> float | None:
    return a / b if b else None


def rates(win: int, tie: int, loss: int) -> dict[str, float | None]:
    n = win + tie + loss
    return {
        "wr1": _ratio(win + tie / 2, n),
        "wr2": _ratio(win, win + loss),
        "qs": _ratio(win + tie, n),
        "net": _ratio(win - loss, n),
    }


def bootstrap_ci(
    tally: Tally, *, seed: int, group: str, resamples: int = DEFAULT_RESAMPLES
) -> dict[str, list[float] | None]:
    """95% percentile intervals of WR1 and net win; None when there is nothing to resample."""
    n = tally.n
    if n == 0 or resamples <= 0:
        return {"wr1": None, "net": None}
    digest = hashlib.blake2b(f"{seed}\x00{group}".encode(), digest_size=8).digest()
    rng = random.Random(int.from_bytes(digest, "big"))
    population = [0] * tally.win + [1] * tally.tie + [2] * tally.loss
    wr1: list[float] = []
    net: list[float] = []
    for _ in range(resamples):
        sample = rng.choices(population, k=n)
        w, t = sample.count(0), sample.count(1)
        loss = n - w - t
        wr1.append((w + t / 2) / n)
        net.append((w - loss) / n)
    return {"wr1": _interval(wr1), "net": _interval(net)}


def _interval(values: list[float]) -> list[float]:
    values.sort()
    last = len(values) - 1
    return [values[round(0.025 * last)], values[round(0.975 * last)]]


def block(
    tally: Tally, *, seed: int, group: str, resamples: int = DEFAULT_RESAMPLES
) -> dict[str, Any]:
    """One language's (or the total's) entry of the ``--json`` output."""
    n = tally.n
    return {
        "n": n,
        "win": tally.win,
        "tie": tally.tie,
        "loss": tally.loss,
        "missing": tally.missing,
        **rates(tally.win, tally.tie, tally.loss),
        "flip_rate": _ratio(tally.flips, n),
        "ci": bootstrap_ci(tally, seed=seed, group=group, resamples=resamples),
    }
