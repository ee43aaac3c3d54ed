"""A Ctrl-C at every step of a run: the counts add up and the same command finishes the job.

A real SIGINT is raised from a trace function at the k-th bytecode the pipeline module runs,
for every k of a small run (fresh, resumed and retrying), so no moment between reading a
record and counting it is left out. Nothing of midb is replaced: the trace only decides when
the signal is sent; midb's own handler receives it. ``test_boost_resume`` does the same with
real processes at moments the clock picks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from midb_cli.boost import pipeline
from midb_cli.boost.options import BoostOptions
from midb_cli.boost.retry import retry_path
from midb_cli.boost.summary import BoostSummary
from midb_cli.langid import LanguageIdentifier
from signal_trace import interrupted_at

LINES = [
    {"id": "a", "instruction": "Translate to French: good morning", "output": "Bonjour."},
    "{broken json",
    {"id": "b", "instruction": "Name a colour.", "output": "Blue blue blue blue blue blue."},
    {"id": "b", "instruction": "Name a fruit.", "output": "An apple."},  # a duplicate id
    {"id": "d", "instruction": "Give a number.", "output": "Seven."},
]


@pytest.fixture(scope="module")
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier(backend="auto")


def write_input(path: Path) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for line in LINES:
            fh.write((line if isinstance(line, str) else json.dumps(line)) + "\n")


def boost(src: Path, out: Path, identifier: LanguageIdentifier) -> BoostSummary:
    return pipeline.run_boost(BoostOptions(str(src), str(out)), identifier=identifier)


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True) if path.exists() else []


def assert_counts_add_up(
    summary: BoostSummary, out: Path, rejects: Path, *, retrying: bool = False
) -> None:
    """read = written + rejected + unfinished, and the counts are what is on disk."""
    s = summary
    assert s.read == s.total_written + s.rejected + s.unfinished, s.counts_line()
    if s.read == 0:
        return  # stopped before it opened the output
    written_to = out
    rebuilt = retry_path(out)  # a retry pass counts the output it rebuilds beside OUT
    if retrying and (rebuilt.exists() or s.total_written == 0):
        written_to = rebuilt
    assert s.total_written == len(lines_of(written_to)), s.counts_line()
    assert s.rejected == len(lines_of(rejects)), s.counts_line()


@pytest.mark.parametrize("start", ["fresh", "resumed", "retrying"])
def test_a_ctrl_c_at_any_step_leaves_counts_that_add_up_and_a_rerun_finishes(
    tmp_path: Path, identifier: LanguageIdentifier, start: str
) -> None:
    src = tmp_path / "in.jsonl"
    write_input(src)
    expected_out, expected_rejects = tmp_path / "whole.jsonl", tmp_path / "whole.rejects.jsonl"
    boost(src, expected_out, identifier)
    whole = lines_of(expected_out)
    assert len(whole) == 4 and len(lines_of(expected_rejects)) == 1

    def prepare(out: Path) -> None:
        """The state a run starts from: nothing, two records done, or a record left `error`."""
        if start == "resumed":
            out.write_bytes(b"".join(whole[:2]))
        elif start == "retrying":
            second = json.loads(whole[1])
            second["midb"]["status"] = "error"
            second["midb"]["reason"] = "engine:timeout"
            line = json.dumps(second, ensure_ascii=False, separators=(",", ":")).encode()
            out.write_bytes(whole[0] + line + b"\n" + b"".join(whole[2:]))

    interrupts = 0
    k = 0
    while True:
        k += 1
        case = tmp_path / f"k{k}"
        case.mkdir()
        out, rejects = case / "out.jsonl", case / "out.rejects.jsonl"
        prepare(out)
        exc = interrupted_at(k, {pipeline.__file__}, lambda out=out: boost(src, out, identifier))
        if exc is None:  # k is past the run's last step: every step was tried
            break
        summary = getattr(exc, "summary", None)  # None: before or after the run's own handler
        interrupts += 1
        if summary is not None:
            assert summary.interrupted
            assert_counts_add_up(summary, out, rejects, retrying=start == "retrying")
        done = boost(src, out, identifier)  # the same command again
        assert lines_of(out) == whole, f"a Ctrl-C at step {k} of the {start} run"
        assert lines_of(rejects) == lines_of(expected_rejects)
        assert_counts_add_up(done, out, rejects)
    assert interrupts > 100  # the run has that many steps: the trace reached them


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open files in /proc")
def test_a_retry_pass_refused_at_its_start_leaves_no_file_open(
    tmp_path: Path, identifier: LanguageIdentifier
) -> None:
    """OUT.retrying holds more records than OUT: the run is refused (it is no retry of this
    output), and neither file stays open in the process (a notebook runs on)."""
    from midb_cli.errors import InputError

    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    write_input(src)
    boost(src, out, identifier)
    lines = lines_of(out)
    second = json.loads(lines[1])
    second["midb"]["status"] = "error"
    out.write_bytes(lines[0] + json.dumps(second, separators=(",", ":")).encode() + b"\n")
    retry_path(out).write_bytes(b"".join(lines))  # more than OUT holds
    before = len(list(Path("/proc/self/fd").iterdir()))
    with pytest.raises(InputError, match="not a retry of this output"):
        boost(src, out, identifier)
    assert len(list(Path("/proc/self/fd").iterdir())) == before
