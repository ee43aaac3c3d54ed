"""The `openai` engine against real HTTP servers on 127.0.0.1 that speak chat-completions and
misbehave on purpose: 500s, 429 with Retry-After, timeouts, bodies that are not JSON, slow
answers, 400s, untagged answers, answers in the wrong language, a server that is down.

Nothing here depends on the machine's speed: the request that must time out hangs on an event
(released at teardown), and every other answer has seconds to spare within the timeout."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from midb_cli.boost.engines import create_booster
from midb_cli.boost.protocol import BoostItem, EngineSelection
from midb_cli.errors import EngineError, UsageError
from midb_cli.llm.backend import GenerationRequest, SamplingConfig
from midb_cli.llm.openai_backend import OpenAIBackend
from midb_cli.llm.prompts import tagged_pair
from midb_cli.records.pair import Pair

DATA = Path(__file__).parent / "data" / "llm"
SECRET = "sk-test-secret-0123456789"


def _lines(name: str) -> list[dict[str, str]]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines()]


RECORDS = _lines("records.jsonl")
REVISIONS = {r["id"]: r for r in _lines("revisions.jsonl")}
BY_INSTRUCTION = {r["instruction"]: r["id"] for r in RECORDS}
# what the server does to each record on its first attempt (later attempts answer well)
FIRST_ATTEMPT = {
    "de-2": "500",
    "es-0": "429",
    "es-1": "not-json",
    "fr-0": "hang",
    "ja-3": "close",
}
ALWAYS = {
    "de-1": "untagged",
    "fr-1": "wrong-language",
    "ar-1": "400",
    "it-0": "slow",
    "ms-2": "too-long",
}


class BoosterServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default 5 drops SYNs under concurrency (1 s resend)

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), BoosterHandler)
        self.attempts: Counter[str] = Counter()
        self.bodies: list[dict] = []
        self.auth: set[str] = set()
        self.lock = threading.Lock()
        self.release = threading.Event()  # a hanging request waits for it (set at teardown)

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)  # a client that timed out is expected

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    @property
    def total(self) -> int:
        return sum(self.attempts.values())


class BoosterHandler(BaseHTTPRequestHandler):
    server: BoosterServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        assert self.path == "/v1/chat/completions"
        text = body["messages"][-1]["content"]
        start = text.index("<|instruction|>") + len("<|instruction|>")
        record_id = BY_INSTRUCTION.get(text[start : text.index("\n<|input|>")], "?")
        with self.server.lock:
            self.server.attempts[record_id] += 1
            attempt = self.server.attempts[record_id]
            self.server.bodies.append(body)
            self.server.auth.add(self.headers.get("Authorization", ""))
        behaviour = ALWAYS.get(record_id) or (
            FIRST_ATTEMPT.get(record_id) if attempt == 1 else None
        )
        revised = REVISIONS.get(record_id)
        if behaviour == "500":
            return self._send(500, b'{"error": {"message": "engine overloaded"}}')
        if behaviour == "429":
            return self._send(429, b'{"error": "slow down"}', {"Retry-After": "0.2"})
        if behaviour == "400":
            return self._send(400, b'{"error": {"message": "model booster has no adapter x"}}')
        if behaviour == "too-long":
            message = b"This model's maximum context length is 2048 tokens. However, you requested 4100 tokens."
            return self._send(400, b'{"object": "error", "message": "' + message + b'"}')
        if behaviour == "not-json":
            return self._send(200, b"<html>gateway</html>")
        if behaviour == "close":
            self.close_connection = True
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{")
            return None
        if behaviour == "hang":
            self.server.release.wait()
            return None
        if behaviour == "slow":
            time.sleep(0.3)
        if behaviour == "untagged" or revised is None:
            answer = "Das kann ich leider nicht."
        elif behaviour == "wrong-language":
            answer = tagged_pair(Pair(revised["instruction"], "", REVISIONS["it-1"]["response"]))
        else:
            answer = tagged_pair(
                Pair(revised["instruction"], revised["input"], revised["response"])
            )
        reply = {
            "id": "x",
            "object": "chat.completion",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": answer},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 50, "completion_tokens": 20, "total_tokens": 70},
        }
        return self._send(200, json.dumps(reply).encode())

    def _send(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def server() -> Iterator[BoosterServer]:
    srv = BoosterServer()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.release.set()
    srv.shutdown()
    srv.server_close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request_for(record: dict[str, str], seed: int = 7) -> GenerationRequest:
    pair = Pair(record["instruction"], record["input"], record["output"])
    return GenerationRequest(
        id=record["id"],
        messages=[{"role": "user", "content": "Improve.\n" + tagged_pair(pair)}],
        sampling=SamplingConfig(),
        seed=seed,
    )


def test_backend_retries_transient_failures_and_reports_4xx(server: BoosterServer) -> None:
    # fr-0 hangs until teardown: its first attempt must time out; 3 s leaves every other
    # answer (the slowest sleeps 0.3 s) ample room on a loaded machine
    backend = OpenAIBackend(
        [server.url], "booster", api_key=SECRET, concurrency=8, timeout=3.0, backoff_base=0.05
    )
    results = {g.id: g for g in backend.generate(iter(request_for(r) for r in RECORDS))}
    backend.close()
    assert sorted(results) == sorted(r["id"] for r in RECORDS)
    for record_id in FIRST_ATTEMPT:  # 500, 429, non-JSON, timeout, torn body: retried once
        assert results[record_id].error is None, results[record_id].error
        assert server.attempts[record_id] == 2
        assert results[record_id].text.startswith("<|instruction|>")
    failed = results["ar-1"]
    assert server.attempts["ar-1"] == 1  # a 400 is not retried
    assert (
        failed.error is not None and "HTTP 400" in failed.error and "no adapter x" in failed.error
    )
    assert failed.error_kind == "error"
    too_long = results["ms-2"]
    assert too_long.error_kind == "skipped" and server.attempts["ms-2"] == 1
    assert results["it-0"].error is None and results["it-0"].completion_tokens == 20
    assert backend.retries == len(FIRST_ATTEMPT)
    body = server.bodies[0]
    assert body["model"] == "booster" and body["seed"] == 7
    assert (body["temperature"], body["top_p"], body["top_k"], body["max_tokens"]) == (
        0.95,
        0.7,
        50,
        1024,
    )
    assert server.auth == {f"Bearer {SECRET}"}


def test_gives_up_after_max_retries_without_leaking_the_key(server: BoosterServer) -> None:
    # the 500 comes at once: no timeout races it
    backend = OpenAIBackend([server.url], "booster", api_key=SECRET, max_retries=0, timeout=60)
    results = {g.id: g for g in backend.generate(iter([request_for(RECORDS[1])]))}
    backend.close()
    error = results["de-2"].error
    assert error is not None and "HTTP 500" in error and "engine overloaded" in error
    assert "(1 attempts)" in error and SECRET not in error


def test_structured_output_and_plain_openai_mode(server: BoosterServer) -> None:
    request = request_for(RECORDS[6])
    request.structured = {"regex": "<\\|instruction\\|>.*"}
    backend = OpenAIBackend([server.url], "booster")
    list(backend.generate(iter([request])))
    plain = OpenAIBackend([server.url], "booster", vllm_extensions=False)
    list(plain.generate(iter([request_for(RECORDS[8])])))
    json_request = request_for(RECORDS[10])
    json_request.structured = {"json": {"type": "object"}}
    list(plain.generate(iter([json_request])))
    backend.close()
    plain.close()
    vllm_body, plain_body, json_body = server.bodies
    assert vllm_body["structured_outputs"] == {"regex": "<\\|instruction\\|>.*"}
    assert "top_k" not in plain_body and "structured_outputs" not in plain_body
    assert json_body["response_format"]["json_schema"]["schema"] == {"type": "object"}


def test_load_is_spread_over_servers_and_a_dead_one_is_routed_around(server: BoosterServer) -> None:
    second = BoosterServer()
    threading.Thread(target=second.serve_forever, daemon=True).start()
    dead = f"http://127.0.0.1:{free_port()}/v1"
    try:
        backend = OpenAIBackend(
            [server.url, second.url, dead], "booster", concurrency=4, backoff_base=0.01
        )
        ok = [r for r in RECORDS if r["id"] not in FIRST_ATTEMPT and r["id"] not in ALWAYS]
        results = list(backend.generate(iter(request_for(r) for r in ok * 3)))
        backend.close()
        assert len(results) == len(ok) * 3 and all(g.error is None for g in results)
        assert server.total > 3 and second.total > 3
    finally:
        second.shutdown()
        second.server_close()


def test_bad_configuration_is_a_clear_error() -> None:
    with pytest.raises(UsageError, match="--api-base"):
        OpenAIBackend([], "booster")
    with pytest.raises(UsageError, match="--model"):
        OpenAIBackend(["http://127.0.0.1:1/v1"], "")
    with pytest.raises(UsageError, match="expected http"):
        OpenAIBackend(["ftp://x/v1"], "booster")
    selection = EngineSelection(
        "openai", {"model": "booster", "api_base": [f"http://127.0.0.1:{free_port()}/v1"]}
    )
    booster = create_booster(selection)  # no connection yet: a fully cached rerun needs none
    item = BoostItem("r1", Pair("Frage?", "", "Antwort."), "de", [])
    with pytest.raises(EngineError, match="cannot reach the server"):
        list(booster.boost(iter([item])))
    booster.close()


# -- the acceptance flow: `midb boost --engine openai ...` in a real process -------------


def midb(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "midb_cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_midb_boost_against_a_misbehaving_server(server: BoosterServer, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg"), "BOOSTER_KEY": SECRET}
    args = ["boost", str(DATA / "records.jsonl"), "-o", str(out), "--engine", "openai"]
    args += ["--api-base", server.url, "--model", "booster", "--prompt", "midb", "--quiet"]
    args += ["--timeout", "3", "--api-key-env", "BOOSTER_KEY"]  # fr-0 hangs: times out once
    result = midb(*args, env=env)
    assert result.returncode == 0, result.stderr
    assert SECRET not in result.stderr + result.stdout
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [w["id"] for w in written] == [r["id"] for r in RECORDS]  # each once, in order
    for w, r in zip(written, RECORDS, strict=True):
        meta = w["midb"]
        kept = (w["instruction"], w["input"], w["output"]) == (
            r["instruction"],
            r["input"],
            r["output"],
        )
        if r["id"] == "de-1":
            assert (meta["status"], meta["reason"]) == ("fallback", "parse:no tags") and kept
        elif r["id"] == "fr-1":
            assert (meta["status"], meta["reason"]) == ("fallback", "guard:language") and kept
        elif r["id"] == "ms-2":
            assert meta["status"] == "skipped" and "maximum context length" in meta["reason"]
            assert kept
        elif r["id"] == "ar-1":
            assert meta["status"] == "error" and "HTTP 400" in meta["reason"] and kept
        else:
            assert meta["status"] == "boosted", (r["id"], meta)
            assert w["output"] == REVISIONS[r["id"]]["response"]
    for record_id in FIRST_ATTEMPT:
        assert server.attempts[record_id] == 2
    assert (tmp_path / "xdg" / "midb" / "results.sqlite").is_file()

    # the same command after deleting OUT: every answer comes from the cache, no request
    before = server.total
    out.unlink()
    again = midb(*args, env=env)
    assert again.returncode == 0, again.stderr
    rerun = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # only the 400 is asked again: errors are not cached (a too-long record is: it stays so)
    assert server.total - before == 1
    assert [w["midb"]["status"] for w in rerun] == [w["midb"]["status"] for w in written]
    assert [w["output"] for w in rerun] == [w["output"] for w in written]


def test_a_rerun_the_cache_answers_needs_no_server(server: BoosterServer, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS if r["id"] == "es-1"),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}
    args = ["boost", str(source), "-o", str(out), "--engine", "openai", "--quiet"]
    args += ["--api-base", server.url, "--model", "booster", "--prompt", "midb"]
    assert midb(*args, env=env).returncode == 0
    first = out.read_text(encoding="utf-8")
    server.shutdown()
    server.server_close()  # nothing listens on the port any more
    out.unlink()
    again = midb(*args, env=env)
    assert again.returncode == 0, again.stderr
    cached = json.loads(out.read_text(encoding="utf-8"))
    assert cached["midb"].pop("cached") is True
    answered = json.loads(first)
    assert answered["midb"].pop("cached") is False
    assert cached == answered and cached["midb"]["status"] == "boosted"
    out.unlink()
    uncached = midb(*args, "--no-cache", env=env)
    assert uncached.returncode == 4 and "cannot reach the server" in uncached.stderr
    assert "Traceback" not in uncached.stderr


def test_missing_api_base_is_a_usage_error(tmp_path: Path) -> None:
    args = ["boost", str(DATA / "records.jsonl"), "-o", str(tmp_path / "o.jsonl")]
    result = midb(*args, "--engine", "openai", "--model", "booster", env=dict(os.environ))
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Error: engine openai needs --api-base URL")
    assert "Traceback" not in result.stderr


def test_midb_engines_lists_openai_as_usable() -> None:
    from typer.testing import CliRunner

    from midb_cli.cli.main import app

    result = CliRunner().invoke(app, ["engines", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["openai"]["usable"] is True and "--api-base" in rows["openai"]["reason"]
    assert {"rules", "openai"} <= set(rows)
    table = CliRunner().invoke(app, ["engines"])
    assert table.exit_code == 0 and "openai" in table.stdout and "usable" in table.stdout
