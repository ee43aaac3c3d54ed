"""Crash safety of `midb boost --workers`: kill -9 of a worker and of the driver at observed
progress (shard output lines), then every record exactly once, in order, byte-identical to a
plain run. Real processes, real files, the `rules` engine."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from midb_cli.boost.pipeline import BoostOptions, run_boost

MIXED = Path(__file__).parent / "data" / "scale" / "mixed.jsonl"
N = 9000


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """``N`` records (the fixture's records again and again under new ids, its bad lines kept)
    and a plain run's output of them."""
    folder = tmp_path_factory.mktemp("big")
    src = folder / "in.jsonl"
    lines = MIXED.read_text(encoding="utf-8").splitlines()
    written = 0
    with src.open("w", encoding="utf-8") as fh:
        while written < N:
            for line in lines:
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError:
                    fh.write(line + "\n")
                    continue
                if isinstance(obj, dict) and "Raw Instruction" in obj and written < N:
                    obj["id"] = f"r{written:05d}"
                    written += 1
                    fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
    out = folder / "plain.jsonl"
    run_boost(BoostOptions(str(src), str(out)))
    return src, out.read_bytes()


def start(src: Path, out: Path) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "midb_cli", "boost", str(src), "-o", str(out), "-q"]
    return subprocess.Popen([*cmd, "--workers", "2"], stderr=subprocess.PIPE)


def start_in_own_group(cmd: list[str]) -> subprocess.Popen[bytes]:
    """A run in its own process group, to signal as a terminal or a scheduler would."""
    return subprocess.Popen(
        cmd,
        stderr=subprocess.PIPE,
        start_new_session=True,
        # as in a terminal: a suite started in the background inherits SIGINT ignored
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def shard_lines(out: Path) -> int:
    return sum(
        p.read_bytes().count(b"\n")
        for p in (out.parent / f"{out.name}.midb").glob("shards/*[0-9].jsonl")
    )


def wait_for_lines(proc: subprocess.Popen[bytes], out: Path, target: int) -> None:
    """Until the shard outputs hold ``target`` lines (observed progress, not the clock)."""
    while shard_lines(out) < target:
        if proc.poll() is not None:
            raise AssertionError(f"the run ended before {target} lines were written")
        time.sleep(0.01)


def running_worker(proc: subprocess.Popen[bytes], out: Path) -> int:
    """The pid in the lease of a shard that is not done (the lease holds its owner's pid)."""
    shards = out.parent / f"{out.name}.midb" / "shards"
    while True:
        assert proc.poll() is None, "the run ended before a running worker was seen"
        for lease in sorted(shards.glob("*.lock")):
            if lease.name.endswith(".jsonl.lock") or lease.with_suffix(".done").exists():
                continue
            try:
                pid = lease.read_text().strip()
            except FileNotFoundError:
                continue
            if pid.isdigit():
                return int(pid)
        time.sleep(0.01)


def assert_identical(out: Path, plain: bytes) -> None:
    data = out.read_bytes()
    ids = [json.loads(line)["midb"]["id"] for line in data.splitlines()]
    assert ids == [f"r{i:05d}" for i in range(N)]  # each exactly once, in input order
    assert data == plain


def test_a_killed_worker_is_replaced_and_its_shard_resumes(
    tmp_path: Path, big: tuple[Path, bytes]
) -> None:
    src, plain = big
    out = tmp_path / "out.jsonl"
    proc = start(src, out)
    wait_for_lines(proc, out, N // 4)
    os.kill(running_worker(proc, out), signal.SIGKILL)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    assert f"written {N:,}" in err.decode()
    assert_identical(out, plain)


def test_a_killed_driver_then_the_same_command_again(
    tmp_path: Path, big: tuple[Path, bytes]
) -> None:
    src, plain = big
    out = tmp_path / "out.jsonl"
    proc = start(src, out)
    wait_for_lines(proc, out, N // 3)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait() == -signal.SIGKILL
    assert not out.exists()  # nothing merged: OUT appears whole or not at all
    again = start(src, out)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err.decode()
    assert_identical(out, plain)


def gone(pid: int) -> bool:
    """No such process (a zombie counts as alive: nobody waited for it)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().split(b") ", 1)[1][:1] == b"X"
    except FileNotFoundError:
        return True


def group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize(
    ("signum", "code", "whole_group"),
    [(signal.SIGTERM, 143, False), (signal.SIGINT, 130, True)],
    ids=["sigterm-to-the-driver", "ctrl-c-to-the-process-group"],
)
def test_a_signal_stops_every_worker_and_the_same_command_resumes(
    tmp_path: Path, big: tuple[Path, bytes], signum: int, code: int, whole_group: bool
) -> None:
    src, plain = big
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "midb_cli", "boost", str(src), "-o", str(out), "-q"]
    proc = start_in_own_group([*cmd, "--workers", "2"])
    wait_for_lines(proc, out, N // 3)
    worker = running_worker(proc, out)
    if whole_group:  # what a terminal does on Ctrl-C
        os.killpg(proc.pid, signum)
    else:  # what kill, scancel or a container stop does
        proc.send_signal(signum)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == code, err.decode()
    assert "Interrupted: rerun the same command to continue." in err.decode()
    assert "Traceback" not in err.decode()
    assert gone(worker)  # waited for by the driver, not left behind
    assert not out.exists()
    # Python's multiprocessing helper (resource tracker) leaves when it sees the driver gone
    while not group_gone(proc.pid):
        time.sleep(0.05)
    stopped = re.search(r"written ([\d,]+) \+", err.decode())
    assert stopped is not None, err.decode()
    held = int(stopped.group(1).replace(",", ""))
    assert held < N  # the workers stopped; they did not go on with the shards queued for them
    again = subprocess.run([*cmd, "--workers", "2"], capture_output=True, timeout=300)
    assert again.returncode == 0, again.stderr.decode()
    assert f"({held:,} already done by an earlier run)" in again.stderr.decode()
    assert_identical(out, plain)


def test_ctrl_c_while_the_workers_start_stops_their_first_shards(
    tmp_path: Path, big: tuple[Path, bytes]
) -> None:
    """A signal before a worker's run has its own handler (plan, language models, lease) once
    let that worker run its whole shard; it must stop the shard at once."""
    src, plain = big
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "midb_cli", "boost", str(src), "-o", str(out), "-q"]
    proc = start_in_own_group([*cmd, "--workers", "2"])
    shards = out.parent / f"{out.name}.midb" / "shards"
    # as soon as a worker holds a lease: its shard is starting, its run has no handler yet
    while not [p for p in shards.glob("*.lock") if not p.name.endswith(".jsonl.lock")]:
        assert proc.poll() is None, "the run ended before a lease was seen"
        time.sleep(0.001)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 130, err.decode()
    assert not list(shards.glob("*.done"))  # no shard ran on to its end
    again = subprocess.run([*cmd, "--workers", "2"], capture_output=True, timeout=300)
    assert again.returncode == 0, again.stderr.decode()
    assert_identical(out, plain)
