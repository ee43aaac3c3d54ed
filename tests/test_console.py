"""The CLI's console and wording helpers."""

from __future__ import annotations

import io

import pytest
from rich.table import Table

from midb_cli.cli.console import counted, make_console


def test_counts_agree_with_their_noun() -> None:
    assert counted(1, "failed request") == "1 failed request"
    assert counted(0, "failed request") == "0 failed requests"
    assert counted(12345, "failed request") == "12,345 failed requests"


def test_a_table_written_to_a_pipe_is_not_cut_at_80_columns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # `midb stats big.jsonl > stats.txt`: rich's 80 columns cut figures (`100.…`, `11,4…`)
    monkeypatch.delenv("COLUMNS", raising=False)
    out = io.StringIO()
    table = Table()
    for k in range(10):
        table.add_column(f"column{k}", no_wrap=True)
    table.add_row(*(f"{1_000_000 + k:,}.5%" for k in range(10)))
    make_console(file=out).print(table)
    assert "…" not in out.getvalue()
    assert "1,000,009.5%" in out.getvalue()
