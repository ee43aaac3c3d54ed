"""``run_diff``, the library behind `midb diff`: the CLI is a thin layer over it, so the same
options give the same bytes through both."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from midb_cli.cli.main import app
from midb_cli.errors import UsageError
from midb_cli.report.run import DiffOptions, run_diff

DATA = Path(__file__).parent / "data"
MEB_EN = DATA / "diff_meb_en.jsonl"

runner = CliRunner()


def test_jsonl_view_goes_to_the_given_stream_and_matches_the_cli() -> None:
    buffer = io.BytesIO()
    summary = run_diff(DiffOptions(str(MEB_EN), format="jsonl"), stdout=buffer)
    rows = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert [r["distance"] for r in rows] == [2, 15, 0, 1, 9]
    assert (summary.counts.compared, summary.matched, summary.shown) == (5, 5, 5)
    assert summary.notes == ["5 records compared, 4 changed"]
    cli = runner.invoke(app, ["diff", str(MEB_EN), "--format", "jsonl"])
    assert cli.stdout_bytes == buffer.getvalue()


def test_text_view_goes_to_the_given_console() -> None:
    text = io.StringIO()
    summary = run_diff(
        DiffOptions(str(MEB_EN), top=2, ids=["en-1", "en-2", "en-5"]),
        console=Console(file=text, soft_wrap=True, color_system=None),
    )
    assert text.getvalue().startswith("en-2  en · distance 15")
    assert summary.shown == 2 and summary.matched == 3
    assert summary.notes == ["5 records compared, 3 match --lang/--id, 3 changed"]


def test_html_only_writes_the_report(tmp_path: Path) -> None:
    stream = io.BytesIO()
    report = tmp_path / "r.html"
    summary = run_diff(DiffOptions(str(MEB_EN), html=str(report)), stdout=stream)
    assert stream.getvalue() == b"" and summary.shown == 0
    assert summary.html == str(report) and "5 records compared" in report.read_text("utf-8")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (DiffOptions(str(MEB_EN), top=-1), "--top must be 0"),
        (DiffOptions(str(MEB_EN), format="csv"), "--format must be one of text, jsonl"),
        (DiffOptions(str(MEB_EN), sort="size"), "--sort must be one of"),
        (DiffOptions(str(MEB_EN), html=str(MEB_EN)), "is the input file"),
    ],
)
def test_bad_options_are_usage_errors(options: DiffOptions, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        run_diff(options, stdout=io.BytesIO())
