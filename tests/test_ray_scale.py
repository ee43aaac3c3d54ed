"""`midb boost --ray` on a local Ray (one ``ray.init(num_cpus=2)`` for the module): output
byte-identical to a plain run, and a killed actor replaced with its shard resumed.

Not in the default suite (Ray takes seconds to start); run it with:
    pip install -e '.[ray]' && python -m pytest -m ray tests/test_ray_scale.py -q
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from midb_cli.boost.pipeline import BoostOptions, run_boost

pytestmark = pytest.mark.ray
ray = pytest.importorskip("ray")

MIXED = Path(__file__).parent / "data" / "scale" / "mixed.jsonl"


@pytest.fixture(scope="module", autouse=True)
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, log_to_driver=False, include_dashboard=False)
    yield
    ray.shutdown()


def repeated(path: Path, n: int) -> None:
    records = []
    for line in MIXED.read_text(encoding="utf-8").splitlines():
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict) and "Raw Instruction" in obj:
            records.append(obj)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            record = {**records[i % len(records)], "id": f"r{i:05d}"}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def test_ray_run_is_byte_identical_to_a_plain_run(tmp_path: Path) -> None:
    from midb_cli.scale.ray_run import run_ray

    plain = tmp_path / "plain.jsonl"
    run_boost(BoostOptions(str(MIXED), str(plain)))
    out = tmp_path / "ray.jsonl"
    summary = run_ray(BoostOptions(str(MIXED), str(out)), "local")
    assert summary.read == 163 and summary.total_written == 160 and summary.rejected == 3
    assert out.read_bytes() == plain.read_bytes()
    assert (tmp_path / "ray.rejects.jsonl").read_bytes() == (
        tmp_path / "plain.rejects.jsonl"
    ).read_bytes()


def test_a_killed_actor_is_restarted_and_its_shard_resumes(tmp_path: Path) -> None:
    from midb_cli.scale.ray_run import run_ray

    n = 9000
    src = tmp_path / "in.jsonl"
    repeated(src, n)
    plain = tmp_path / "plain.jsonl"
    run_boost(BoostOptions(str(src), str(plain)))
    out = tmp_path / "ray.jsonl"
    result: dict[str, Any] = {}

    def drive() -> None:
        try:
            result["summary"] = run_ray(BoostOptions(str(src), str(out)), "local")
        except BaseException as exc:  # reported by the assertion below
            result["error"] = exc

    driver = threading.Thread(target=drive)
    driver.start()
    shards = Path(f"{out}.midb") / "shards"
    killed = None
    while killed is None and driver.is_alive():
        written = sum(p.read_bytes().count(b"\n") for p in shards.glob("*[0-9].jsonl"))
        if written >= n // 4:
            for lease in shards.glob("*[0-9].lock"):
                pid = lease.read_text().strip() if lease.exists() else ""
                if pid.isdigit() and not lease.with_suffix(".done").exists():
                    os.kill(int(pid), signal.SIGKILL)
                    killed = pid
                    break
        time.sleep(0.01)
    driver.join(timeout=600)
    assert "error" not in result, result.get("error")
    assert killed is not None, "the run ended before an actor could be killed"
    assert out.read_bytes() == plain.read_bytes()
