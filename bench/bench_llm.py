"""Benchmark: the LLM booster's own CPU cost, and the `openai` engine's request rate.

    python bench/bench_llm.py                    # both parts
    python bench/bench_llm.py --part booster     # (1) only
    python bench/bench_llm.py --part openai --requests 5000
    python bench/bench_llm.py --part booster --baseline   # (1), and scaled by 6ad9654's figure

(1) LLMBooster over an instant fake backend (answers in no time): CPU seconds per record for
    what midb does around the model (deterministic fixes, prompt rendering, cache key and lookup,
    parsing, cache writes), with and without the SQLite cache, on one core (process CPU time of
    this single-threaded loop). Then the whole `run_boost` pipeline (reader, language ID, checks,
    booster, guards, writer) with the same fake engine. Targets: <= 0.5 ms per record for the
    booster, <= 0.30 ms CPU per LLM-revised record for the whole pipeline (issue 11; printed as
    the floor over the measurement, >= 1.00x meets it). Uses the shared MIDB training data; skips politely when it is absent.
(2) OpenAIBackend against an instant chat-completions server in another process on 127.0.0.1
    (raw asyncio, keep-alive): requests/s at concurrency 64 and 256. Target: >= 1,000 requests/s,
    bounded by the server, not by midb. Also the server's own ceiling, measured with a second
    server process so the comparison is fair.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from baseline import ISSUE_BASELINE_REV, ISSUE_LLM_MS_PER_RECORD, extract_source

DATA = Path(
    os.environ.get("MIDB_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
TRAIN = DATA / "midb_train"
# ms of CPU per record the whole pipeline may spend around an instant model (issue 11)
PIPELINE_CEILING_MS = 0.30


# -- (1) the booster's CPU cost -----------------------------------------------------------


def load_pairs(limit: int) -> list[tuple[str, object]]:
    from midb_cli.records.pair import Pair

    files = sorted(TRAIN.glob("*.jsonl.gz"))
    per_file = max(1, limit // max(1, len(files)))
    pairs: list[tuple[str, object]] = []
    for file in files:
        lang = file.name.split(".")[0]
        with gzip.open(file, "rt", encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i >= per_file:
                    break
                row = json.loads(line)
                if "Raw Instruction" not in row:  # one Italian row has machine-translated keys
                    continue
                pairs.append(
                    (lang, Pair(row["Raw Instruction"], row["Raw Input"], row["Raw Response"]))
                )
    return pairs


class InstantBackend:
    """Answers every request at once with the tagged pair it was sent, response extended."""

    name = "instant"

    def generate(self, requests: Iterator) -> Iterator:
        from midb_cli.llm.backend import Generation

        for request in requests:
            text = request.messages[-1]["content"]
            answer = text[text.index("<|instruction|>") :] + " Zusätzlich erklärt."
            yield Generation(request.id, answer, "stop", 100, 120)

    def close(self) -> None:
        pass


def bench_booster(limit: int) -> float | None:
    """Part (1); the whole pipeline's ms of CPU per record (None: no shared data)."""
    if not TRAIN.is_dir():
        print(f"skipped (1): no shared data at {TRAIN}")
        return None
    from midb_cli.boost.llm import LLMBooster
    from midb_cli.boost.protocol import BoostItem
    from midb_cli.checks import Checker
    from midb_cli.langid import LanguageIdentifier
    from midb_cli.llm.settings import LLMSettings

    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    pairs = load_pairs(limit)
    identifier = LanguageIdentifier()
    checker = Checker(identifier)
    items = []
    for i, (_, pair) in enumerate(pairs):  # findings computed untimed: they are the checks' cost
        lang = identifier.identify(pair)
        items.append(BoostItem(f"r{i}", pair, lang.lang, checker.check(pair, lang), seed=i))
    with_findings = sum(1 for item in items if item.findings)
    print(f"(1) {len(items):,} records of {TRAIN} ({with_findings:,} with findings), one core")
    with tempfile.TemporaryDirectory() as tmp:
        for label, settings in (
            ("no cache", {"no_cache": True}),
            ("cache, all misses", {"cache_path": f"{tmp}/c.sqlite"}),
            ("cache, all hits", {"cache_path": f"{tmp}/c.sqlite"}),
        ):
            llm = LLMSettings(prompt="midb", **settings)  # type: ignore[arg-type]
            booster = LLMBooster(InstantBackend(), llm, answer_identity={"model": "m"})
            cpu, wall = time.process_time(), time.perf_counter()
            count = sum(1 for _ in booster.boost(iter(items)))
            booster.close()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            print(
                f"    booster, {label:18s} {cpu / count * 1e3:6.3f} ms CPU/record "
                f"({count / wall:,.0f} records/s wall)"
            )
        return bench_pipeline(items, pairs, Path(tmp))


