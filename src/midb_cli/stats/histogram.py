"""Exact integer histograms: bounded memory (one counter per distinct value), mergeable by
addition, exact mean/median/percentiles.

Lengths and edit distances are small integers with far fewer distinct values than records, so
an exact histogram costs kilobytes whether the file has 30k or 30M records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator


class IntHistogram:
    __slots__ = ("_counts", "count", "total")

    def __init__(self) -> None:
        self._counts: Counter[int] = Counter()
        self.count = 0
        self.total = 0

    def add(self, value: int, times: int = 1) -> None:
        self._counts[value] += times
        self.count += times
        self.total += value * times

    def __iadd__(self, other: IntHistogram) -> IntHistogram:
        self._counts.update(other._counts)
        self.count += other.count
        self.total += other.total
        return self

    def __add__(self, other: IntHistogram) -> IntHistogram:
        out = IntHistogram()
        out += self
        out += other
        return out

    def __len__(self) -> int:
        return self.count

    def items(self) -> Iterator[tuple[int, int]]:
        """(value, how many) in increasing value order."""
        return iter(sorted(self._counts.items()))

    @property
    def mean(self) -> float | None:
        return self.total / self.count if self.count else None

    @property
    def max(self) -> int | None:
        return max(self._counts) if self.count else None

    @property
    def min(self) -> int | None:
        return min(self._counts) if self.count else None

    def quantile(self, q: float) -> float | None:
        """Exact quantile with linear interpolation between order statistics (numpy's
        default), so the median of an even count is the mean of the two middle values."""
        if not self.count:
            return None
        position = q * (self.count - 1)
        low_rank = int(position)
        frac = position - low_rank
        low = self._value_at_rank(low_rank)
        if frac == 0:
            return float(low)
        high = self._value_at_rank(low_rank + 1)
        return low + (high - low) * frac

    def _value_at_rank(self, rank: int) -> int:
        seen = 0
        for value, n in self.items():
            seen += n
            if rank < seen:
                return value
        raise IndexError(rank)  # pragma: no cover - rank < count always

    @property
    def median(self) -> float | None:
        return self.quantile(0.5)

    def summary(self, *, p90: bool = False) -> dict[str, float | int | None]:
        out: dict[str, float | int | None] = {
            "mean": _round(self.mean),
            "median": _round(self.median),
        }
        if p90:
            out["p90"] = _round(self.quantile(0.9))
            out["max"] = self.max
        return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)
