"""The CLI's wording helpers."""

from __future__ import annotations

from midb_cli.cli.console import counted


def test_counts_agree_with_their_noun() -> None:
    assert counted(1, "failed request") == "1 failed request"
    assert counted(0, "failed request") == "0 failed requests"
    assert counted(12345, "failed request") == "12,345 failed requests"
