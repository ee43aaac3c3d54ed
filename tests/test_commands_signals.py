"""A Ctrl-C at every step of `midb judge`, `score`, `export` and `select`, and SIGTERM or Ctrl-C
to real processes of every command that writes files or prints counts.

In-process, a real SIGINT is raised from a trace function at the k-th bytecode the command's own
modules run, for every k of a small run (as ``test_boost_signals`` does for the pipeline): what
the interrupted run leaves is checked (no temporary file, no lock kept, the earlier outputs as
they were or a resumable prefix), then the same command runs again in the same process and must
produce what an uninterrupted run does. Nothing of midb is replaced: the trace only decides when
the signal is sent; the LLM commands run on a fake backend at the engine boundary. The processes
are signalled on observed progress (a file they wrote), never on the clock.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fake_engines import FakeBackend, user_text
from midb_cli import select as select_module
from midb_cli import signals as midb_signals
from midb_cli.export import export as export_module
from midb_cli.export import writer as export_writer
from midb_cli.export.export import ExportOptions, run_export
from midb_cli.judge import output as judge_output
from midb_cli.judge import run as judge_module
from midb_cli.judge import score as score_module
from midb_cli.judge.run import JudgeOptions, JudgeResult, run_judge
from midb_cli.judge.score import ScoreOptions, ScoreResult, run_score
from midb_cli.llm.settings import LLMSettings
from midb_cli.records import writer as records_writer
from midb_cli.select import select_file
from signal_trace import interrupted_at

JUDGE_DATA = Path(__file__).parent / "data" / "judge" / "boosted.jsonl"


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def every_step(
    tmp_path: Path,
    files: set[str],
    command: Callable[[Path], Callable[[], object]],
    after_interrupt: Callable[[Path], None],
    prepare: Callable[[Path], None] = lambda folder: None,
) -> tuple[int, object]:
    """For every k: prepare a folder, interrupt ``command`` at step k, check what it left,
    run it again there; returns the steps tried and the last rerun's result."""
    k = 0
    result: object = None
    while True:
        k += 1
        folder = tmp_path / f"k{k}"
        folder.mkdir()
        prepare(folder)
        if interrupted_at(k, files, command(folder)) is None:
            return k, result
        after_interrupt(folder)
        result = command(folder)()  # the same command again, in the same process


# -- export and select: the earlier files, or the new ones, never a mix or a temporary file -----
def write_lines(path: Path, lines: list[object]) -> None:
    path.write_text(
        "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines),
        encoding="utf-8",
    )


