"""Benchmark: `midb boost --workers N` (rules engine) against a plain run, on the shared data.

    python bench/bench_scale.py                  # 30k (29,909) and 300k (299,090) records
    python bench/bench_scale.py --sizes 30000    # 30k only

For each size: a plain run (`midb boost IN -o OUT`, today's behaviour), then `--workers 2` and
`--workers auto`, each a child process `python -m midb_cli boost ...` timed on the wall clock
(start-up, planning and merge included). Prints records/s, the speed ratio to the plain run,
whether OUT and the rejects are byte-identical to the plain run's, wall and CPU seconds (the
driver with every worker it waited for, wait4), the peak RSS of the driver and the CPU seconds
and peak RSS of each worker (from the shards' done-markers), and per language the records and
statuses. `auto` below the break-even (`MIN_BYTES_PER_WORKER`) is a plain run. The 300k input repeats the 13 files of ../shared/data/midb_train ten times with new
ids. Target: >= 1.7x with 2 workers on 2 cores at 300k. The machine is shared: the load
(`uptime`) is printed before, per size and after, so a low ratio on a busy machine can be read as
such. With the kernel's autogroup scheduling (`/proc/sys/kernel/sched_autogroup_enabled`), all
the processes of one session share one CPU share: while other sessions are busy, two workers get
little more CPU than one, and only the CPU columns say what the sharding itself costs.
Skips politely when the shared data is absent.
"""

from __future__ import annotations

import argparse
import filecmp
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

DATA = Path(
    os.environ.get("MIDB_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
TRAIN = DATA / "midb_train"
TARGET = 1.7


def build_input(path: Path, size: int) -> dict[str, int]:
    """``size`` records: the 13 languages in turn, repeated with new ids; returns the records
    per language."""
    files = [
        (f.name.split(".")[0], gzip.decompress(f.read_bytes()).splitlines())
        for f in sorted(TRAIN.glob("*.jsonl.gz"))
    ]
    per_lang: Counter[str] = Counter()
    written = 0
    with path.open("wb") as out:
        round_ = 0
        while written < size:
            for lang, lines in files:
                for k, line in enumerate(lines):
                    if written >= size:
                        break
                    obj = json.loads(line)
                    obj["id"] = f"{lang}-{round_}-{k}"
                    out.write(json.dumps(obj, ensure_ascii=False).encode() + b"\n")
                    per_lang[lang] += 1
                    written += 1
            round_ += 1
    return dict(per_lang)


def run(args: list[str]) -> tuple[float, float, int, str]:
    """(wall seconds, CPU seconds of the process and every worker it waited for, peak RSS of
    the driver in MiB, stderr)."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(args)}\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, err


def per_worker(out: Path) -> list[tuple[float, int]]:
    """(CPU seconds, peak RSS in MiB) per worker process, from the shards' done-markers (a
    worker's last marker holds its totals); empty for a run that made no plan."""
    per_pid: dict[int, tuple[float, int]] = {}
    for marker in (out.parent / f"{out.name}.midb" / "shards").glob("*.done"):
        data = json.loads(marker.read_bytes())
        cpu, rss = per_pid.get(data["pid"], (0.0, 0))
        per_pid[data["pid"]] = (
            max(cpu, data.get("cpu_seconds", 0.0)),
            max(rss, data["peak_rss_kb"] // 1024),
        )
    return sorted(per_pid.values())


def by_language(out: Path) -> dict[str, Counter[str]]:
    table: dict[str, Counter[str]] = {}
    with out.open("rb") as fh:
        for line in fh:
            meta = json.loads(line)["midb"]
            table.setdefault(meta["id"].split("-")[0], Counter())[meta["status"]] += 1
    return table


# Compared in pieces, not read whole: a forked child's peak RSS (wait4) counts the parent's
# memory at the fork, so a bench holding two 500 MB outputs would report 1.1 GB drivers.
def _rejects(out: Path) -> bytes | None:
    path = out.with_name(out.stem + ".rejects.jsonl")
    return path.read_bytes() if path.exists() else None


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[29_909, 299_090])
    args = parser.parse_args()
    if not TRAIN.exists():
        print(f"skipped: {TRAIN} not found (the shared benchmark data is not here)")
        return
    cores = len(os.sched_getaffinity(0))
    print(f"cores {cores}; load before: {uptime()}")
    midb = [sys.executable, "-m", "midb_cli", "boost"]
    with tempfile.TemporaryDirectory(prefix="midb-bench-scale-") as tmp:
        for size in args.sizes:
            src = Path(tmp) / f"in{size}.jsonl"
            langs = build_input(src, size)
            plain = Path(tmp) / f"plain{size}.jsonl"
            wall, cpu, rss, _ = run([*midb, str(src), "-o", str(plain), "--quiet"])
            base = size / wall
            print(f"\n{size:,} records ({len(langs)} languages); load {os.getloadavg()[0]:.1f}")
            print(
                f"  {'run':<14} {'rec/s':>8} {'ratio':>6} {'wall s':>7} {'CPU s':>7} "
                f"{'identical':>9}  driver MiB  workers (CPU s, MiB)"
            )
            print(
                f"  {'plain':<14} {base:8,.0f} {1.0:6.2f} {wall:7.1f} {cpu:7.1f} {'-':>9}  "
                f"{rss:10}  -"
            )
            for workers in ("2", "auto"):
                out = Path(tmp) / f"w{workers}-{size}.jsonl"
                wall, cpu, rss, _ = run(
                    [*midb, str(src), "-o", str(out), "--quiet", "--workers", workers]
                )
                same = filecmp.cmp(out, plain, shallow=False) and _rejects(out) == _rejects(plain)
                ratio = (size / wall) / base
                flag = (
                    ""
                    if workers != "2" or size < 200_000
                    else (
                        "  (target >= 1.7x: met)"
                        if ratio >= TARGET
                        else "  (target >= 1.7x: NOT met)"
                    )
                )
                shown = [(round(c, 1), m) for c, m in per_worker(out)] or "plain run"
                print(
                    f"  {'--workers ' + workers:<14} {size / wall:8,.0f} {ratio:6.2f} "
                    f"{wall:7.1f} {cpu:7.1f} {'yes' if same else 'NO':>9}  {rss:10}  "
                    f"{shown}{flag}"
                )
                out.unlink()
                shutil.rmtree(f"{out}.midb", ignore_errors=True)
            print("  per language (plain run = every sharded run when identical):")
            for lang, statuses in sorted(by_language(plain).items()):
                shown = ", ".join(f"{s} {n:,}" for s, n in statuses.most_common())
                print(f"    {lang}: {langs[lang]:,} records; {shown}")
            plain.unlink()
            src.unlink()
    print(f"\nload after: {uptime()}")


if __name__ == "__main__":
    main()
