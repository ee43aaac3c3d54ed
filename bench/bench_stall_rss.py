"""Benchmark: peak RSS of `midb boost --engine openai` while the first record's request stalls.

    python bench/bench_stall_rss.py                          # 120,000 records, r0 stalls 90 s
    python bench/bench_stall_rss.py --records 20000 --stall 30

A chat-completions server runs in its own process on 127.0.0.1 (aiohttp web) and answers every
request at once with the pair it was sent (the text of the user message from `<|instruction|>`
on), so the guards accept it, except the request for the first record (id r0, whose
instruction alone carries a marker): that one is held for --stall seconds. Output is written in
input order, so every answer that arrives meanwhile waits behind r0; the question is whether
memory stays bounded while it does. The run is a child process
`python -m midb_cli boost IN -o OUT --engine openai ... --concurrency 256`; its peak RSS comes
from wait4 (ru_maxrss) and from polling /proc/PID/status (VmHWM; VmRSS is also sampled, to
show the RSS at the moment r0 is released). The output must have one line per record, ids in
input order. Target: peak RSS < 250 MB. Input: the shared MIDB training data
(midb_train/*.jsonl.gz), cycled to --records records, each instruction made unique by its index.
Skips politely when the shared data is absent. The server stops by itself after
--stall + --max-seconds + 60 s at the latest; the boost run is killed after --max-seconds.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

DATA = Path(
    os.environ.get("MIDB_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
TRAIN = DATA / "midb_train"
TARGET_MB = 250
# only record 0's instruction carries it; the server stalls the request that contains it
MARKER = "[[midb-stall-marker-r0]]"
TAG = "<|instruction|>"

# -- the server (its own process) ---------------------------------------------------------


def serve(port: int, stall: float, lifetime: float) -> None:
    """Answer chat completions at once (the request's tagged pair), the marked one after
    ``stall`` seconds; stop after ``lifetime`` seconds whatever happens."""
    import asyncio

    from aiohttp import web

    def say(event: str) -> None:
        print(f"{event} {time.monotonic():.3f}", flush=True)

    async def completions(request: web.Request) -> web.Response:
        body = await request.json()
        user = next(
            (m.get("content") or "" for m in reversed(body["messages"]) if m["role"] == "user"),
            "",
        )
        at = user.find(TAG)
        content = user[at:] if at >= 0 else user
        if MARKER in user:
            say("stall-start")
            await asyncio.sleep(stall)
            say("stall-end")
        answer = {
            "id": "bench",
            "object": "chat.completion",
            "model": body.get("model", "m"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        }
        return web.json_response(answer)

    async def main() -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", completions)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port, backlog=2048)
        await site.start()
        say("ready")
        try:
            await asyncio.sleep(lifetime)
            say("lifetime-over")
        finally:
            await runner.cleanup()

    asyncio.run(main())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- the input ----------------------------------------------------------------------------


def build_input(path: Path, records: int) -> int:
    """``records`` alpaca records (ids r0...), cycled from the shared data; unique instructions."""
    pairs: list[tuple[str, str, str]] = []
    for file in sorted(TRAIN.glob("*.jsonl.gz")):
        with gzip.open(file, "rt", encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                raw = json.loads(line)
                if not isinstance(raw.get("Raw Instruction"), str) or not isinstance(
                    raw.get("Raw Response"), str
                ):
                    continue  # e.g. one line with translated keys
                pairs.append(
                    (raw["Raw Instruction"], str(raw.get("Raw Input") or ""), raw["Raw Response"])
                )
    if not pairs:
        return 0
    with path.open("w", encoding="utf-8") as out:
        for i in range(records):
            instruction, input_, output = pairs[i % len(pairs)]
            instruction = f"{instruction} ({i})"
            if i == 0:
                instruction = f"{instruction} {MARKER}"
            record = {"id": f"r{i}", "instruction": instruction, "input": input_, "output": output}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return records


# -- measuring ----------------------------------------------------------------------------


class Poller(threading.Thread):
    """Samples /proc/PID/status: the highest VmHWM seen and the latest VmRSS."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.hwm_kib = 0
        self.rss_kib = 0
        self.stop = threading.Event()

    def run(self) -> None:
        path = f"/proc/{self.pid}/status"
        while not self.stop.is_set():
            try:
                with open(path) as fh:
                    for line in fh:
                        if line.startswith("VmHWM:"):
                            self.hwm_kib = max(self.hwm_kib, int(line.split()[1]))
                        elif line.startswith("VmRSS:"):
                            self.rss_kib = int(line.split()[1])
            except (OSError, ValueError):
                return  # gone (or a zombie without these lines)
            self.stop.wait(self.interval)


def check_output(path: Path, records: int) -> tuple[bool, str, dict[str, int]]:
    """(ok, what is wrong, status counts): one line per record, ids r0.. in input order."""
    statuses: dict[str, int] = {}
    count = 0
    problem = ""
    try:
        fh = path.open(encoding="utf-8")
    except OSError as exc:
        return False, f"no output: {exc}", statuses
    with fh:
        for line in fh:
            try:
                record = json.loads(line)
            except ValueError:
                problem = problem or f"line {count + 1} is not JSON"
                count += 1
                continue
            if not problem and record.get("id") != f"r{count}":
                problem = f"line {count + 1} has id {record.get('id')!r}, expected 'r{count}'"
            status = (record.get("midb") or {}).get("status", "?")
            if count == 0:
                statuses["(r0) " + status] = 1
            statuses[status] = statuses.get(status, 0) + 1
            count += 1
    if not problem and count != records:
        problem = f"{count:,} lines, expected {records:,}"
    return not problem, problem, statuses


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        load = os.getloadavg()
        return f"load average: {load[0]:.2f}, {load[1]:.2f}, {load[2]:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=120_000, help="records [default: 120000]")
    parser.add_argument("--stall", type=float, default=90.0, help="seconds r0 is held [90]")
    parser.add_argument("--concurrency", type=int, default=256, help="requests in flight [256]")
    parser.add_argument(
        "--max-seconds", type=float, default=1800.0, help="kill the boost run after this [1800]"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (prints it)")
    parser.add_argument("--serve", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--lifetime", type=float, default=None, help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.serve is not None:
        serve(opts.serve, opts.stall, opts.lifetime or opts.stall + 600)
        return 0
    if not TRAIN.is_dir() or not any(TRAIN.glob("*.jsonl.gz")):
        print(f"skipped: {TRAIN} is absent (set MIDB_SHARED_DATA to the folder holding midb_train)")
        return 0

    tmp = Path(tempfile.mkdtemp(prefix="midb-stall-"))
    try:
        return run(opts, tmp)
    finally:
        if opts.keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run(opts: argparse.Namespace, tmp: Path) -> int:
    src, out = tmp / "in.jsonl", tmp / "out.jsonl"
    start_build = time.perf_counter()
    n = build_input(src, opts.records)
    if n == 0:
        print(f"skipped: no records in {TRAIN}")
        return 0
    print(
        f"input: {n:,} records ({src.stat().st_size / 1e6:.1f} MB) built in"
        f" {time.perf_counter() - start_build:.1f} s; python {sys.version.split()[0]}"
    )
    print(f"load before: {uptime()}")

    port = _free_port()
    lifetime = opts.stall + opts.max_seconds + 60
    server = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--serve",
            str(port),
            "--stall",
            str(opts.stall),
            "--lifetime",
            str(lifetime),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    events: dict[str, float] = {}
    proc = None
    poller = None
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        if not line.startswith("ready"):
            print(f"server did not start: {line!r}")
            return 1

        def read_events() -> None:
            assert server.stdout is not None
            for event in server.stdout:
                name, _, stamp = event.strip().partition(" ")
                events.setdefault(name, float(stamp))
                if name == "stall-end":
                    events["rss-at-release-kib"] = poller.rss_kib if poller else 0

        threading.Thread(target=read_events, daemon=True).start()
        cmd = [
            sys.executable,
            "-m",
            "midb_cli",
            "boost",
            str(src),
            "-o",
            str(out),
            "--engine",
            "openai",
            "--api-base",
            f"http://127.0.0.1:{port}/v1",
            "--model",
            "m",
            "--prompt",
            "midb",
            "--no-cache",
            "--quiet",
            "--concurrency",
            str(opts.concurrency),
        ]
        env = {**os.environ, "OPENAI_API_KEY": os.environ.get("OPENAI_API_KEY", "x")}
        for key in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
            env.pop(key, None)  # the server is local: no proxy in between
        started = time.perf_counter()
        started_mono = time.monotonic()
        err_file = (tmp / "stderr.txt").open("w+")
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err_file, env=env)
        poller = Poller(proc.pid)
        poller.start()
        killed = False
        deadline = started + opts.max_seconds
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline and not killed:
                proc.kill()
                killed = True
            time.sleep(0.1)
        wall = time.perf_counter() - started
        poller.stop.set()
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code
        err_file.seek(0)
        err = err_file.read().strip()
        err_file.close()
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    wait4_mb = usage.ru_maxrss / 1024
    hwm_mb = poller.hwm_kib / 1024
    peak_mb = max(wait4_mb, hwm_mb)
    ok, problem, statuses = check_output(out, n)
    passed = ok and code == 0 and not killed and peak_mb < TARGET_MB
    stall_start = events.get("stall-start")
    stall_end = events.get("stall-end")

    print(f"command: {' '.join(cmd)}")
    print(f"midb stderr: {err.splitlines()[-1] if err else '(none)'}")
    print(f"records:        {n:,}")
    print(f"stall seconds:  {opts.stall:g}")
    if stall_start is not None and stall_end is not None:
        print(
            f"r0 held:        {stall_start - started_mono:.1f} s to {stall_end - started_mono:.1f} s"
            f" after start; RSS at release {events.get('rss-at-release-kib', 0) / 1024:.0f} MB"
        )
    else:
        print("r0 held:        the server never saw the marked request finish its stall")
    note = ", killed at --max-seconds" if killed else ""
    print(f"wall time:      {wall:.1f} s (exit code {code}{note})")
    print(f"peak RSS:       {peak_mb:.0f} MB (wait4 {wait4_mb:.0f} MB, VmHWM {hwm_mb:.0f} MB)")
    print(f"target:         < {TARGET_MB} MB")
    print(f"output:         {'ok' if ok else problem}; statuses {dict(sorted(statuses.items()))}")
    print(f"result:         {'PASS' if passed else 'FAIL'}")
    print(f"load after:     {uptime()}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
