"""The fault suite: what midb promises when the machine or the user gets in the way.

A full filesystem is a real small tmpfs (mounted when the test may mount one, skipped politely
otherwise); concurrent runs are real processes; engines are fakes registered like real ones."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_engines import FakeBackend, register_fake_engine, tagged_echo, unregister_engine
from midb_cli.boost.pipeline import BoostOptions, run_boost
from midb_cli.boost.protocol import EngineSelection
from midb_cli.errors import InputError, UsageError
from midb_cli.llm.settings import LLMSettings

DATA = Path(__file__).parent / "data"
RECORDS = DATA / "llm" / "records.jsonl"


@contextlib.contextmanager
def small_filesystem(where: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` at ``where``; skips the test where mounting is not allowed."""
    where.mkdir(parents=True, exist_ok=True)
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root on Linux")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def many_records(path: Path, n: int) -> Path:
    rows = [json.loads(line) for line in RECORDS.read_text(encoding="utf-8").splitlines()]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({**rows[i % len(rows)], "id": f"r{i}"}, ensure_ascii=False) + "\n")
    return path


def revise(request: object) -> str:
    return tagged_echo(request).replace("<|response|>", "<|response|>Genauer: ", 1)  # type: ignore[arg-type]


@pytest.fixture
def fake_engine() -> Iterator[FakeBackend]:
    backend = FakeBackend(revise, window=8)
    register_fake_engine("fault-fake", backend)
    yield backend
    unregister_engine("fault-fake")


def test_a_full_disk_under_the_cache_is_reported_and_costs_no_record(
    tmp_path: Path, fake_engine: FakeBackend
) -> None:
    src = many_records(tmp_path / "in.jsonl", 400)
    with small_filesystem(tmp_path / "small", "120k") as small:
        options = BoostOptions(
            str(src),
            str(tmp_path / "out.jsonl"),
            engine=EngineSelection(
                "fault-fake", llm=LLMSettings(prompt="midb", cache_path=str(small / "c.sqlite"))
            ),
        )
        summary = run_boost(options)
    assert summary.total_written == 400  # the run goes on: only reuse of answers is lost
    assert summary.warnings and "could not store" in summary.warnings[0]
    assert "c.sqlite" in summary.warnings[0]


