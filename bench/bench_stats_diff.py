"""Throughput and peak memory of `midb stats --json` and `midb diff --format jsonl`.

Builds the 29,909 shared MIDB training records (13 languages, MEB format with revisions) and
a file ten times that size in a temporary folder, then runs each command as a subprocess
pinned to one CPU core and reports records/s (wall clock) and peak RSS. Targets (issue 2):
stats >= 3,000 records/s on one core; peak RSS at 10x <= 1.2x that at 1x.

    python bench/bench_stats_diff.py            # both sizes, both commands
    python bench/bench_stats_diff.py --scale 3  # a quicker second size

Skips (exit 0) when ../shared/data/midb_train is absent, e.g. on a user's clone.
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DATA = (
    Path(
        os.environ.get("MIDB_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
    )
    / "midb_train"
)

# Measures one child: runs the command, prints its wall seconds, CPU seconds (user + system)
# and peak RSS (KiB). On a busy machine wall time also counts waiting for the core; CPU time
# does not, so both are reported.
_MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
if proc.returncode != 0:
    sys.stderr.write(proc.stderr.decode(errors="replace")[-2000:])
    sys.exit(proc.returncode)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)
"""


def build_inputs(folder: Path, scale: int) -> tuple[Path, Path, int]:
    base = folder / "midb_30k.jsonl"
    with open(base, "wb") as out:
        for path in sorted(DATA.glob("*.jsonl.gz")):
            with gzip.open(path, "rb") as fh:
                shutil.copyfileobj(fh, out)
    with open(base, "rb") as fh:
        lines = sum(1 for _ in fh)
    big = folder / f"midb_{scale}x.jsonl"
    with open(big, "wb") as out:
        for _ in range(scale):
            with open(base, "rb") as fh:
                shutil.copyfileobj(fh, out)
    return base, big, lines


def pin_one_core() -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def measure(command: list[str]) -> tuple[float, float, int]:
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command],
        capture_output=True,
        text=True,
        preexec_fn=pin_one_core,  # the measuring wrapper and its child share one core
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{proc.stderr}")
    wall, cpu, rss_kib = proc.stdout.split()
    return float(wall), float(cpu), int(rss_kib)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10, help="size of the big file (x 30k)")
    parser.add_argument("--commands", default="stats,diff", help="comma-separated: stats, diff")
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found (the shared MIDB data is not on this machine)")
        return
    commands = {
        "stats": ["stats", "--json"],
        "diff": ["diff", "--format", "jsonl"],
    }
    chosen = [c.strip() for c in args.commands.split(",") if c.strip()]
    with tempfile.TemporaryDirectory(prefix="midb-bench-") as tmp:
        base, big, n = build_inputs(Path(tmp), args.scale)
        sizes = [(base, n), (big, n * args.scale)]
        print(
            f"{'command':<26} {'records':>9} {'wall s':>7} {'rec/s wall':>10} "
            f"{'CPU s':>7} {'rec/s CPU':>10} {'peak RSS':>10}"
        )
        for name in chosen:
            rss_by_size = []
            for path, records in sizes:
                wall, cpu, rss = measure(
                    [sys.executable, "-m", "midb_cli", *commands[name], str(path)]
                )
                rss_by_size.append(rss)
                label = f"midb {' '.join(commands[name])}"
                print(
                    f"{label:<26} {records:>9,} {wall:>7.1f} {records / wall:>10,.0f} "
                    f"{cpu:>7.1f} {records / cpu:>10,.0f} {rss / 1024:>6,.0f} MiB",
                    flush=True,
                )
            ratio = rss_by_size[1] / rss_by_size[0]
            print(f"{'':<26} peak RSS {args.scale}x / 1x = {ratio:.2f} (target <= 1.2)")


if __name__ == "__main__":
    main()
