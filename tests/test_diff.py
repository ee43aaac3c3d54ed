"""`midb diff` and the diff report: the paper's distance, alignment by id (in step or not,
with ids missing on either side), terminal and JSONL views, and a self-contained, escaped
HTML report."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from midb_cli.cli.main import app
from midb_cli.errors import InputError, UsageError
from midb_cli.langid import LanguageIdentifier
from midb_cli.records import Pair
from midb_cli.report import DiffReport, diff_segments
from midb_cli.report.align import DiffSource

DATA = Path(__file__).parent / "data"
MEB_EN = DATA / "diff_meb_en.jsonl"  # 5 English pairs with a hand-computed `Distance` column
MEB = DATA / "stats_meb.jsonl"  # real German and Japanese MIDB pairs
BOOST = DATA / "stats_boost.jsonl"

runner = CliRunner()

DE_I = "Schreiben Sie eine kurze Beschreibung des Eiffelturms in Paris."
DE_R = "Der Eiffelturm ist ein Turm aus Schmiedeeisen in Paris, der 1889 erbaut wurde."


def invoke(*args: str) -> tuple[str, str]:
    result = runner.invoke(app, ["diff", *args])
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def jsonl(*args: str) -> list[dict]:
    out, _ = invoke(*args, "--format", "jsonl")
    return [json.loads(line) for line in out.splitlines()]


def alpaca(path: Path, rows: list[tuple[str, str]]) -> Path:
    """Alpaca records with the given (id, response) and a German instruction."""
    path.write_text(
        "".join(
            json.dumps({"id": i, "instruction": DE_I, "input": "", "output": r}) + "\n"
            for i, r in rows
        ),
        encoding="utf-8",
    )
    return path


# -- distance -------------------------------------------------------------------------------
def test_distance_equals_the_published_column() -> None:
    published = {
        row["id"]: row["Distance"]
        for row in map(json.loads, MEB_EN.read_text(encoding="utf-8").splitlines())
    }
    got = {row["id"]: row["distance"] for row in jsonl(str(MEB_EN))}
    assert got == published == {"en-1": 2, "en-2": 15, "en-3": 0, "en-4": 1, "en-5": 9}


def test_jsonl_objects_have_exactly_the_documented_keys() -> None:
    rows = jsonl(str(MEB_EN))
    assert [r["id"] for r in rows] == ["en-1", "en-2", "en-3", "en-4", "en-5"]  # input order
    for row in rows:
        assert list(row)[:4] == ["id", "lang", "distance", "fields"]
        assert set(row) == {"id", "lang", "distance", "fields"}
        assert list(row["fields"]) == ["instruction", "input", "response"]
        assert all(isinstance(v, int) for v in row["fields"].values())
    # the serialized distance is not the sum of the field distances: " Input: " appears too
    en2 = rows[1]
    assert en2["fields"] == {"instruction": 0, "input": 7, "response": 0}
    assert en2["distance"] == 15
    assert rows[2]["distance"] == 0 and rows[2]["fields"] == {
        "instruction": 0,
        "input": 0,
        "response": 0,
    }


def test_jsonl_sorted_by_distance_keeps_input_order_for_ties(tmp_path: Path) -> None:
    rows = [("a", DE_R), ("b", DE_R + "!"), ("c", DE_R + "!!"), ("d", DE_R + "!"), ("e", DE_R)]
    orig = alpaca(tmp_path / "o.jsonl", [(i, DE_R) for i, _ in rows])
    rev = alpaca(tmp_path / "r.jsonl", rows)
    got = jsonl(str(orig), str(rev), "--sort", "distance")
    assert [(r["id"], r["distance"]) for r in got] == [
        ("c", 2),
        ("b", 1),
        ("d", 1),
        ("a", 0),
        ("e", 0),
    ]
    asc = jsonl(str(orig), str(rev), "--sort", "distance", "--order", "asc", "--top", "3")
    assert [r["id"] for r in asc] == ["a", "e", "b"]


# -- alignment ------------------------------------------------------------------------------
def test_two_files_in_step_are_read_in_lockstep(tmp_path: Path) -> None:
    orig = alpaca(tmp_path / "o.jsonl", [("1", DE_R), ("2", DE_R), ("3", DE_R)])
    rev = alpaca(tmp_path / "r.jsonl", [("1", DE_R), ("2", DE_R + " Er ist hoch."), ("3", DE_R)])
    source = DiffSource(str(orig), str(rev), identifier=LanguageIdentifier())
    entries = list(source)
    assert [(e.id, e.distance) for e in entries] == [("1", 0), ("2", 13), ("3", 0)]
    assert not source.counts.indexed
    assert source.counts.compared == 3


def test_ids_in_another_order_and_missing_ids_are_reported(tmp_path: Path) -> None:
    orig = alpaca(
        tmp_path / "o.jsonl",
        [("1", DE_R), ("2", DE_R), ("3", DE_R), ("4", DE_R), ("4", DE_R + "?")],
    )
    rev = alpaca(
        tmp_path / "r.jsonl",
        [("4", DE_R + "?"), ("9", DE_R), ("2", DE_R + "!"), ("4", DE_R), ("1", DE_R)],
    )
    source = DiffSource(str(orig), str(rev), identifier=LanguageIdentifier())
    entries = list(source)
    # original order; duplicate ids pair in order of appearance (first "4" with first "4")
    assert [(e.id, e.distance) for e in entries] == [("1", 0), ("2", 1), ("4", 1), ("4", 1)]
    counts = source.counts
    assert counts.indexed
    assert (counts.only_original, counts.only_original_ids) == (1, ["3"])
    assert (counts.only_revised, counts.only_revised_ids) == (1, ["9"])

    _, err = invoke(str(orig), str(rev), "--format", "jsonl")
    assert f"1 id(s) only in {orig}: 3" in err
    assert f"1 id(s) only in {rev}: 9" in err


def test_revised_file_shorter_than_original(tmp_path: Path) -> None:
    orig = alpaca(tmp_path / "o.jsonl", [("1", DE_R), ("2", DE_R)])
    rev = alpaca(tmp_path / "r.jsonl", [("1", DE_R)])
    source = DiffSource(str(orig), str(rev), identifier=LanguageIdentifier())
    assert [e.id for e in source] == ["1"]
    assert source.counts.only_original_ids == ["2"] and not source.counts.indexed


def test_one_file_without_revision_is_a_clear_error(tmp_path: Path) -> None:
    orig = alpaca(tmp_path / "o.jsonl", [("1", DE_R)])
    result = runner.invoke(app, ["diff", str(orig)])
    assert result.exit_code != 0
    assert "no revision" in str(result.exception)


def test_bad_lines_are_counted(tmp_path: Path) -> None:
    lines = MEB_EN.read_bytes().splitlines(keepends=True)
    path = tmp_path / "bad.jsonl"
    path.write_bytes(lines[0] + b"{oops\n" + lines[1] + b"[]\n")
    out, err = invoke(str(path), "--format", "jsonl")
    assert len(out.splitlines()) == 2
    assert "2 rejected line(s)" in err and f"{path}:2:" in err


def test_boost_output_diffs_against_midb_original() -> None:
    rows = {r["id"]: r for r in jsonl(str(BOOST))}
    assert rows["b-1"]["distance"] == 17  # " Input: <noinput>" removed
    assert rows["b-1"]["status"] == "boosted"
    assert rows["b-2"]["distance"] == 0 and rows["b-3"]["distance"] == 0
    assert rows["b-4"]["fields"]["response"] == 1


# -- segments and the terminal view ---------------------------------------------------------
def test_word_level_segments() -> None:
    assert diff_segments("the cat sat on mat", "the dog ran on the mat", "en") == [
        ("equal", "the "),
        ("delete", "cat sat"),
        ("insert", "dog ran"),
        ("equal", " on"),
        ("insert", " the"),
        ("equal", " mat"),
    ]


def test_character_level_segments_for_unspaced_scripts() -> None:
    assert diff_segments("日本語です。", "日本語でした。", "ja") == [
        ("equal", "日本語で"),
        ("delete", "す"),
        ("insert", "した"),
        ("equal", "。"),
    ]
    # the same text as a space-separated language is one token: the whole run changes
    assert diff_segments("日本語です。", "日本語でした。", "de") == [
        ("delete", "日本語です"),
        ("insert", "日本語でした"),
        ("equal", "。"),
    ]


@given(st.text(max_size=60), st.text(max_size=60), st.sampled_from(["en", "ja", "th", "de"]))
def test_segments_rebuild_both_texts(old: str, new: str, lang: str) -> None:
    segments = diff_segments(old, new, lang)
    assert "".join(t for tag, t in segments if tag != "insert") == old
    assert "".join(t for tag, t in segments if tag != "delete") == new


def test_terminal_view_top_and_markers() -> None:
    out, err = invoke(str(MEB_EN), "--top", "1")
    assert out.startswith("en-2  ")  # the largest distance first
    assert "{+ Input: 2 and 3+}" not in out  # field-level view, not the serialized string
    assert "input: {+2 and 3+}" in out
    assert "5 records compared" in err


def test_terminal_view_filters_by_id_and_language(tmp_path: Path) -> None:
    out, _ = invoke(str(MEB_EN), "--id", "en-4", "--id", "en-1")
    assert re.findall(r"^(en-\d)  ", out, re.M) == ["en-1", "en-4"]
    assert "[-café-]{+cafe+}" in out
    out, err = invoke(str(MEB), "--lang", "ja", "--sort", "input")
    assert len(re.findall(r"^line-\d+  ja ·", out, re.M)) == 4
    assert "4 match --lang/--id" in err


def test_an_unknown_language_is_a_usage_error_not_an_empty_result() -> None:
    cmd = [sys.executable, "-m", "midb_cli", "diff", str(MEB), "--lang", "xx"]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "unknown language 'xx'" in result.stderr and "Traceback" not in result.stderr
    invoke(str(MEB), "--lang", "und")  # a language diff shows records in: a filter


# -- HTML -----------------------------------------------------------------------------------
def test_html_report_escapes_record_text_and_is_self_contained(tmp_path: Path) -> None:
    evil = "<script>alert('x')</script> & <img src=x onerror=alert(1)>"
    orig = alpaca(tmp_path / "o.jsonl", [('x"<b>', DE_R), ("2", DE_R)])
    rev = alpaca(tmp_path / "r.jsonl", [('x"<b>', DE_R + evil), ("2", DE_R)])
    report = tmp_path / "report.html"
    out, err = invoke(str(orig), str(rev), "--html", str(report))
    assert out == ""  # --html alone writes only the report
    html = report.read_text(encoding="utf-8")
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "x&quot;&lt;b&gt;" in html
    # no tag loads anything: no src/href attribute, no URL, no CSS import
    assert not re.search(r"<[^>]*\s(src|href)\s*=", html)
    assert not re.search(r"https?://|@import|url\(", html)
    assert "<svg" in html and "<table>" in html
    assert "de (German)" in html
    assert f"HTML report written to {report}" in err


def test_diff_report_builder_api(tmp_path: Path) -> None:
    rep = DiffReport(top=2, title="boost <report>")
    base = Pair(DE_I, "", DE_R)
    for i, extra in enumerate(["", "!", "!!!", "!!"]):
        entry = rep.add(f"r{i}", "de", base, Pair(DE_I, "", DE_R + extra), status="boosted")
        assert entry.distance == len(extra)
    rep.note("1 rejected line")
    path = tmp_path / "sub" / "report.html"
    rep.write_html(path)
    html = path.read_text(encoding="utf-8")
    assert html.count('<div class="rec">') == 2  # only the top 2 are shown...
    assert re.findall(r"<h3><bdi>(r\d)</bdi> ", html) == ["r2", "r3"]
    assert "2 of 4 records" in html  # ...but all 4 are counted
    assert "<title>boost &lt;report&gt;</title>" in html
    assert "boosted 4" in html and "1 rejected line" in html
    assert [p.name for p in path.parent.iterdir()] == ["report.html"]  # no temp file left


def test_help_text() -> None:
    result = runner.invoke(app, ["diff", "--help"])
    assert result.exit_code == 0
    for option in ("--format", "--sort", "--order", "--top", "--lang", "--id", "--html"):
        assert option in result.stdout


def test_histogram_bins_count_everything_and_fold_the_long_tail() -> None:
    from midb_cli.report.html import histogram_bins
    from midb_cli.stats import IntHistogram

    hist = IntHistogram()
    for value in [0] * 5 + list(range(1, 200)) + [5000]:
        hist.add(value)
    bins = histogram_bins(hist)
    assert sum(count for _, _, count in bins) == hist.count == 205
    assert bins[0] == (0, 0, 5)  # unchanged records have their own bin
    assert bins[-1][1] == 5000 and bins[-1][0] < 200  # one bin holds the outlier tail
    small = IntHistogram()
    for value in (3, 3, 4):
        small.add(value)
    assert histogram_bins(small) == [(0, 0, 0), (1, 1, 0), (2, 2, 0), (3, 3, 2), (4, 4, 1)]


# -- a boosted MEB file ---------------------------------------------------------------------
def test_boosted_meb_file_shows_midbs_own_change_by_default(tmp_path: Path) -> None:
    source = DATA.parent.parent / "examples" / "midb_sample.jsonl"  # some records get fixed
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["boost", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = {
        r["midb"]["id"]: r["midb"] for r in map(json.loads, out.read_text("utf-8").splitlines())
    }
    rows = {r["id"]: r for r in jsonl(str(out))}
    assert rows.keys() == written.keys()
    for record_id, row in rows.items():  # what midb changed, as midb measured it
        assert row["distance"] == written[record_id]["distance"]
        assert row["status"] == written[record_id]["status"]
        assert (row["distance"] == 0) == (row["status"] != "boosted")
    assert any(r["distance"] for r in rows.values())
    # the paper's raw -> revised on request: as in the input file, before midb
    paper = {r["id"]: r["distance"] for r in jsonl(str(out), "--compare", "paper")}
    before = [r["distance"] for r in jsonl(str(source))]
    assert list(paper.values()) == before


def test_compare_options_are_checked(tmp_path: Path) -> None:
    result = runner.invoke(app, ["diff", str(MEB_EN), "--compare", "midb"])
    assert isinstance(result.exception, InputError)
    assert "no midb.original" in str(result.exception)
    orig = alpaca(tmp_path / "o.jsonl", [("1", DE_R)])
    result = runner.invoke(app, ["diff", str(orig), str(orig), "--compare", "paper"])
    assert isinstance(result.exception, UsageError)
    assert "--compare applies to one file" in str(result.exception)