def test_a_full_disk_under_the_output_is_a_clean_error_naming_the_file(tmp_path: Path) -> None:
    src = many_records(tmp_path / "in.jsonl", 3000)
    with small_filesystem(tmp_path / "small", "64k") as small:
        out = small / "out.jsonl"
        result = subprocess.run(
            [sys.executable, "-m", "midb_cli", "boost", str(src), "-o", str(out), "--quiet"],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 3, result.stderr
        assert str(out) in result.stderr and "No space left on device" in result.stderr
        assert "Traceback" not in result.stderr
        # what did fit is a run of whole records in input order (a torn tail is cut on rerun)
        lines = out.read_bytes().split(b"\n")[:-1] if out.exists() else []
        assert [json.loads(line)["id"] for line in lines] == [f"r{i}" for i in range(len(lines))]


def test_two_runs_on_one_output_the_second_refuses_at_once(tmp_path: Path) -> None:
    src = many_records(tmp_path / "in.jsonl", 30_000)
    out = tmp_path / "out.jsonl"
    argv = [sys.executable, "-m", "midb_cli", "boost", str(src), "-o", str(out), "--quiet"]
    # The first run reads its input from a pipe this test holds open: it cannot finish
    # before the second has tried, however fast or loaded the machine is.
    piped = [*argv[:4], "-", *argv[5:]]
    first = subprocess.Popen(piped, stdin=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert first.stdin is not None
    try:
        first.stdin.write(src.read_bytes()[: 1 << 20])
        first.stdin.flush()
        while not (tmp_path / "out.jsonl.lock").exists() or not out.exists():
            assert first.poll() is None, "the first run ended before the second started"
            time.sleep(0.01)
        second = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        assert second.returncode == 3, second.stderr
        assert "is being written by another midb run" in second.stderr
        assert f"pid {first.pid}" in second.stderr
    finally:
        first.kill()
        first.wait()
        first.stdin.close()
    # the lock does not outlive a kill -9: a rerun takes over and finishes
    third = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert third.returncode == 0, third.stderr
    ids = [json.loads(line)["id"] for line in out.open(encoding="utf-8")]
    assert ids == [f"r{i}" for i in range(30_000)]


@pytest.mark.parametrize("flag", ["-o", "--rejects", "--report", "--cache"])
def test_no_output_path_may_be_the_input(tmp_path: Path, flag: str) -> None:
    src = many_records(tmp_path / "in.jsonl", 5)
    before = src.read_bytes()
    args = {"-o": str(tmp_path / "out.jsonl")}
    args[flag] = str(src)
    engine = EngineSelection(llm=LLMSettings(cache_path=args.get("--cache")))
    with pytest.raises(UsageError, match="is the input file"):
        run_boost(
            BoostOptions(
                str(src),
                args["-o"],
                rejects=args.get("--rejects"),
                report=args.get("--report"),
                engine=engine,
            )
        )
    assert src.read_bytes() == before


@pytest.mark.parametrize(
    ("a", "b"), [("-o", "--report"), ("-o", "--rejects"), ("--rejects", "--report")]
)
def test_no_two_outputs_may_be_one_file(tmp_path: Path, a: str, b: str) -> None:
    src = many_records(tmp_path / "in.jsonl", 5)
    same = str(tmp_path / "same.jsonl")
    paths = {"-o": str(tmp_path / "out.jsonl"), a: same, b: same}
    with pytest.raises(UsageError, match="are the same file"):
        run_boost(
            BoostOptions(
                str(src), paths["-o"], rejects=paths.get("--rejects"), report=paths.get("--report")
            )
        )


def test_select_and_diff_outputs_are_checked_too(tmp_path: Path) -> None:
    from midb_cli.api import run_diff, run_select
    from midb_cli.report.run import DiffOptions

    src = DATA / "stats_meb.jsonl"
    with pytest.raises(UsageError, match="is the input file"):
        run_select(str(src), str(src), top=1)
    with pytest.raises(UsageError, match="are the same file"):
        run_select(str(src), str(tmp_path / "o.jsonl"), top=1, rejects=str(tmp_path / "o.jsonl"))
    with pytest.raises(UsageError, match="is the input file"):
        run_diff(DiffOptions(str(src), html=str(src)))


def test_an_unwritable_output_folder_is_a_clean_error(tmp_path: Path) -> None:
    src = many_records(tmp_path / "in.jsonl", 3)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("this user can write anywhere (root without a sandbox)")
        with pytest.raises(InputError, match="cannot"):
            run_boost(BoostOptions(str(src), str(locked / "out.jsonl")))
    finally:
        locked.chmod(0o700)


def boost_with(backend: FakeBackend, src: Path, out: Path, **kwargs: object) -> object:
    register_fake_engine("retry-fake", backend)
    try:
        options = BoostOptions(
            str(src),
            str(out),
            engine=EngineSelection("retry-fake", llm=LLMSettings(prompt="midb", no_cache=True)),
            **kwargs,  # type: ignore[arg-type]
        )
        return run_boost(options)
    finally:
        unregister_engine("retry-fake")


def failing_every(n: int) -> FakeBackend:
    def answer(request: object) -> object:
        from midb_cli.llm.backend import Generation

        text = revise(request)
        if int(request.seed) % n == 0:  # type: ignore[attr-defined]
            return Generation("", error="HTTP 503 from the server (6 attempts)")
        return text

    return FakeBackend(answer, window=8)


def statuses(out: Path) -> list[str]:
    return [json.loads(line)["midb"]["status"] for line in out.open(encoding="utf-8")]


def test_a_rerun_asks_again_for_error_records_only_and_keeps_the_rest_byte_for_byte(
    tmp_path: Path,
) -> None:
    src, out = many_records(tmp_path / "in.jsonl", 200), tmp_path / "out.jsonl"
    boost_with(failing_every(7), src, out)
    first = out.read_bytes().splitlines()
    errors = [i for i, s in enumerate(statuses(out)) if s == "error"]
    assert 10 < len(errors) < 100
    healthy = FakeBackend(revise, window=8)
    summary = boost_with(healthy, src, out)
    assert summary.retried == len(errors)  # type: ignore[attr-defined]
    assert len(healthy.history) == len(errors)  # only the error records were asked again
    second = out.read_bytes().splitlines()
    assert len(second) == 200 and "error" not in statuses(out)
    for i, (a, b) in enumerate(zip(first, second, strict=True)):
        if i not in errors:
            assert a == b  # finished records are copied byte for byte, in place
    assert not (tmp_path / "out.jsonl.retrying").exists()


def test_no_retry_errors_keeps_them(tmp_path: Path) -> None:
    src, out = many_records(tmp_path / "in.jsonl", 60), tmp_path / "out.jsonl"
    boost_with(failing_every(5), src, out)
    before = out.read_bytes()
    healthy = FakeBackend(revise)
    summary = boost_with(healthy, src, out, retry_errors=False)
    assert healthy.history == [] and out.read_bytes() == before
    assert summary.retried == 0  # type: ignore[attr-defined]


def test_an_interrupted_retry_pass_leaves_the_output_whole_and_continues(tmp_path: Path) -> None:
    src, out = many_records(tmp_path / "in.jsonl", 200), tmp_path / "out.jsonl"
    boost_with(failing_every(6), src, out)
    before = out.read_bytes()
    errors = statuses(out).count("error")
    asked = 0

    def interrupted(request: object) -> str:
        nonlocal asked
        asked += 1
        if asked == 5:  # Ctrl-C in the middle of the retry pass
            raise KeyboardInterrupt
        return revise(request)

    with pytest.raises(KeyboardInterrupt):
        boost_with(FakeBackend(interrupted, window=1), src, out)
    assert out.read_bytes() == before  # untouched until the pass is complete
    assert (tmp_path / "out.jsonl.retrying").exists()
    healthy = FakeBackend(revise)
    summary = boost_with(healthy, src, out)
    assert 0 < len(healthy.history) <= errors
    assert summary.total_written == 200  # type: ignore[attr-defined]
    ids = [json.loads(line)["id"] for line in out.open(encoding="utf-8")]
    assert ids == [f"r{i}" for i in range(200)] and "error" not in statuses(out)


def test_a_fatal_backend_error_stops_the_run_with_only_real_outcomes_written(
    tmp_path: Path,
) -> None:
    from midb_cli.errors import EngineError
    from midb_cli.llm.backend import FATAL, Generation

    src, out = many_records(tmp_path / "in.jsonl", 120), tmp_path / "out.jsonl"
    asked = 0

    def dies(request: object) -> object:
        nonlocal asked
        asked += 1
        if asked > 40:  # the server went away (or the key was revoked)
            return Generation("", error="cannot reach the server: refused", error_kind=FATAL)
        return revise(request)

    with pytest.raises(EngineError, match="cannot reach the server") as caught:
        boost_with(FakeBackend(dies, window=1), src, out)
    summary = caught.value.summary  # type: ignore[attr-defined]
    written = statuses(out)
    assert 0 < len(written) <= 40 and "error" not in written  # no record became an `error`
    assert summary.total_written == len(written)
    healthy = FakeBackend(revise)
    summary = boost_with(healthy, src, out)
    assert summary.total_written == 120  # type: ignore[attr-defined]
    ids = [json.loads(line)["id"] for line in out.open(encoding="utf-8")]
    assert ids == [f"r{i}" for i in range(120)]


def test_an_output_under_a_file_is_a_clear_error(tmp_path: Path) -> None:
    src = many_records(tmp_path / "in.jsonl", 3)
    with pytest.raises(InputError, match=r"in\.jsonl is a file, not a folder"):
        run_boost(BoostOptions(str(src), str(src / "out.jsonl")))