#: short, mixed texts: fastText is unsure of them, so py3langid loads too
_WARM_UP_TEXTS = ("ok la", "data 12 x", "Lorem ipsum dolor", "si no ok", "pan y vino tinto")


def bench_pipeline(items: list, pairs: list, tmp: Path) -> float:
    """The whole `run_boost` with the instant engine registered like a real one; returns its
    ms of CPU per record with the language models loaded before."""
    from midb_cli.boost.pipeline import BoostOptions, run_boost
    from midb_cli.boost.protocol import EngineSelection
    from midb_cli.langid import LanguageIdentifier
    from midb_cli.llm import BackendOptions, BackendSpec, register_backend
    from midb_cli.llm.settings import LLMSettings

    @dataclass
    class InstantOptions(BackendOptions):
        model: str = "m"

    register_backend(
        BackendSpec("instant", "bench fake", InstantOptions, lambda o: InstantBackend()),
        replace=True,
    )
    source = tmp / "in.jsonl"
    with source.open("w", encoding="utf-8") as fh:
        for i, (_, pair) in enumerate(pairs):
            row = {"id": f"r{i}", "instruction": pair.instruction, "input": pair.input}
            fh.write(json.dumps({**row, "output": pair.response}, ensure_ascii=False) + "\n")
    config = EngineSelection("instant", llm=LLMSettings(prompt="midb", no_cache=True))
    options = BoostOptions(str(source), str(tmp / "out.jsonl"), overwrite=True, engine=config)
    cpu, wall = time.process_time(), time.perf_counter()
    summary = run_boost(options)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    n = summary.total_written
    ms = cpu / n * 1e3
    print(
        f"    whole pipeline (langid, checks, booster, guards, writer): "
        f"{ms:.3f} ms CPU/record ({n / wall:,.0f} records/s wall), "
        f"statuses {dict(summary.by_status)}"
    )
    # The same run with the language models already loaded (a fresh identifier, its answer
    # cache empty but for the warm-up texts): the per-record part of the figure above, which
    # also carries the one-time model load of a run this short.
    identifier = LanguageIdentifier()
    load = time.process_time()
    for text in _WARM_UP_TEXTS:
        identifier.identify_text(text)
    load = time.process_time() - load
    cpu = time.process_time()
    warm = run_boost(options, identifier=identifier)
    cpu = time.process_time() - cpu
    print(
        f"    whole pipeline, language models loaded before: "
        f"{cpu / warm.total_written * 1e3:.3f} ms CPU/record (loading them: {load:.2f} s CPU)"
    )
    print(
        f"    pipeline vs ceiling {PIPELINE_CEILING_MS:.2f} ms: {PIPELINE_CEILING_MS / ms:.2f}x"
        f" (load {os.getloadavg()[0]:.2f})"
    )
    return cpu / warm.total_written * 1e3


# -- (2) the openai engine's request rate ----------------------------------------------------

_BODY = json.dumps(
    {
        "id": "x",
        "object": "chat.completion",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "<|instruction|>a\n<|response|>b"},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10},
    }
).encode()
_RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
    + str(len(_BODY)).encode()
    + b"\r\n\r\n"
    + _BODY
)


