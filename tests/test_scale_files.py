"""`midb check` and `midb stats` with --workers: the same output as one process (the real CLI)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

MIXED = Path(__file__).parent / "data" / "scale" / "mixed.jsonl"
CLEAN = Path(__file__).parent / "data" / "checks" / "clean.jsonl"


def midb(*args: str) -> subprocess.CompletedProcess[bytes]:
    cmd = [sys.executable, "-m", "midb_cli", *args]
    return subprocess.run(cmd, capture_output=True, timeout=300)


def test_stats_with_workers_adds_up_to_one_process() -> None:
    one = midb("stats", str(MIXED), str(CLEAN), "--json", "--checks")
    two = midb("stats", str(MIXED), str(CLEAN), "--json", "--checks", "--workers", "2")
    assert one.returncode == 0, one.stderr
    assert two.stdout == one.stdout
    assert two.stderr == one.stderr  # the rejected lines, in the same order


def test_check_with_workers_prints_what_one_process_prints() -> None:
    for fmt in ("text", "jsonl"):
        one = midb("check", str(MIXED), "--format", fmt)
        two = midb("check", str(MIXED), "--format", fmt, "--workers", "3")
        assert one.returncode == 1  # findings and rejected lines
        assert (two.returncode, two.stdout, two.stderr) == (1, one.stdout, one.stderr)


def test_a_file_of_bad_lines_is_the_same_clean_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n[1]\n" * 50)
    result = midb("stats", str(bad), "--workers", "2")
    assert result.returncode == 3
    assert result.stderr.decode().startswith(f"Error: {bad}: no valid record: all 100 rejected")
    assert b"Traceback" not in result.stderr


def test_boosting_an_empty_input_fails_the_same_way_with_or_without_workers(
    tmp_path: Path,
) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")  # blank lines only: no record
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.jsonl"
        result = midb("boost", str(empty), "-o", str(out), "--workers", workers)
        assert result.returncode == 3, result.stderr.decode()
        assert result.stderr.decode().startswith(f"Error: {empty}: no record: the input is empty")
        assert not out.exists()  # no OUT that looks like a finished run


@pytest.mark.parametrize(
    ("command", "workers"),
    [
        ("check", None),
        ("check", "2"),
        ("stats", None),
        ("stats", "2"),
        ("diff", None),
        ("select", None),
    ],
)
def test_every_command_fails_on_an_input_without_a_record(
    tmp_path: Path, command: str, workers: str | None
) -> None:
    """A run that processed nothing did not succeed: exit 3 with one line, as boost does."""
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n")  # blank lines only: no record
    args = [command, str(empty)] + (["--workers", workers] if workers else [])
    if command == "select":
        args += ["-o", str(tmp_path / "top.jsonl"), "--top", "2"]
    result = midb(*args)
    assert result.returncode == 3, result.stderr
    assert result.stderr.decode() == f"Error: {empty}: no record: the input is empty\n"
    assert not (tmp_path / "top.jsonl").exists()


@pytest.mark.parametrize("command", ["check", "stats"])
def test_standard_input_with_workers_is_one_process_or_a_clear_refusal(command: str) -> None:
    # The driver reads the head of each input for its prior; a worker reading stdin after it
    # used to find it empty ("no record: the input is empty", exit 3).
    data = MIXED.read_bytes()
    one = subprocess.run(
        [sys.executable, "-m", "midb_cli", command, "-"], input=data, capture_output=True
    )
    auto = subprocess.run(
        [sys.executable, "-m", "midb_cli", command, "-", "--workers", "auto"],
        input=data,
        capture_output=True,
    )
    assert (auto.returncode, auto.stdout, auto.stderr) == (one.returncode, one.stdout, one.stderr)
    assert one.returncode in (0, 1) and one.stdout
    two = subprocess.run(
        [sys.executable, "-m", "midb_cli", command, "-", "--workers", "2"],
        input=data,
        capture_output=True,
    )
    assert two.returncode == 2
    assert two.stderr.decode().startswith("Error: --workers needs input files")
    assert two.stdout == b""
