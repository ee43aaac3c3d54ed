"""How the end of a boost run is shown: the table, the counts, the output line."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from midb_cli.boost.summary import BoostSummary, render_summary


def shown(summary: BoostSummary) -> str:
    console = Console(record=True, width=400)
    render_summary(summary, console)
    return console.export_text()


def test_an_interrupted_sharded_run_shows_one_total_row_and_no_output_yet(tmp_path: Path) -> None:
    # what the driver knows when Ctrl-C stops the shards: statuses, not languages; no OUT yet
    summary = BoostSummary(str(tmp_path / "out.jsonl"), "", "rules")
    summary.by_lang_status["all", "boosted"] = 3
    summary.by_lang_status["all", "unchanged"] = 7
    summary.written = summary.read = 10
    summary.rejected = 2
    summary.interrupted = summary.sharded = True
    text = shown(summary)
    assert text.count("all ") == 1  # the totals row, not a language row "all" too
    assert "rejected lines:" not in text  # no rejects file written yet to point to
    assert "out.jsonl (not written yet; the rerun merges it)" in text
    assert "Interrupted: rerun the same command to continue." in text


def test_a_plain_run_stopped_before_its_first_record_promises_no_merge(tmp_path: Path) -> None:
    summary = BoostSummary(str(tmp_path / "out.jsonl"), "", "rules")
    summary.interrupted = True
    text = shown(summary)
    assert "out.jsonl (not written yet)" in text
    assert "merges" not in text
    assert "Interrupted: rerun the same command to continue." in text


def test_a_finished_run_shows_each_language_and_its_output(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("{}\n")
    summary = BoostSummary(str(out), str(tmp_path / "rejects.jsonl"), "rules")
    summary.by_lang_status["de", "boosted"] = 1
    summary.by_lang_status["fr", "unchanged"] = 2
    summary.written = 3
    summary.read = 4
    summary.rejected = 1
    summary.elapsed = 1.0
    text = shown(summary)
    assert "de " in text and "fr " in text and text.count("all ") == 1
    assert f"rejected lines: {tmp_path / 'rejects.jsonl'}" in text
    assert f"output: {out} (1.0s, 3 records/s)" in text
