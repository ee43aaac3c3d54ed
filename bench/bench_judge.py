"""Benchmarks for the judge and the booster's training data.

1. Judge CPU cost per pair (both orders) with an instant OpenAI-compatible server running in
   another process, so only midb's own CPU time is counted (target <= 1 ms per pair): without
   the cache, with a cold cache, and a rerun answered from the cache.
2. `midb train-data` round trip on /work/shared/data/midb_train: per language, the share of
   written targets that midb's parser reads back to exactly their (trimmed) revised pair, how
   many revised pairs needed trimming, and how many were refused (and why).

    python bench/bench_judge.py [--pairs 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "midb_train"
if not DATA.is_dir():
    DATA = Path("/work/shared/data/midb_train")

SERVER = r"""
import json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        body = json.dumps({"choices": [{"index": 0, "message": {"role": "assistant",
            "content": "Fine. [[1]]"}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1}}).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body)))
        self.end_headers(); self.wfile.write(body)
s = ThreadingHTTPServer(("127.0.0.1", 0), H); s.daemon_threads = True
s.request_queue_size = 256
print(s.server_address[1], flush=True); s.serve_forever()
"""


def bench_judge(pairs: int) -> None:
    from midb_cli.judge.run import JudgeOptions, run_judge
    from midb_cli.llm.settings import LLMSettings

    proc = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "in.jsonl"
            with open(src, "w", encoding="utf-8") as fh:
                for i in range(pairs):
                    row = {"id": f"r{i}", "instruction": f"Frage {i} über Katzen", "input": "",
                           "output": f"Eine verbesserte Antwort {i} " * 20,
                           "midb": {"id": f"r{i}", "lang": "de", "status": "boosted",
                                    "original": {"instruction": f"Frage {i} über Katzen",
                                                 "input": "", "response": f"Antwort {i} " * 20}}}  # fmt: skip
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            cache = str(Path(tmp) / "cache.sqlite")
            for label, no_cache, fresh in (
                ("no cache", True, True),
                ("cold cache", False, True),
                ("rerun from cache", False, True),
            ):
                options = JudgeOptions(
                    inputs=[str(src)],
                    output=str(Path(tmp) / f"out-{label}.jsonl"),
                    backend_options={"api_base": [f"http://127.0.0.1:{port}/v1"], "model": "m"},
                    llm=LLMSettings(cache_path=cache, no_cache=no_cache),
                    overwrite=fresh,
                )
                cpu, wall = time.process_time(), time.perf_counter()
                result = run_judge(options)
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                print(
                    f"judge {label:17s} {pairs:,} pairs ({result.requests:,} requests): "
                    f"{1000 * cpu / pairs:.3f} ms CPU per pair, {1000 * wall / pairs:.3f} ms wall "
                    f"per pair (target <= 1 ms CPU)"
                )
    finally:
        proc.terminate()
        proc.wait()


def bench_train_data() -> None:
    from midb_cli.export.targets import trimmed
    from midb_cli.export.train_data import TrainDataOptions, run_train_data
    from midb_cli.jsonio import loads
    from midb_cli.llm.parsing import parse_answer
    from midb_cli.records.reader import Record, RecordReader

    files = sorted(DATA.glob("*.jsonl.gz"))
    if not files:
        print(f"train-data round trip: skipped ({DATA} not found)")
        return
    print("train-data round trip (--prompt midb, messages), per language file:")
    print("  lang  records  written  exact%  trimmed  refused (reasons)")
    totals: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for path in files:
            lang = path.name.split(".")[0]
            out = Path(tmp) / f"{lang}.jsonl"
            result = run_train_data(
                TrainDataOptions(inputs=[str(path)], output=str(out), dataset_info="")
            )
            revised = [
                trimmed(item.revision[1])
                for item in RecordReader(str(path))
                if isinstance(item, Record) and item.revision is not None
            ]
            usable = iter(
                p for p in revised if p.instruction and p.response
            )  # refused ones have an empty field
            exact = 0
            written = 0
            with open(out, "rb") as fh:
                for raw in fh:
                    target = loads(raw)["messages"][-1]["content"]
                    written += 1
                    parsed = parse_answer(target, "tagged").pair
                    exact += parsed is not None and parsed == next(usable)
            reasons = "; ".join(f"{n} {r}" for r, n in sorted(result.reject_reasons.items()))
            bad_lines = result.rejected - sum(result.reject_reasons.values())
            if bad_lines:
                reasons += f"; {bad_lines} unreadable line(s)"
            print(
                f"  {lang:4s}  {result.records:7,}  {written:7,}  {100 * exact / written:6.2f}  "
                f"{result.trimmed:7,}  {result.rejected:,} ({reasons or '-'})"
            )
            totals.update(records=result.records, written=written, exact=exact,
                          trimmed=result.trimmed, refused=result.rejected)  # fmt: skip
    print(
        f"  all   {totals['records']:7,}  {totals['written']:7,}  "
        f"{100 * totals['exact'] / totals['written']:6.2f}  {totals['trimmed']:7,}  "
        f"{totals['refused']:,}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--skip-train-data", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("OPENAI_API_KEY", "bench")
    bench_judge(args.pairs)
    if not args.skip_train_data:
        bench_train_data()


if __name__ == "__main__":
    main()
