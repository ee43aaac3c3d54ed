"""Mergeable statistics: exact integer histograms and per-language accumulators."""

from midb_cli.stats.accumulator import FileCounts, LanguageStats, StatsAccumulator
from midb_cli.stats.histogram import IntHistogram

__all__ = ["FileCounts", "IntHistogram", "LanguageStats", "StatsAccumulator"]
