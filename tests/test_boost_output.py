"""The resumable output file and the reorder buffer, on their own."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from midb_cli.boost.ordering import ReorderBuffer
from midb_cli.boost.output import ResumableOutput, scan_output
from midb_cli.boost.pipeline import default_rejects_path
from midb_cli.boost.protocol import record_seed
from midb_cli.errors import EngineError, InputError


def _line(i: int, text: str = "x") -> bytes:
    return json.dumps({"text": text, "midb": {"id": f"r{i}"}}).encode() + b"\n"


def test_scan_counts_complete_lines_and_cuts_a_torn_tail(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(_line(1) + _line(2) + _line(3)[:-9])
    existing = scan_output(out)
    assert (existing.records, existing.first_id, existing.last_id) == (2, "r1", "r2")
    assert existing.repaired_bytes == len(_line(3)) - 9
    assert out.read_bytes() == _line(1) + _line(2)


def test_scan_of_a_file_that_is_only_a_torn_line(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(b'{"midb": {"id"')
    existing = scan_output(out)
    assert existing.records == 0 and existing.first_id is None
    assert out.read_bytes() == b""


def test_scan_reads_long_lines_across_chunks(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    big = "é" * 3_000_000  # longer than one scan chunk
    out.write_bytes(_line(1, big) + _line(2, big) + _line(3, big))
    existing = scan_output(out)
    assert (existing.records, existing.first_id, existing.last_id) == (3, "r1", "r3")


def test_an_existing_file_that_is_not_a_boost_output_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text('{"instruction": "a", "output": "b"}\n')
    with pytest.raises(
        InputError,
        match=r"was not written by midb \(no .midb. with an id in its records\); use --overwrite",
    ):
        scan_output(out)


def test_writer_appends_on_resume_and_truncates_on_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(_line(1) + b'{"torn')
    writer = ResumableOutput(out)
    assert writer.open(resume=True).records == 1
    writer.write({"midb": {"id": "r2"}})
    writer.close()
    assert [json.loads(x)["midb"]["id"] for x in out.read_text().splitlines()] == ["r1", "r2"]

    writer = ResumableOutput(out)
    assert writer.open(resume=False).records == 0
    writer.write({"midb": {"id": "r9"}})
    writer.close()
    assert out.read_bytes() == b'{"midb":{"id":"r9"}}\n'


def test_writer_hands_lines_to_the_os_by_size(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    writer = ResumableOutput(out, flush_bytes=100, flush_seconds=3600)
    writer.open(resume=False)
    writer.write({"midb": {"id": "a"}})
    assert not out.exists()  # buffered, no syscall per record; created with the first write
    for i in range(10):
        writer.write({"midb": {"id": f"r{i}"}, "pad": "p" * 20})
    assert out.read_bytes().count(b"\n") >= 3  # flushed in large writes, whole lines only
    assert out.read_bytes().endswith(b"\n")
    writer.close()
    assert out.read_bytes().count(b"\n") == 11


def test_a_run_that_writes_nothing_leaves_no_file_and_keeps_the_old_one(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    writer = ResumableOutput(out)
    writer.open(resume=False)
    writer.close()
    assert not out.exists()
    out.write_bytes(b'{"midb": {"id": "old"}}\n')
    writer = ResumableOutput(out)
    writer.open(resume=False)  # starting over replaces the file only at the first write
    writer.close()
    assert out.read_bytes() == b'{"midb": {"id": "old"}}\n'
    writer = ResumableOutput(out)
    writer.open(resume=False)
    writer.write({"midb": {"id": "new"}})
    writer.close()
    assert out.read_bytes() == b'{"midb":{"id":"new"}}\n'


def test_a_second_writer_of_the_same_output_is_refused_and_named(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    first = ResumableOutput(out)
    first.open(resume=True)
    second = ResumableOutput(out)
    with pytest.raises(InputError, match=rf"another midb run \(pid {os.getpid()}\)"):
        second.open(resume=True)
    first.close()
    assert not (tmp_path / "out.jsonl.lock").exists()
    second.open(resume=True)  # free again once the first is done
    second.close()


def test_reorder_buffer_releases_in_input_order() -> None:
    buf: ReorderBuffer[str, int] = ReorderBuffer()
    for key in "abcd":
        buf.register(key, key.upper())
    buf.complete("c", 3)
    assert list(buf.pop_ready()) == []
    buf.complete("a", 1)
    assert list(buf.pop_ready()) == [("A", 1)]
    buf.complete("d", 4)
    buf.complete("b", 2)
    assert list(buf.pop_ready()) == [("B", 2), ("C", 3), ("D", 4)]
    assert len(buf) == 0


def test_reorder_buffer_rejects_unknown_and_repeated_answers() -> None:
    buf: ReorderBuffer[str, int] = ReorderBuffer()
    buf.register("a", "A")
    with pytest.raises(ValueError):
        buf.register("a", "again")
    buf.complete("a", 1)
    with pytest.raises(EngineError, match="unknown or finished record 'a'"):
        buf.complete("a", 1)


@settings(max_examples=50, deadline=None)
@given(st.permutations(list(range(30))))
def test_reorder_buffer_any_answer_order(order: list[int]) -> None:
    buf: ReorderBuffer[int, int] = ReorderBuffer()
    for i in range(30):
        buf.register(str(i), i)
    released: list[int] = []
    for i in order:
        buf.complete(str(i), i)
        released.extend(entry for entry, _ in buf.pop_ready())
    assert released == list(range(30))


def test_record_seed_is_stable_and_depends_on_id_and_base_seed() -> None:
    assert record_seed("de-0001", 0) == record_seed("de-0001", 0)
    assert record_seed("de-0001", 0) != record_seed("de-0002", 0)
    assert record_seed("de-0001", 0) != record_seed("de-0001", 1)
    assert 0 <= record_seed("x", 123) < 2**31
    assert record_seed("de-0001", 0) == 234169981  # fixed across runs and machines


def test_default_rejects_path_is_beside_the_output() -> None:
    assert default_rejects_path("data/out.jsonl") == "data/out.rejects.jsonl"
    assert default_rejects_path("out.json") == "out.json.rejects.jsonl"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=8), st.data())
def test_a_cut_at_any_byte_keeps_exactly_the_complete_records(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str], data: st.DataObject
) -> None:
    lines = [_line(i, text) for i, text in enumerate(texts)]
    whole = b"".join(lines)
    cut = data.draw(st.integers(0, len(whole)))
    out = tmp_path_factory.mktemp("cut") / "out.jsonl"
    out.write_bytes(whole[:cut])
    existing = scan_output(out)
    complete = whole[:cut].count(b"\n")
    assert existing.records == complete
    assert out.read_bytes() == b"".join(lines[:complete])
    assert existing.last_id == (f"r{complete - 1}" if complete else None)


def test_progress_display_renders_counts(tmp_path: Path) -> None:
    import io

    from rich.console import Console

    from midb_cli.boost.progress import BoostProgress, count_lines
    from midb_cli.boost.summary import BoostSummary

    src = tmp_path / "in.jsonl"
    src.write_bytes(b"{}\n\n{}\n{}")
    assert count_lines(str(src)) == 4  # blank lines count too: the total is an estimate
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=120)
    summary = BoostSummary("out.jsonl", "rejects.jsonl", "fake-llm")
    summary.count("de", "boosted", "")
    summary.count("de", "unchanged", "")
    summary.engine_stats = lambda: {"tokens_per_s": 1234.5, "in_flight": 7}
    with BoostProgress(console, str(src), "fake-llm") as bar:
        bar.update(2, summary, force=True)
    shown = buf.getvalue()
    assert "boost (fake-llm)" in shown and "boosted 1" in shown and "unchanged 1" in shown
    assert "1,234 tok/s 7 in flight" in shown
