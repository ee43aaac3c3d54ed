"""Shards: plan / run / merge give what one plain `midb boost` gives, byte for byte, and a
shard is written by one attempt at a time. Library calls and the real CLI, the `rules` engine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from midb_cli.boost.pipeline import BoostOptions, run_boost
from midb_cli.cli.main import app
from midb_cli.errors import InputError
from midb_cli.records.lock import OutputLock
from midb_cli.records.reader import Record, RecordReader
from midb_cli.scale import ensure_plan, load_plan, merge_plan, run_shard

MIXED = Path(__file__).parent / "data" / "scale" / "mixed.jsonl"


def midb(*args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI, where errors become one `Error: ...` line and an exit code."""
    cmd = [sys.executable, "-m", "midb_cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """A plain run's output and rejects: what every sharded run must reproduce."""
    out = tmp_path_factory.mktemp("plain") / "out.jsonl"
    run_boost(BoostOptions(str(MIXED), str(out)))
    return out.read_bytes(), out.with_name("out.rejects.jsonl").read_bytes()


def sharded(tmp_path: Path, shards: int, src: Path = MIXED) -> Path:
    out = tmp_path / f"out{shards}.jsonl"
    plan = ensure_plan(BoostOptions(str(src), str(out)), shards)
    for shard in reversed(plan.shards):  # any order: the merge restores input order
        run_shard(plan, shard.index)
    merge_plan(plan)
    return out


@pytest.mark.parametrize("shards", [1, 3, 8])
def test_plan_run_merge_is_byte_identical_to_a_plain_run(
    tmp_path: Path, plain: tuple[bytes, bytes], shards: int
) -> None:
    out = sharded(tmp_path, shards)
    assert out.read_bytes() == plain[0]
    assert out.with_name(out.stem + ".rejects.jsonl").read_bytes() == plain[1]
    plan = load_plan(str(out) + ".midb")
    assert len(plan.shards) == shards
    assert plan.prior == "de"  # the whole file's prior, not each shard's own


def test_byte_ranges_keep_the_files_line_numbers_and_ids(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    plan = ensure_plan(BoostOptions(str(MIXED), str(out)), 8)
    whole = [(r.line, r.id) for r in RecordReader(MIXED) if isinstance(r, Record)]
    parts = []
    for s in plan.shards:
        reader = RecordReader(MIXED, start=s.start, end=s.end, first_line=s.first_line)
        parts += [(r.line, r.id) for r in reader if isinstance(r, Record)]
    assert parts == whole
    assert any(key.startswith("line-") for _, key in whole)


def test_a_rerun_with_other_options_or_another_input_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    ensure_plan(BoostOptions(str(MIXED), str(out)), 3)
    with pytest.raises(InputError, match="other options"):
        ensure_plan(BoostOptions(str(MIXED), str(out), keep_original=False), 3)
    other = tmp_path / "other.jsonl"
    other.write_bytes(MIXED.read_bytes()[:-2000])
    with pytest.raises(InputError, match="another input"):
        ensure_plan(BoostOptions(str(other), str(out)), 3)
    # the same job again reuses the plan (the shard count of the first plan stays)
    assert len(ensure_plan(BoostOptions(str(MIXED), str(out)), 5).shards) == 3


def test_a_shard_being_run_refuses_a_second_attempt(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    plan = ensure_plan(BoostOptions(str(MIXED), str(out)), 3)
    with OutputLock(plan.shard_base(1)):  # the lease another attempt holds
        result = midb("shard", "run", str(plan.directory), "--shard", "1")
    assert result.returncode == 3
    assert result.stderr.startswith("Error: shard 1 of ")
    assert "is being run by another attempt" in result.stderr
    assert "Traceback" not in result.stderr
    assert not plan.done_marker(1).exists()
    run_shard(plan, 1)  # free again: runs
    assert plan.done_marker(1).exists()


def test_merge_refuses_while_shards_are_missing(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    plan = ensure_plan(BoostOptions(str(MIXED), str(out)), 3)
    run_shard(plan, 0)
    result = midb("shard", "merge", str(plan.directory))
    assert result.returncode == 3
    assert "2 of 3 shard(s) not done (1, 2)" in result.stderr
    assert not out.exists()


def test_shard_commands_as_a_scheduler_runs_them(
    tmp_path: Path, plain: tuple[bytes, bytes]
) -> None:
    out = tmp_path / "out.jsonl"
    runner = CliRunner()
    result = runner.invoke(app, ["shard", "plan", str(MIXED), "-o", str(out), "--shards", "4"])
    assert result.exit_code == 0, result.output
    for k in range(4):
        result = runner.invoke(app, ["shard", "run", f"{out}.midb", "--shard", str(k)])
        assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["shard", "merge", f"{out}.midb", "-q"])
    assert result.exit_code == 0, result.output
    assert "read 163 = written 160 + rejected 3" in result.output
    assert out.read_bytes() == plain[0]


def test_workers_on_the_cli_are_byte_identical_and_a_rerun_has_nothing_to_do(
    tmp_path: Path, plain: tuple[bytes, bytes]
) -> None:
    out = tmp_path / "out.jsonl"
    done = midb("boost", str(MIXED), "-o", str(out), "-q", "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert "read 163 = written 160 + rejected 3" in done.stderr
    assert out.read_bytes() == plain[0]
    again = midb("boost", str(MIXED), "-o", str(out), "-q", "--workers", "2")
    assert again.returncode == 0, again.stderr
    assert "(160 already done by an earlier run)" in again.stderr
    assert out.read_bytes() == plain[0]


def test_gz_inputs_are_one_shard(tmp_path: Path, plain: tuple[bytes, bytes]) -> None:
    import gzip

    src = tmp_path / "mixed.jsonl.gz"
    src.write_bytes(gzip.compress(MIXED.read_bytes()))
    out = sharded(tmp_path, 4, src)
    assert len(load_plan(str(out) + ".midb").shards) == 1
    records = [json.loads(line) for line in out.read_bytes().splitlines()]
    assert [r["midb"]["id"] for r in records] == [
        json.loads(line)["midb"]["id"] for line in plain[0].splitlines()
    ]


def test_bad_workers_value_is_a_usage_error(tmp_path: Path) -> None:
    result = midb("boost", str(MIXED), "-o", str(tmp_path / "o.jsonl"), "--workers", "zero")
    assert result.returncode == 2
    assert "--workers 'zero'" in result.stderr


def test_workers_share_the_servers_and_the_total_concurrency() -> None:
    from midb_cli.boost.protocol import EngineSelection
    from midb_cli.scale.workers import worker_overrides

    bases = ["http://a/v1", "http://b/v1", "http://c/v1"]
    engine = EngineSelection("openai", {"api_base": bases, "concurrency": 10})
    options = BoostOptions("in.jsonl", "out.jsonl", engine=engine)
    parts = [worker_overrides(options, slot, 2) for slot in range(2)]
    assert [p["api_base"] for p in parts] == [["http://a/v1", "http://c/v1"], ["http://b/v1"]]
    assert sum(p["concurrency"] for p in parts) == 10
    four = [worker_overrides(options, slot, 4) for slot in range(4)]
    assert sorted(b for p in four for b in p["api_base"]) == sorted([*bases, "http://a/v1"])
    assert sum(p["concurrency"] for p in four) == 10
    assert worker_overrides(BoostOptions("in.jsonl", "out.jsonl"), 0, 2) == {}


def test_a_url_password_is_never_written_into_a_shard_plan(tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    args = ["boost", str(MIXED), "-o", str(out), "--engine", "openai", "--model", "m"]
    url = "http://user:s3cret-pw@127.0.0.1:9/v1"
    result = midb(*args, "--api-base", url, "--workers", "2")
    assert result.returncode == 2
    assert "holds a password" in result.stderr and "--api-key-env" in result.stderr
    assert "s3cret-pw" not in result.stderr + result.stdout
    assert not any(tmp_path.iterdir())  # no plan, no output: nothing was written


@pytest.mark.parametrize("command", [["shard", "plan"], ["boost", "--workers", "2"]])
def test_a_secret_option_is_refused_before_a_shard_plan_is_written(
    tmp_path: Path, command: list[str]
) -> None:
    out = tmp_path / "o.jsonl"
    engine = ["--engine", "openai", "--model", "m", "--api-base", "http://127.0.0.1:9/v1"]
    result = midb(*command, str(MIXED), "-o", str(out), *engine, "--engine-option", "api_key=sk-1")
    assert result.returncode == 2, result.stderr
    assert "looks like a secret" in result.stderr and "sk-1" not in result.stderr
    assert not any(tmp_path.iterdir())