def test_export_interrupted_at_any_step_leaves_the_earlier_files(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    write_lines(src, [
        {"id": "a", "instruction": "Hi", "input": "", "output": "Hello."},
        "{broken",
        {"id": "b", "instruction": "Q", "input": "x", "output": "A."},
        {"id": "c", "instruction": "R", "input": "", "output": "B.",
         "midb": {"id": "c", "status": "fallback"}},
        {"id": "d", "instruction": "S", "input": "", "output": "C."},
    ])  # fmt: skip
    old = tmp_path / "old.jsonl"  # the earlier run exported another input to the same paths
    write_lines(old, ["{also broken", {"instruction": "Old", "input": "", "output": "Old."}])

    def export(src: Path, folder: Path) -> Callable[[], object]:
        return lambda: run_export(ExportOptions(str(src), str(folder / "out.json")))

    (tmp_path / "whole").mkdir()
    export(src, tmp_path / "whole")()
    whole = files_in(tmp_path / "whole")
    assert sorted(whole) == ["out.json", "out.json.rejects.jsonl"]
    (tmp_path / "earlier").mkdir()
    export(old, tmp_path / "earlier")()
    earlier = files_in(tmp_path / "earlier")
    assert earlier != whole

    def prepare(folder: Path) -> None:
        for name, data in earlier.items():
            (folder / name).write_bytes(data)

    def after_interrupt(folder: Path) -> None:
        assert files_in(folder) in (earlier, whole)

    files = {export_module.__file__, export_writer.__file__, records_writer.__file__}
    files.add(midb_signals.__file__)  # write_committed: the open / commit / discard steps
    steps, _ = every_step(tmp_path, files, lambda f: export(src, f), after_interrupt, prepare)
    for k in range(1, steps):
        assert files_in(tmp_path / f"k{k}") == whole, f"a Ctrl-C at step {k}"
    assert steps > 300


def test_a_clean_export_removes_the_rejects_file_of_an_earlier_run(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    write_lines(src, [{"instruction": "Hi", "input": "", "output": "Hello."}, "{broken"])
    run_export(ExportOptions(str(src), str(tmp_path / "out.jsonl")))
    assert (tmp_path / "out.rejects.jsonl").exists()
    write_lines(src, [{"instruction": "Hi", "input": "", "output": "Hello."}])
    run_export(ExportOptions(str(src), str(tmp_path / "out.jsonl")))
    assert sorted(files_in(tmp_path)) == ["in.jsonl", "out.jsonl"]


def meb(i: int, revised: str) -> dict[str, object]:
    return {
        "Raw Instruction": f"Frage {i}", "Raw Input": "", "Raw Response": "Antwort " * i,
        "Revised Instruction": f"Frage {i}", "Revised Input": "", "Revised Response": revised,
        "keep": 1.5,
    }  # fmt: skip


@pytest.mark.parametrize("output", ["sel.jsonl", "sel.jsonl.gz"])
def test_select_interrupted_at_any_step_leaves_the_earlier_files(
    tmp_path: Path, output: str
) -> None:
    src = tmp_path / "in.jsonl"
    write_lines(src, [meb(1, "x"), "{broken", meb(2, "Antwort"), meb(3, "y" * 30), meb(4, "z")])
    temp = tmp_path / "temp"  # the rows file is made here: nothing may be left in it
    temp.mkdir()

    def select(folder: Path, top: int = 2) -> Callable[[], object]:
        return lambda: select_file(str(src), str(folder / output), top=top)

    (tmp_path / "whole").mkdir()
    select(tmp_path / "whole")()
    whole = files_in(tmp_path / "whole")
    (tmp_path / "earlier").mkdir()
    select(tmp_path / "earlier", top=1)()
    earlier = files_in(tmp_path / "earlier")
    assert earlier != whole

    def prepare(folder: Path) -> None:
        for name, data in earlier.items():
            (folder / name).write_bytes(data)

    def after_interrupt(folder: Path) -> None:
        assert files_in(folder) in (earlier, whole)
        assert not list(temp.iterdir())

    files = {select_module.__file__, export_writer.__file__, records_writer.__file__}
    files.add(midb_signals.__file__)
    previous = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(temp)
    import tempfile

    tempfile.tempdir = None  # read TMPDIR again
    try:
        steps, _ = every_step(tmp_path, files, select, after_interrupt, prepare)
    finally:
        if previous is None:
            del os.environ["TMPDIR"]
        else:
            os.environ["TMPDIR"] = previous
        tempfile.tempdir = None
    for k in range(1, steps):
        assert files_in(tmp_path / f"k{k}") == whole, f"a Ctrl-C at step {k}"
    assert steps > 300


# -- judge and score: a resumable output, the lock released, the same numbers on the rerun ------
def judge_input(tmp_path: Path) -> Path:
    rows = JUDGE_DATA.read_text(encoding="utf-8").splitlines()
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join([rows[0], "{broken", rows[2]]) + "\n", encoding="utf-8")
    return src


def verdict(request: Any) -> str:
    """The boosted answer wins when it is shown first; a tie otherwise."""
    return (
        "[[1]]"
        if user_text(request).find("BOOSTED") < user_text(request).find("ORIGINAL")
        else "[[0]]"
    )


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True) if path.exists() else []


