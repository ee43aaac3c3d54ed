"""Benchmark: `midb boost` (rules engine) over the shared MIDB training data, on one core.

    python bench/bench_boost.py                 # 1x (29,909 records) and 10x (299,090)
    python bench/bench_boost.py --scales 1      # 1x only
    python bench/bench_boost.py --limit 5000    # a quick look

Each run is a child process `python -m midb_cli boost IN -o OUT --quiet` pinned to one CPU
(sched_setaffinity in the child). Reports records/s (wall clock, start-up included), the peak
RSS of the child (from wait4), and the time a rerun needs to find that the output is complete
(the resume path: no language ID, no checks). Target (issue 11, "one core first"): >= 6,000
records/s per core at 1x, RSS flat from 1x to 10x; each row prints its ratio to that floor.
The child's CPU time (user + sys) is printed too: on a shared machine it is the steadier figure.
Children run with a bytecode cache, warmed by one untimed run, as a pip-installed midb has.
Skips politely when the shared data is absent (it is not part of a user's clone).

``--baseline REV`` also runs midb's source at git revision REV (its ``src`` from ``git
archive``, on the same input, pinned to the same CPU, alternating with the current code) and
prints the current rate scaled to the machine the issue measured on (``baseline.py``): the
issue found 4,335 records/s for main as it then was, so ``current x 4,335 / baseline`` is what
this code would run there. The floor is set in that machine's records/s.

    python bench/bench_boost.py --scales 1 --baseline 6ad9654 --repeat 3
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from baseline import ISSUE_BASELINE_REV, ISSUE_RULES_RECORDS_PER_S, extract_source

DATA = Path(
    os.environ.get("MIDB_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
TRAIN = DATA / "midb_train"
# records/s per core the rules engine must reach (issue 11)
FLOOR_RECORDS_PER_S = 6000


def build_input(path: Path, scale: int, limit: int | None) -> int:
    """Concatenate the 13 languages ``scale`` times (optionally the first ``limit`` lines)."""
    lines: list[bytes] = []
    for file in sorted(TRAIN.glob("*.jsonl.gz")):
        with gzip.open(file, "rb") as fh:
            lines.extend(line if line.endswith(b"\n") else line + b"\n" for line in fh)
    if limit:
        lines = lines[:limit]
    with path.open("wb") as out:
        for _ in range(scale):
            out.writelines(lines)
    return len(lines) * scale


def child_env(pycache: Path) -> dict[str, str]:
    """The children's environment: with a bytecode cache, as a pip-installed midb has (pip
    compiles it at install time). Without one (an editable install on a machine that sets
    PYTHONDONTWRITEBYTECODE) every child would compile midb's source again first."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def run_pinned(
    args: list[str], cpu: int, env: dict[str, str] | None = None
) -> tuple[float, int, int, str, float]:
    """(wall seconds, peak RSS in MiB, exit code, stderr, CPU seconds: user + sys) of one
    child pinned to ``cpu``."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        args,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        preexec_fn=lambda: os.sched_setaffinity(0, {cpu}),
    )
    assert proc.stderr is not None
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    return wall, usage.ru_maxrss // 1024, proc.returncode, err, usage.ru_utime + usage.ru_stime


def timed_row(cmd: list[str], n: int, cpu: int, env: dict[str, str]) -> float | None:
    """One timed boost and its resume check, printed as a row; its CPU seconds (None: failed)."""
    out = Path(cmd[cmd.index("-o") + 1])
    wall, rss, code, err, cpu_s = run_pinned([*cmd, "--overwrite"], cpu, env)
    if code != 0:
        print(f"boost failed (exit {code}): {err.strip()}")
        return None
    resume_wall, _, code, err, _ = run_pinned(cmd, cpu, env)
    if code != 0 or "already done" not in err:
        print(f"resume check failed (exit {code}): {err.strip()}")
        return None
    print(
        f"{n:>10,} {wall:>8.1f} {n / wall:>10,.0f} {1000 * wall / n:>10.3f}"
        f" {rss:>6,} MiB {resume_wall:>11.1f} s {n / wall / FLOOR_RECORDS_PER_S:>8.2f}x"
        f" {cpu_s:>7.1f} {n / cpu_s:>14,.0f}"
    )
    print(f"           {err.strip().splitlines()[0]}")
    out.unlink()
    return cpu_s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10", help="comma-separated multiples of the data")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N records")
    parser.add_argument("--cpu", type=int, default=None, help="CPU to pin to [default: last]")
    parser.add_argument(
        "--baseline",
        nargs="?",
        const=ISSUE_BASELINE_REV,
        default=None,
        help=f"also run git revision REV [default: {ISSUE_BASELINE_REV}] and scale to its rate",
    )
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per code version")
    opts = parser.parse_args()
    if not TRAIN.is_dir():
        print(f"skipped: {TRAIN} is absent (set MIDB_SHARED_DATA to the folder holding midb_train)")
        return 0
    cpu = opts.cpu if opts.cpu is not None else max(os.sched_getaffinity(0))
    print(
        f"midb boost, rules engine, one core (cpu {cpu}), python {sys.version.split()[0]},"
        f" load {os.getloadavg()[0]:.2f}; floor {FLOOR_RECORDS_PER_S:,} records/s"
    )
    print(
        f"{'records':>10} {'seconds':>8} {'records/s':>10} {'ms/record':>10} {'peak RSS':>9}"
        f" {'resume check':>13} {'vs floor':>9} {'CPU s':>7} {'records/CPU-s':>14}"
    )
    with tempfile.TemporaryDirectory(prefix="midb-bench-") as tmp:
        env = child_env(Path(tmp) / "pycache")
        # one untimed run fills the bytecode cache (and the language models' caches)
        warm_in, warm_out = Path(tmp) / "warm.jsonl", Path(tmp) / "warm.out.jsonl"
        build_input(warm_in, 1, 1)
        warm = [sys.executable, "-m", "midb_cli", "boost", str(warm_in), "-o", str(warm_out)]
        run_pinned([*warm, "--quiet", "--overwrite"], cpu, env)
        versions: list[tuple[str, dict[str, str]]] = [("current", env)]
        if opts.baseline:
            base_env = dict(env, PYTHONPATH=str(extract_source(opts.baseline, Path(tmp))))
            run_pinned([*warm, "--quiet", "--overwrite"], cpu, base_env)
            versions.append((opts.baseline, base_env))
        for scale in (int(s) for s in opts.scales.split(",")):
            src, out = Path(tmp) / f"in{scale}.jsonl", Path(tmp) / f"out{scale}.jsonl"
            n = build_input(src, scale, opts.limit)
            cmd = [sys.executable, "-m", "midb_cli", "boost", str(src), "-o", str(out), "--quiet"]
            cpu_by_version: dict[str, list[float]] = {name: [] for name, _ in versions}
            for _ in range(opts.repeat):
                for name, version_env in versions:
                    row = timed_row(cmd, n, cpu, version_env)
                    if row is None:
                        return 1
                    cpu_by_version[name].append(row)
                    print(f"           ({name})")
            if opts.baseline:
                current = n / min(cpu_by_version["current"])
                base = n / min(cpu_by_version[opts.baseline])
                scaled = current * ISSUE_RULES_RECORDS_PER_S / base
                print(
                    f"  best CPU-s of {opts.repeat}: current {current:,.0f} records/CPU-s,"
                    f" {opts.baseline} {base:,.0f} ({current / base:.2f}x);"
                    f" on the issue's machine ({opts.baseline} = {ISSUE_RULES_RECORDS_PER_S:,}/s):"
                    f" {scaled:,.0f} records/s = {scaled / FLOOR_RECORDS_PER_S:.2f}x the floor"
                )
            src.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
