"""The HTML report reads right (directions, isolation, changed records first, a histogram of
the changed ones) and the boost report is built from the whole finished output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from midb_cli.cli.main import app
from midb_cli.errors import UsageError
from midb_cli.records import Pair
from midb_cli.report import DiffReport
from midb_cli.report.bidi import text_direction
from midb_cli.report.boost_report import write_boost_report
from midb_cli.report.fieldhtml import field_html

DATA = Path(__file__).parent / "data"
ALPACA = DATA / "boost" / "alpaca.jsonl"
runner = CliRunner()


def test_text_direction_follows_the_first_strong_letter() -> None:
    assert text_direction("1. طور روتينًا") == "rtl"
    assert text_direction("  (3) print('مرحبا')") == "ltr"
    assert text_direction("以下の質問") == "ltr"
    assert text_direction("12 - 3.") is None
    assert text_direction("\u2067abc\u2069 שלום") == "rtl"  # an isolate's content is skipped


def test_each_line_has_its_own_direction_and_deleted_runs_are_isolated() -> None:
    html = field_html("اكتب:\nprint('hi')\n\n5.", "اكتب:\nprint('مرحبا')\n\n5.", "ar")
    assert html.startswith('<div class="text" dir="rtl" lang="ar">')
    lines = re.findall(r'<div dir="(\w+)">(.*?)</div>', html)
    assert [d for d, _ in lines] == ["rtl", "ltr", "rtl", "rtl"]  # "5." takes the field's
    assert lines[1][1] == 'print(&#x27;<del dir="auto">hi</del><ins>مرحبا</ins>&#x27;)'
    assert lines[2][1] == "<br>"  # an empty line keeps its height
    # a changed field reads in the direction of its new text, whatever was deleted first
    assert 'dir="rtl"' in field_html("Hello there", "مرحبا", "ar").split(">")[0]
    assert "<del>" in field_html("a (1)", "a", "en")  # no letter: the line's direction


def _report_of(changed: int, unchanged: int) -> str:
    rep = DiffReport(top=50, title="t")
    base = Pair("Schreiben Sie etwas.", "", "Ein Satz.")
    for i in range(unchanged):
        rep.add(f"same-{i}", "de", base, base, status="unchanged")
    for i in range(changed):
        rep.add(f"new-{i}", "de", base, Pair(base.instruction, "", "Ein Satz!" + "!" * i))
    return rep.render_html()


def test_changed_records_first_unchanged_collapsed_histogram_of_changed() -> None:
    html = _report_of(changed=3, unchanged=40)
    ids = re.findall(r"<h3><bdi>([\w-]+)</bdi>", html)
    assert ids[:3] == ["new-2", "new-1", "new-0"] and len(ids) == 43
    head, collapsed = html.split('<details class="unchanged">')
    assert "same-" not in head and "new-" not in collapsed
    assert "<summary>40 unchanged records</summary>" in collapsed
    assert "the 40 unchanged among them are collapsed at the end" in head
    # the histogram counts the 3 changed records only, from distance 1
    bars = re.findall(r"<title>distance ([\d–]+): (\d+) records</title>", html)
    assert sum(int(n) for _, n in bars) == 3 and not any(b == "0" for b, _ in bars)
    assert "40 unchanged (distance 0) are not drawn" in html


def test_a_report_with_nothing_changed_says_so() -> None:
    html = _report_of(changed=0, unchanged=2)
    assert "No record changed." in html and "<svg" not in html


def test_boost_report_describes_the_whole_output_after_a_resume(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["boost", str(ALPACA), "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_bytes().splitlines(keepends=True)
    out.write_bytes(b"".join(lines[:3]))  # as if killed after 3 records...
    result = runner.invoke(app, ["boost", str(ALPACA), "-o", str(out)])  # ...and resumed
    assert result.exit_code == 0, result.output
    report = tmp_path / "report.html"
    counts = write_boost_report(
        out, report, title="boost <x>", rejects_path=tmp_path / "out.rejects.jsonl", rejected=2
    )
    assert counts.records == counts.compared == len(lines) and counts.rejected == 0
    html = report.read_text(encoding="utf-8")
    assert f"of {len(lines):,} records" in html and "earlier run" not in html
    assert "<title>boost &lt;x&gt;</title>" in html
    assert "2 rejected lines of the input: " in html
    assert "boosted" in html  # statuses come from midb's own metadata


def test_boost_report_refuses_to_overwrite_the_output(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert runner.invoke(app, ["boost", str(ALPACA), "-o", str(out)]).exit_code == 0
    before = out.read_bytes()
    with pytest.raises(UsageError):
        write_boost_report(out, out)
    assert out.read_bytes() == before