@pytest.mark.slow  # every step of a whole LLM run: minutes on 2 shared cores
def test_judge_interrupted_at_any_step_resumes_to_the_same_judgments(tmp_path: Path) -> None:
    src = judge_input(tmp_path)

    def judge(folder: Path) -> Callable[[], JudgeResult]:
        options = JudgeOptions(
            [str(src)],
            str(folder / "j.jsonl"),
            llm=LLMSettings(cache_path=str(folder / "cache.sqlite")),
            detector="py3langid",
        )
        return lambda: run_judge(options, backend=FakeBackend(verdict, window=3))

    (tmp_path / "whole").mkdir()
    expected = judge(tmp_path / "whole")()
    whole = sorted(lines_of(tmp_path / "whole" / "j.jsonl"))
    assert len(whole) == 2 and expected.rejected == 1

    def after_interrupt(folder: Path) -> None:
        written = lines_of(folder / "j.jsonl")
        assert set(written) <= set(whole) and len(set(written)) == len(written)
        assert not (folder / "j.jsonl.lock").exists()  # released: the rerun may take it

    files = {judge_module.__file__, judge_output.__file__}
    steps, last = every_step(tmp_path, files, judge, after_interrupt)
    for k in range(1, steps):
        assert sorted(lines_of(tmp_path / f"k{k}" / "j.jsonl")) == whole, f"step {k}"
    assert isinstance(last, JudgeResult)
    assert last.to_json()["total"] == expected.to_json()["total"]
    assert steps > 300


@pytest.mark.slow  # every step of a whole LLM run: minutes on 2 shared cores
def test_score_interrupted_at_any_step_resumes_to_the_same_output(tmp_path: Path) -> None:
    src = judge_input(tmp_path)

    def score(folder: Path) -> Callable[[], ScoreResult]:
        options = ScoreOptions(
            str(src),
            str(folder / "s.jsonl"),
            llm=LLMSettings(cache_path=str(folder / "cache.sqlite")),
            detector="py3langid",
        )
        return lambda: run_score(options, backend=FakeBackend(lambda r: "4\nGood.", window=3))

    (tmp_path / "whole").mkdir()
    expected = score(tmp_path / "whole")()
    whole = lines_of(tmp_path / "whole" / "s.jsonl")
    rejects = lines_of(tmp_path / "whole" / "s.rejects.jsonl")
    assert len(whole) == 2 and len(rejects) == 1

    def after_interrupt(folder: Path) -> None:
        written = lines_of(folder / "s.jsonl")
        assert written == whole[: len(written)]  # a prefix: the rerun continues after it
        assert not (folder / "s.jsonl.lock").exists()

    files = {score_module.__file__}
    steps, last = every_step(tmp_path, files, score, after_interrupt)
    for k in range(1, steps):
        assert lines_of(tmp_path / f"k{k}" / "s.jsonl") == whole, f"step {k}"
        assert lines_of(tmp_path / f"k{k}" / "s.rejects.jsonl") == rejects, f"step {k}"
    assert isinstance(last, ScoreResult)
    assert last.total().to_json() == expected.total().to_json()
    assert steps > 300


# -- real processes ------------------------------------------------------------------------------
def midb(*args: str, **kwargs: Any) -> subprocess.Popen[bytes]:
    """A midb process with SIGINT's default action (a suite started with `&` ignores it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "midb_cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=lambda: (signal.signal(signal.SIGINT, signal.SIG_DFL), os.setpgrp()),
        **kwargs,
    )


def test_sigterm_stops_export_with_143_and_leaves_the_earlier_files(tmp_path: Path) -> None:
    old = tmp_path / "old.jsonl"
    write_lines(old, ["{broken", {"instruction": "Old", "input": "", "output": "Old."}])
    out = tmp_path / "out.jsonl"
    run_export(ExportOptions(str(old), str(out)))
    earlier = files_in(tmp_path)
    fifo = tmp_path / "in.fifo"
    os.mkfifo(fifo)
    proc = midb("export", str(fifo), "-o", str(out))
    with open(fifo, "wb") as feed:  # held open: the export cannot finish
        feed.write(b'{"instruction": "New", "input": "", "output": "New."}\n')
        feed.flush()
        # progress: the export has opened its output (its temporary file is there)
        while not list(tmp_path.glob(".out.jsonl.*.tmp")) and proc.poll() is None:
            os.sched_yield()
        assert proc.poll() is None
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate()
    assert proc.returncode == 143, err
    assert err == b"Interrupted.\n"
    fifo.unlink()
    assert files_in(tmp_path) == earlier  # no temporary file; OUT and its rejects untouched
