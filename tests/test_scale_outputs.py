"""Sharded runs: `--workers auto` on inputs too small to gain, Parquet outputs, and OUT merged
while the shards run. Library calls and the real CLI, the `rules` engine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from midb_cli.boost.pipeline import BoostOptions, run_boost
from midb_cli.scale import ensure_plan, merge_plan, run_shard
from midb_cli.scale.local import MIN_BYTES_PER_WORKER, auto_workers, resolve_workers
from midb_cli.scale.merge import OutputMerge

MIXED = Path(__file__).parent / "data" / "scale" / "mixed.jsonl"


def midb(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "midb_cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def test_auto_runs_a_small_input_plainly(tmp_path: Path) -> None:
    plain = tmp_path / "plain.jsonl"
    run_boost(BoostOptions(str(MIXED), str(plain)))
    out = tmp_path / "out.jsonl"
    done = midb("boost", str(MIXED), "-o", str(out), "-q", "--workers", "auto")
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == plain.read_bytes()
    assert not Path(f"{out}.midb").exists()  # no plan: one worker is today's plain run


def test_auto_needs_enough_bytes_per_worker_and_an_explicit_count_is_obeyed(
    tmp_path: Path,
) -> None:
    big = tmp_path / "big.jsonl"
    with big.open("wb") as fh:
        fh.truncate(3 * MIN_BYTES_PER_WORKER + 1)  # sparse: only its size is read
    assert auto_workers(str(big), cores=8) == 3
    assert auto_workers(str(big), cores=2) == 2
    assert auto_workers(str(MIXED), cores=8) == 1
    for whole in ("in.jsonl.gz", "in.parquet", "-"):
        assert auto_workers(whole, cores=8) == 1  # one shard whatever the count
    assert resolve_workers("3", str(MIXED)) == 3


def test_merging_while_shards_run_gives_the_same_out(tmp_path: Path) -> None:
    plain = tmp_path / "plain.jsonl"
    run_boost(BoostOptions(str(MIXED), str(plain)))
    out = tmp_path / "out.jsonl"
    plan = ensure_plan(BoostOptions(str(MIXED), str(out)), 4)
    merge = OutputMerge(plan)
    merge.open()
    run_shard(plan, 1)
    merge.advance()
    assert merge.copied == 0  # shard 0 is not done: nothing can follow it yet
    run_shard(plan, 0)
    merge.advance()
    assert merge.copied == 2
    merge.abort()  # an interrupted run: OUT untouched, the shards kept
    assert not out.exists()
    assert plan.done() == {0, 1}
    merge = OutputMerge(plan)
    merge.open()
    merge.advance()
    for index in (3, 2):
        run_shard(plan, index)
    merge.commit()
    assert out.read_bytes() == plain.read_bytes()
    assert not (plan.directory / "merging.tmp").exists()


def test_a_parquet_output_merges_as_a_plain_run_writes_it(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    plain = tmp_path / "plain.parquet"
    run_boost(BoostOptions(str(MIXED), str(plain)))
    out = tmp_path / "out.parquet"
    plan = ensure_plan(BoostOptions(str(MIXED), str(out)), 3)
    for shard in plan.shards:
        run_shard(plan, shard.index)
    summary = merge_plan(plan)
    assert summary.total_written == 160
    assert out.read_bytes() == plain.read_bytes()
    # the work file a plain run leaves beside it for reruns, and the same rejects
    assert Path(f"{out}.jsonl").read_bytes() == Path(f"{plain}.jsonl").read_bytes()
    assert (tmp_path / "out.parquet.rejects.jsonl").read_bytes() == (
        tmp_path / "plain.parquet.rejects.jsonl"
    ).read_bytes()


def test_workers_into_parquet_on_the_cli(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    plain = tmp_path / "plain.parquet"
    run_boost(BoostOptions(str(MIXED), str(plain)))
    out = tmp_path / "out.parquet"
    done = midb("boost", str(MIXED), "-o", str(out), "-q", "--workers", "2")
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == plain.read_bytes()


def test_parquet_without_pyarrow_is_refused_before_a_plain_run_starts(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    code = (
        "import sys; sys.modules['pyarrow'] = None; sys.modules['pyarrow.parquet'] = None; "
        "from midb_cli.cli.main import main; main()"
    )
    cmd = [sys.executable, "-c", code, "boost", str(MIXED), "-o", str(out)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stderr
    assert "Parquet needs pyarrow: pip install pyarrow" in result.stderr
    assert "read " not in result.stderr  # refused before a record was read
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_parquet_without_pyarrow_is_refused_before_any_shard_runs(tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    # pyarrow made unimportable in that process only: what an install without the extra sees
    code = (
        "import sys; sys.modules['pyarrow'] = None; sys.modules['pyarrow.parquet'] = None; "
        "from midb_cli.cli.main import main; main()"
    )
    cmd = [sys.executable, "-c", code, "boost", str(MIXED), "-o", str(out), "--workers", "2"]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stderr
    assert "Parquet needs pyarrow: pip install pyarrow" in result.stderr
    assert not Path(f"{out}.midb").exists()


@pytest.mark.parametrize(
    "args",
    [
        ("boost", "{i}", "-o", "{i}", "--workers", "2", "--overwrite"),
        ("boost", "{i}", "-o", "{o}", "--rejects", "{i}", "--workers", "2"),
        ("boost", "{i}", "-o", "{o}", "--report", "{i}", "--workers", "2"),
        ("shard", "plan", "{i}", "-o", "{i}", "--shards", "2", "--overwrite"),
    ],
    ids=["output", "rejects", "report", "shard-plan"],
)
def test_a_sharded_run_never_writes_over_its_input(tmp_path: Path, args: tuple[str, ...]) -> None:
    # a new user's trial: with --workers or shards, -o/--rejects/--report equal to the input
    # replaced or deleted it (a plain run refused them)
    data = tmp_path / "in.jsonl"
    data.write_bytes(MIXED.read_bytes())
    out = tmp_path / "out.jsonl"
    done = midb(*(a.format(i=data, o=out) for a in args))
    assert done.returncode == 2, done.stderr
    assert "is the input file" in done.stderr
    assert data.read_bytes() == MIXED.read_bytes()
    assert not out.exists()
    assert not Path(f"{out}.midb").exists() and not Path(f"{data}.midb").exists()


def test_a_plan_of_an_empty_input_is_refused_at_once(tmp_path: Path) -> None:
    # as a plain run refuses it (exit 3), not after every shard ran, at the merge
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    out = tmp_path / "out.jsonl"
    done = midb("shard", "plan", str(empty), "-o", str(out), "--shards", "2")
    assert done.returncode == 3, done.stderr
    assert "no record: the input is empty" in done.stderr
    assert not Path(f"{out}.midb").exists()
