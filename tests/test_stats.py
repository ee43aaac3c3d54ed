"""`midb stats`: exact histograms, mergeable accumulators, the documented JSON schema, bad lines
counted (never a traceback), revisions and boost outputs summarised."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from midb_cli.checks.finding import Finding
from midb_cli.cli.main import app
from midb_cli.langid import LanguageIdentifier
from midb_cli.langid.stream import identify_stream
from midb_cli.records import Record, RecordReader
from midb_cli.stats import IntHistogram, StatsAccumulator

DATA = Path(__file__).parent / "data"
MEB = DATA / "stats_meb.jsonl"  # 6 German + 4 Japanese real MIDB pairs, raw and revised
MEB_EN = DATA / "diff_meb_en.jsonl"  # 5 hand-made English pairs, distances 2, 15, 0, 1, 9
BOOST = DATA / "stats_boost.jsonl"  # 4 hand-made boost outputs with a `midb` object

runner = CliRunner()

TOP_KEYS = {
    "schema_version",
    "records",
    "rejected",
    "blank",
    "undetermined",
    "files",
    "languages",
    "total",
    "rejects_sample",
}
LANGUAGE_KEYS = {
    "records",
    "share",
    "chars",
    "empty_input",
    "empty_input_share",
    "mixed",
    "mixed_share",
    "undetermined_fields",
    "revision",
    "boost",
    "findings",
}


def stats_json(*args: str) -> dict:
    result = runner.invoke(app, ["stats", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # stdout holds only the JSON document


# -- histograms -----------------------------------------------------------------------------
@given(st.lists(st.integers(0, 5000), min_size=1, max_size=300))
def test_histogram_is_exact(values: list[int]) -> None:
    hist = IntHistogram()
    for v in values:
        hist.add(v)
    assert hist.count == len(values)
    assert hist.mean == pytest.approx(statistics.fmean(values))
    assert hist.median == pytest.approx(statistics.median(values))
    ordered = sorted(values)
    pos = 0.9 * (len(values) - 1)
    low = int(pos)
    high = min(low + 1, len(values) - 1)
    expected_p90 = ordered[low] + (ordered[high] - ordered[low]) * (pos - low)
    assert hist.quantile(0.9) == pytest.approx(expected_p90)
    assert hist.max == max(values)


@given(st.lists(st.integers(0, 100)), st.lists(st.integers(0, 100)))
def test_histograms_merge_by_addition(a: list[int], b: list[int]) -> None:
    ha, hb, hall = IntHistogram(), IntHistogram(), IntHistogram()
    for v in a:
        ha.add(v)
        hall.add(v)
    for v in b:
        hb.add(v)
        hall.add(v)
    merged = ha + hb
    assert list(merged.items()) == list(hall.items())
    assert (merged.count, merged.total) == (hall.count, hall.total)


def test_empty_histogram_has_no_statistics() -> None:
    assert IntHistogram().summary(p90=True) == {
        "mean": None,
        "median": None,
        "p90": None,
        "max": None,
    }


# -- accumulator ----------------------------------------------------------------------------
def _identified(path: Path) -> list[tuple[Record, object]]:
    items = identify_stream(RecordReader(path), LanguageIdentifier())
    return [(item, lang) for item, lang in items if isinstance(item, Record)]


def test_shards_merge_to_the_same_result_as_one_pass() -> None:
    items = _identified(MEB) + _identified(BOOST)
    whole = StatsAccumulator()
    for record, lang in items:
        whole.add(record, lang)  # type: ignore[arg-type]
    left, right = StatsAccumulator(), StatsAccumulator()
    for i, (record, lang) in enumerate(items):
        (left if i % 3 else right).add(record, lang)  # type: ignore[arg-type]
    left += right
    assert left.to_json() == whole.to_json()


def test_findings_fed_by_a_checker_are_counted_per_kind() -> None:
    acc = StatsAccumulator()
    (record, lang), (record2, lang2) = _identified(MEB)[:2]
    acc.add(record, lang, findings=[Finding("repetition", "response", "loop", True)])  # type: ignore[arg-type]
    acc.add(
        record2,
        lang2,  # type: ignore[arg-type]
        findings=[
            Finding("repetition", "response", "loop", True),
            Finding("mojibake", "input", "cafÃ©", True),
        ],
    )
    assert acc.to_json()["total"]["findings"] == {"mojibake": 1, "repetition": 2}


# -- the command ----------------------------------------------------------------------------
def test_json_schema_and_per_language_counts() -> None:
    data = stats_json(str(MEB))
    assert set(data) == TOP_KEYS
    assert data["schema_version"] == 1
    assert (data["records"], data["rejected"], data["blank"]) == (10, 0, 0)
    assert {lang: block["records"] for lang, block in data["languages"].items()} == {
        "de": 6,
        "ja": 4,
    }
    for block in [*data["languages"].values(), data["total"]]:
        assert set(block) == LANGUAGE_KEYS
        assert set(block["chars"]) == {"instruction", "input", "response"}
        assert set(block["revision"]) == {
            "records",
            "changed",
            "changed_share",
            "distance",
            "length_ratio",
        }
        assert set(block["revision"]["distance"]) == {"mean", "median", "p90", "max"}
        assert block["boost"] is None
    assert data["languages"]["de"]["share"] == 0.6
    assert data["files"] == {str(MEB): {"records": 10, "rejected": 0, "blank": 0}}


def test_character_counts_match_the_file() -> None:
    rows = [json.loads(line) for line in MEB.read_text(encoding="utf-8").splitlines()]
    ja = [r for r in rows if any("\u3040" <= ch <= "\u30ff" for ch in r["Raw Instruction"])]
    lengths = sorted(len(r["Raw Response"]) for r in ja)
    block = stats_json(str(MEB))["languages"]["ja"]
    assert block["chars"]["response"]["mean"] == round(sum(lengths) / len(lengths), 2)
    assert block["chars"]["response"]["median"] == (lengths[1] + lengths[2]) / 2
    assert block["empty_input"] == sum(1 for r in ja if not r["Raw Input"])


def test_revision_statistics_against_hand_computed_distances() -> None:
    total = stats_json(str(MEB_EN), "--lang", "en")["total"]
    # distances 2, 15, 0, 1, 9: mean 5.4, median 2, p90 between 9 and 15 at 0.6 -> 12.6
    assert total["revision"]["distance"] == {"mean": 5.4, "median": 2.0, "p90": 12.6, "max": 15}
    assert (total["revision"]["changed"], total["revision"]["changed_share"]) == (4, 0.8)
    raw = [json.loads(line) for line in MEB_EN.read_text(encoding="utf-8").splitlines()]
    raw_chars = sum(len(r[f"Raw {k}"]) for r in raw for k in ("Instruction", "Input", "Response"))
    rev_chars = sum(
        len(r[f"Revised {k}"]) for r in raw for k in ("Instruction", "Input", "Response")
    )
    assert total["revision"]["length_ratio"] == round(rev_chars / raw_chars, 4)


def test_boost_output_status_reasons_and_defects() -> None:
    total = stats_json(str(BOOST))["total"]
    assert total["boost"] == {
        "records": 4,
        "status": {"boosted": 2, "fallback": 1, "unchanged": 1},
        "reasons": {"guard: wrong_language": 1},
        "findings_before": {
            "mojibake": 1,
            "placeholder_input": 1,
            "punctuation_locale": 1,
            "repetition": 1,
        },
        "findings_after": {"punctuation_locale": 1, "repetition": 1},
    }
    # b-1 (placeholder emptied: 17) and b-4 (Hertz -> Herz: 1) changed; the others did not
    assert total["revision"]["changed"] == 2
    assert total["revision"]["distance"]["max"] == 17


def test_several_files_one_table_and_per_file_counts(tmp_path: Path) -> None:
    data = stats_json(str(MEB), str(BOOST))
    assert data["records"] == 14
    assert data["files"][str(MEB)]["records"] == 10
    assert data["files"][str(BOOST)]["records"] == 4
    assert sum(b["records"] for b in data["languages"].values()) == 14


def _bad_file(tmp_path: Path) -> tuple[Path, int, int]:
    good = MEB.read_bytes().splitlines(keepends=True)
    lines = [
        b"\xef\xbb\xbf" + good[0].rstrip(b"\n") + b"\r\n",  # BOM and CRLF: still good
        b"{not json\n",
        good[1],
        b"\n",  # blank: skipped, not an error
        b"[1, 2, 3]\n",
        good[2],
        b'{"Raw Instruction": 7, "Raw Input": "", "Raw Response": "x"}\n',
        b'{"Raw Instruction": "caf\xe9", "Raw Input": "", "Raw Response": "x"}\n',  # bad UTF-8
        good[3],
        b'"just a string"\n',
        b'{"Raw Instruction": "' + b"a" * 5_000_000 + b"\n",  # a 5 MB broken line
        good[4],
    ]
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"".join(lines))
    return path, 5, 6


def test_bad_lines_are_counted_and_good_ones_around_them_read(tmp_path: Path) -> None:
    path, n_good, n_bad = _bad_file(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "midb_cli", "stats", "--json", str(path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    data = json.loads(proc.stdout)
    assert (data["records"], data["rejected"], data["blank"]) == (n_good, n_bad, 1)
    assert [r["line"] for r in data["rejects_sample"]] == [2, 5, 7, 8, 10]
    assert f"{n_bad} rejected lines" in proc.stderr
    assert f"{path}:2:" in proc.stderr


def test_strict_stops_at_the_first_bad_line(tmp_path: Path) -> None:
    path, _, _ = _bad_file(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-m", "midb_cli", "stats", "--strict", str(path)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 3
    assert proc.stderr.startswith("Error: ") and f"{path}:2:" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "midb_cli", "stats", str(tmp_path / "nope.jsonl")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 3 and "no such file" in proc.stderr


def test_table_view_names_languages_and_revisions() -> None:
    result = runner.invoke(app, ["stats", str(MEB)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Records per language" in out and "Revisions" in out
    assert " de " in out and " ja " in out
    assert "10 records, 0 rejected lines." in out


def test_boost_view_shows_status_and_defects() -> None:
    out = runner.invoke(app, ["stats", str(BOOST)]).stdout
    assert "Boost status" in out and "fallback 1" in out and "placeholder_input" in out


def test_help_text() -> None:
    result = runner.invoke(app, ["stats", "--help"])
    assert result.exit_code == 0
    for option in (
        "--json",
        "--schema",
        "--fields",
        "--id-key",
        "--lang",
        "--strict",
        "--detector",
    ):
        assert option in result.stdout


def test_benchmark_skips_politely_without_the_shared_data(tmp_path: Path) -> None:
    bench = Path(__file__).parents[1] / "bench" / "bench_stats_diff.py"
    proc = subprocess.run(
        [sys.executable, str(bench)],
        capture_output=True,
        text=True,
        env={**os.environ, "MIDB_SHARED_DATA": str(tmp_path / "absent")},
    )
    assert proc.returncode == 0 and proc.stdout.startswith("skipped:")
