"""Faults at the server, through `midb boost --engine openai` in a real process against a real
HTTP server on 127.0.0.1: a server that dies mid-run, a key the server refuses (and echoes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from chat_server import ChatServer, chat_answer, running

RECORDS = Path(__file__).parent / "data" / "llm" / "records.jsonl"
SECRET = "sk-test-0123456789abcdef"


def make_input(path: Path, n: int) -> Path:
    rows = [json.loads(line) for line in RECORDS.read_text(encoding="utf-8").splitlines()]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            row = dict(rows[i % len(rows)], id=f"r{i}")
            row["instruction"] += f" ({i})"  # every prompt distinct: the cache answers none
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def boost(
    src: Path, out: Path, url: str, tmp: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "xdg"), "BOOSTER_KEY": SECRET}
    args = ["boost", str(src), "-o", str(out), "--engine", "openai", "--api-base", url]
    args += ["--model", "booster", "--api-key-env", "BOOSTER_KEY", "--quiet", *extra]
    return subprocess.run(
        [sys.executable, "-m", "midb_cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def statuses(out: Path) -> list[str]:
    return [json.loads(line)["midb"]["status"] for line in out.open(encoding="utf-8")]


def test_a_refused_key_stops_at_once_and_is_never_printed(tmp_path: Path) -> None:
    def refuse(headers: dict[str, str]) -> tuple[int, bytes]:
        echo = {"error": {"message": f"invalid key: {headers.get('authorization', '')}"}}
        return 401, json.dumps(echo).encode()

    src, out = make_input(tmp_path / "in.jsonl", 50), tmp_path / "out.jsonl"
    with running(ChatServer(reply=refuse)) as server:
        result = boost(src, out, server.url, tmp_path)
        asked = len(server.seen)
    assert result.returncode == 4, result.stderr
    assert "HTTP 401" in result.stderr and "API key" in result.stderr
    assert SECRET not in result.stderr + result.stdout
    assert asked <= 64  # the first window at most, not every record
    assert not out.exists() or "error" not in statuses(out)


#: a server in its own process: answers the first ANSWER requests, prints one line for each,
#: then holds every later request until the test kills the whole process (kill -9: every
#: connection is reset and new ones are refused, as when a GPU box goes down)
DYING_SERVER = """
import sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
sys.path.insert(0, sys.argv[2])
from chat_server import chat_answer
ANSWER, lock, count, hold = int(sys.argv[1]), threading.Lock(), [0], threading.Event()
class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            count[0] += 1
            mine = count[0]
        if mine > ANSWER:
            hold.wait()
        body = chat_answer()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        with lock:
            print("answered", flush=True)
server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
"""


def test_a_server_that_dies_mid_run_stops_the_run_and_a_rerun_finishes(tmp_path: Path) -> None:
    src, out = make_input(tmp_path / "in.jsonl", 300), tmp_path / "out.jsonl"
    server = subprocess.Popen(
        [sys.executable, "-c", DYING_SERVER, "40", str(Path(__file__).parent)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    port = int(server.stdout.readline())
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    args = ["boost", str(src), "-o", str(out), "--engine", "openai", "--model", "booster"]
    args += ["--api-base", f"http://127.0.0.1:{port}/v1", "--quiet", "--max-retries", "2"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "midb_cli", *args, "--concurrency", "4"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        for _ in range(40):  # observed progress: 40 answers given, the rest are held
            assert server.stdout.readline() == "answered\n"
    finally:
        server.kill()  # the server dies with requests in flight
        server.wait()
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 4, err
    assert "cannot reach the server" in err and "rerun the same command" in err
    done = statuses(out) if out.exists() else []
    assert len(done) <= 40 and "error" not in done  # only real outcomes were written
    with running(ChatServer(reply=lambda h: (200, chat_answer()))) as again:
        result = boost(src, out, again.url, tmp_path)
        asked_again = len(again.seen)
    assert result.returncode == 0, result.stderr
    ids = [json.loads(line)["id"] for line in out.open(encoding="utf-8")]
    assert ids == [f"r{i}" for i in range(300)]  # every line exactly once, in order
    # the 40 answers were cached: only what was in flight or never sent is asked again
    assert asked_again == 300 - 40


def test_a_run_whose_every_request_failed_exits_4_with_the_records_kept(tmp_path: Path) -> None:
    def unknown_model(_headers: dict[str, str]) -> tuple[int, bytes]:
        return 404, b'{"error": {"message": "The model \'typo\' does not exist."}}'

    src, out = make_input(tmp_path / "in.jsonl", 6), tmp_path / "out.jsonl"
    with running(ChatServer(reply=unknown_model)) as server:
        result = boost(src, out, server.url, tmp_path, "--max-retries", "0")
    assert result.returncode == 4, result.stderr
    assert "every request failed (6 of 6" in result.stderr and "does not exist" in result.stderr
    assert statuses(out) == ["error"] * 6  # written, asked again by a rerun
    # one answer is enough for a run to have done something
    calls: list[int] = []

    def first_fails(_headers: dict[str, str]) -> tuple[int, bytes]:
        calls.append(1)
        if len(calls) == 1:
            return 404, b'{"error": {"message": "no"}}'
        return 200, chat_answer()

    with running(ChatServer(reply=first_fails)) as server:
        again = boost(src, tmp_path / "out2.jsonl", server.url, tmp_path, "--max-retries", "0")
    assert again.returncode == 0, again.stderr