class _InstantServer(asyncio.Protocol):
    """Reads requests (headers + Content-Length body) and answers each at once."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].lower()
            start = head.find(b"content-length:")
            length = int(head[start + 15 : head.find(b"\r\n", start)]) if start >= 0 else 0
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            self.transport.write(_RESPONSE)  # type: ignore[attr-defined]


def serve(port: int) -> None:
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(
        loop.create_server(_InstantServer, "127.0.0.1", port, backlog=1024)
    )
    print("ready", flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(port: int) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port)], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def bench_openai(total: int) -> None:
    from midb_cli.llm.backend import GenerationRequest, SamplingConfig
    from midb_cli.llm.openai_backend import OpenAIBackend

    port = _free_port()
    server = _start_server(port)
    try:
        messages = [
            {"role": "user", "content": "Improve.\n<|instruction|>a\n<|input|>\n<|response|>b"}
        ]
        sampling = SamplingConfig()
        print(f"(2) OpenAIBackend -> instant server on 127.0.0.1:{port}, {total:,} requests each")
        for concurrency in (64, 256):
            backend = OpenAIBackend([f"http://127.0.0.1:{port}/v1"], "m", concurrency=concurrency)
            requests = (GenerationRequest(str(i), messages, sampling, i) for i in range(total))
            cpu, wall = time.process_time(), time.perf_counter()
            errors = sum(1 for g in backend.generate(requests) if g.error)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            backend.close()
            print(
                f"    concurrency {concurrency:3d}: {total / wall:7,.0f} requests/s, "
                f"midb CPU {cpu / total * 1e3:.3f} ms/request, errors {errors}"
            )
        print(
            f"    server ceiling (raw asyncio client, 64 connections): {_raw_rate(port, total):,.0f} requests/s"
        )
    finally:
        server.terminate()
        server.wait()


def _raw_rate(port: int, total: int) -> float:
    """The same requests from a minimal pipelined-free raw client: what the server can do."""
    payload = json.dumps({"model": "m", "messages": [{"role": "user", "content": "x"}]}).encode()
    request = (
        b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: " + str(len(payload)).encode() + b"\r\n\r\n" + payload
    )

    async def worker(n: int) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(n):
            writer.write(request)
            await reader.readuntil(b"\r\n\r\n")
            await reader.readexactly(len(_BODY))
        writer.close()

    async def main() -> float:
        start = time.perf_counter()
        await asyncio.gather(*(worker(total // 64) for _ in range(64)))
        return (total // 64 * 64) / (time.perf_counter() - start)

    return asyncio.run(main())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("booster", "openai", "all"), default="all")
    parser.add_argument("--records", type=int, default=6500, help="records for part (1)")
    parser.add_argument("--requests", type=int, default=10000, help="requests per run in (2)")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--baseline",
        nargs="?",
        const=ISSUE_BASELINE_REV,
        default=None,
        help=f"(1) also for git revision REV [default: {ISSUE_BASELINE_REV}], scaled to its figure",
    )
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    if args.part in ("openai", "all"):
        bench_openai(args.requests)
    if args.part in ("booster", "all"):
        current = bench_booster(args.records)
        if args.baseline and current is not None:
            bench_baseline(args.baseline, args.records, current)


def bench_baseline(rev: str, records: int, current_ms: float) -> None:
    """Part (1) for revision ``rev`` in a child (its source on PYTHONPATH), and the current
    figure scaled to the machine issue 11 measured on (``baseline.py``)."""
    with tempfile.TemporaryDirectory(prefix="midb-bench-") as tmp:
        env = dict(os.environ, PYTHONPATH=str(extract_source(rev, Path(tmp))))
        cmd = [sys.executable, __file__, "--part", "booster", "--records", str(records)]
        child = subprocess.run(cmd, capture_output=True, text=True, env=env)
    found = re.search(r"models loaded before: ([0-9.]+) ms", child.stdout)
    if child.returncode != 0 or found is None:
        print(f"    baseline {rev} failed (exit {child.returncode}): {child.stderr[-300:]}")
        return
    base_ms = float(found.group(1))
    scaled = current_ms * ISSUE_LLM_MS_PER_RECORD / base_ms
    print(
        f"    {rev} (main as issue 11 measured it, {ISSUE_LLM_MS_PER_RECORD} ms there):"
        f" {base_ms:.3f} ms CPU/record here; current {base_ms / current_ms:.2f}x faster,"
        f" so {scaled:.3f} ms there = {PIPELINE_CEILING_MS / scaled:.2f}x the ceiling"
    )


if __name__ == "__main__":
    main()
