"""Diff views shared by `midb diff` and `midb boost --report`: segments, terminal, HTML."""

from midb_cli.report.builder import DiffReport
from midb_cli.report.entry import DiffEntry
from midb_cli.report.segments import diff_segments

__all__ = ["DiffEntry", "DiffReport", "diff_segments"]
