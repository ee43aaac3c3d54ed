"""Crash safety of `midb boost`: kill -9 at random moments, Ctrl-C, then the same command again.
Real processes (`python -m midb_cli boost`), real files, the default `rules` engine."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data" / "boost"


def make_input(path: Path, n: int) -> tuple[list[str], int]:
    """``n`` records (ids r00000...) built from the fixtures, with a bad line every 97
    records; returns the ids in order and the number of bad lines."""
    base = []
    for line in (DATA / "alpaca.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if "output" in obj:
            base.append(obj)
    ids, bad = [], 0
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            rec = dict(base[i % len(base)])
            rec["id"] = f"r{i:05d}"
            rec["output"] = rec["output"][:240]
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            ids.append(rec["id"])
            if i % 97 == 50:
                fh.write('{"id": "bad", "instruction": \n')
                bad += 1
    return ids, bad


def start(src: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "midb_cli", "boost", str(src), "-o", str(out), "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for_progress(proc: subprocess.Popen[bytes], out: Path, timeout: float = 60) -> bool:
    """Wait until the run has written something new (False if it ended first)."""
    before = out.stat().st_size if out.exists() else 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if out.exists() and out.stat().st_size > before:
            return True
        time.sleep(0.02)
    raise AssertionError("the boost run made no progress")


def assert_complete(out: Path, ids: list[str], bad: int) -> None:
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["midb"]["id"] for r in records] == ids  # each id exactly once, in input order
    assert [r["id"] for r in records] == ids
    rejects = out.with_name(out.stem + ".rejects.jsonl").read_text().splitlines()
    assert len(rejects) == bad


def lines_in(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def kill_when_written(proc: subprocess.Popen[bytes], out: Path, target: int) -> int:
    """SIGKILL ``proc`` as soon as ``out`` holds at least ``target`` lines; returns the line
    count seen just before the kill. Waits on observed progress, never on the clock."""
    while True:
        seen = lines_in(out)
        if seen >= target:
            proc.send_signal(signal.SIGKILL)
            assert proc.wait() == -signal.SIGKILL
            return seen
        if proc.poll() is not None:
            raise AssertionError(f"the run ended after {seen} lines, before the kill at {target}")
        time.sleep(0.005)


def kill_and_resume(tmp_path: Path, n: int, kills: int, seed: int) -> None:
    rng = random.Random(seed)
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    ids, bad = make_input(src, n)
    # The first run dies before it has written anything (at start-up, or reading the head).
    proc = start(src, out)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    step = n // (kills + 1)
    for k in range(1, kills + 1):
        proc = start(src, out)
        # Every later run dies mid-file, at a seeded place after what is already there.
        target = k * step - rng.randrange(step // 2)
        kill_when_written(proc, out, max(target, lines_in(out) + 1))
    assert 0 < lines_in(out) < n, "the kills must leave a partial output"
    final = start(src, out)
    _, err = final.communicate(timeout=300)
    assert final.returncode == 0, err.decode()
    assert f"read {n + bad:,} = written {n:,} + rejected {bad:,}" in err.decode()
    assert_complete(out, ids, bad)


def test_kill_9_at_random_moments_then_resume(tmp_path: Path) -> None:
    kill_and_resume(tmp_path, n=6000, kills=4, seed=1)


@pytest.mark.slow
def test_kill_9_many_times_on_a_larger_file(tmp_path: Path) -> None:
    kill_and_resume(tmp_path, n=20_000, kills=8, seed=2)


def interrupt_while_reading(
    src: Path, out: Path, signum: int = signal.SIGINT, head: int = 3000
) -> tuple[int, str]:
    """Run ``midb boost - -o out`` on the first ``head`` lines of ``src``, fed through stdin and
    kept open, so the run cannot finish: send ``signum`` once output has appeared. Returns the
    exit code and stderr. Nothing here depends on how fast the machine is."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "midb_cli", "boost", "-", "-o", str(out), "--quiet"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        # as in a terminal: a test suite started in the background (`pytest &` in a script)
        # inherits SIGINT ignored, and midb rightly leaves an ignored Ctrl-C ignored
        preexec_fn=_default_sigint,
    )
    assert proc.stdin is not None and proc.stderr is not None
    lines = src.read_bytes().splitlines(keepends=True)
    proc.stdin.write(b"".join(lines[:head]))
    proc.stdin.flush()
    while lines_in(out) < 200:  # observed progress, then the signal
        assert proc.poll() is None, "the run ended with its input still open"
        time.sleep(0.005)
    proc.send_signal(signum)
    try:
        code = proc.wait(timeout=120)  # a run that ignores the signal fails here, not hangs
    finally:
        proc.kill()
        proc.stdin.close()  # only now: an end of input earlier would let the run finish
    return code, proc.stderr.read().decode()


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def rerun_from_stdin(src: Path, out: Path) -> str:
    """The same command again, now with the whole input; returns stderr."""
    with src.open("rb") as stdin:
        rerun = subprocess.run(
            [sys.executable, "-m", "midb_cli", "boost", "-", "-o", str(out), "--quiet"],
            stdin=stdin,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            timeout=300,
        )
    text = rerun.stderr.decode()
    assert rerun.returncode == 0, text
    return text


def test_ctrl_c_flushes_prints_the_summary_and_exits_130(tmp_path: Path) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    ids, bad = make_input(src, 6000)
    code, text = interrupt_while_reading(src, out)
    assert code == 130, text
    assert "midb boost: read" in text and "rerun the same command to continue" in text
    assert "Traceback" not in text
    data = out.read_bytes()
    assert data.endswith(b"\n")  # flushed whole records only
    done = data.count(b"\n")
    assert 0 < done < 6000
    assert f"written {done:,}" in text  # the counts printed match what is on disk
    assert f"({done:,} already done by an earlier run)" in rerun_from_stdin(src, out)
    assert_complete(out, ids, bad)


def counts_add_up(text: str) -> tuple[int, int]:
    """The counts line must add up: read = written + rejected (+ unfinished)."""
    import re

    m = re.search(
        r"read ([\d,]+) = written ([\d,]+) \+ rejected ([\d,]+)(?: \+ unfinished ([\d,]+))?", text
    )
    assert m, text
    read, written, rejected, unfinished = (int((g or "0").replace(",", "")) for g in m.groups())
    assert read == written + rejected + unfinished, text
    return written, unfinished


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["int", "term"]
)
def test_an_interrupted_run_counts_what_it_read_and_resumes(
    tmp_path: Path, signum: int, code: int
) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    ids, bad = make_input(src, 6000)
    code_seen, text = interrupt_while_reading(src, out, signum)
    assert code_seen == code, text
    assert "Traceback" not in text and "rerun the same command to continue" in text
    written, _ = counts_add_up(text)
    assert written == lines_in(out)
    rerun_from_stdin(src, out)
    assert_complete(out, ids, bad)
