"""Benchmark: HTTP clients for the `openai` engine, side by side, on one core.

    python bench/bench_http.py                      # 5,000 requests per run, 64 and 256 in flight
    python bench/bench_http.py --requests 20000 --concurrency 256

An instant chat-completions server runs in its own process on 127.0.0.1 (pinned to another core
when there is one) and answers every POST at once with the same JSON. The client process is
pinned to one core (os.sched_setaffinity) and sends the same requests through
  (a) midb's former hand-written HTTP/1.1 client (bench/legacy_http_client.py),
  (b) aiohttp (one ClientSession, TCPConnector(limit=concurrency)); also with trust_env=True,
      to show what aiohttp's per-request proxy and netrc look-ups cost,
  (c) httpx (AsyncClient; skipped when httpx is not installed: pip install -e '.[dev]'),
  (d) midb's OpenAIBackend end to end (generate(): thread bridge, JSON bodies, parsing).
For each: requests/s (wall clock) and the client's CPU ms per request (process CPU time, every
thread of this process). Target: (d) >= 5,000 requests/s at 256 in flight.
No data files are needed: the requests are synthetic (the server's speed is what is fixed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # legacy_http_client

_PROMPT = (
    "Improve the following content to be more specific, detailed with more logical steps and "
    "grammarly corrected.\n<|instruction|>Nenne drei Hauptstädte in Europa.\n<|input|>\n"
    "<|response|>Berlin, Paris und Rom sind drei Hauptstädte in Europa."
)
_REQUEST_BODY = json.dumps(
    {
        "model": "m",
        "messages": [{"role": "user", "content": _PROMPT}],
        "temperature": 0.95,
        "top_p": 0.7,
        "max_tokens": 1024,
        "seed": 1,
    }
).encode()
_ANSWER = json.dumps(
    {
        "id": "x",
        "object": "chat.completion",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": "<|instruction|>Nenne drei Hauptstädte Europas.\n<|input|>\n"
                    "<|response|>Berlin, Paris und Rom.",
                },
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 60, "completion_tokens": 20, "total_tokens": 80},
    }
).encode()
_RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
    + str(len(_ANSWER)).encode()
    + b"\r\n\r\n"
    + _ANSWER
)

# -- the server (its own process) ---------------------------------------------------------


class _Instant(asyncio.Protocol):
    """Answers each request (head + Content-Length body) as soon as it is complete."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head = self.buffer[:end].lower()
            start = head.find(b"content-length:")
            stop = head.find(b"\r\n", start)  # -1: the last header line
            length = int(head[start + 15 : stop if stop >= 0 else None]) if start >= 0 else 0
            if len(self.buffer) < end + 4 + length:
                return
            self.buffer = self.buffer[end + 4 + length :]
            self.transport.write(_RESPONSE)


def serve(port: int) -> None:
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(_Instant, "127.0.0.1", port, backlog=2048))
    print("ready", flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- the clients ----------------------------------------------------------------------------

Send = Callable[[], Awaitable[int]]  # one request; returns the HTTP status


async def _drive(send: Send, total: int, concurrency: int) -> int:
    """``total`` requests, ``concurrency`` at a time; returns how many did not answer 200."""
    left = total
    failed = 0

    async def worker() -> None:
        nonlocal left, failed
        while left > 0:
            left -= 1
            try:
                if await send() != 200:
                    failed += 1
            except Exception:
                failed += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return failed


async def legacy(url: str, total: int, concurrency: int) -> int:
    from legacy_http_client import Endpoint, Pool

    endpoint = Endpoint.parse(url)
    pool = Pool(endpoint, None)
    head = (
        f"POST {endpoint.path} HTTP/1.1\r\nHost: {endpoint.host_header}\r\n"
        "Content-Type: application/json\r\nAccept: application/json\r\n"
        f"Content-Length: {len(_REQUEST_BODY)}\r\nConnection: keep-alive\r\n"
        "User-Agent: midb-cli\r\n\r\n"
    ).encode("latin-1")

    async def send() -> int:
        connection = await pool.acquire()
        status, headers, _payload = await connection.post(head, _REQUEST_BODY)
        pool.release(connection, headers.get("connection", "").lower() != "close")
        return status

    try:
        return await _drive(send, total, concurrency)
    finally:
        pool.close()


def _aiohttp(trust_env: bool) -> Callable[[str, int, int], Awaitable[int]]:
    async def run(url: str, total: int, concurrency: int) -> int:
        import aiohttp

        connector = aiohttp.TCPConnector(limit=concurrency)
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        async with aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(),
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=trust_env,
        ) as session:

            async def send() -> int:
                async with session.post(url, data=_REQUEST_BODY, headers=headers) as response:
                    await response.read()
                    return response.status

            return await _drive(send, total, concurrency)

    return run


async def httpx_client(url: str, total: int, concurrency: int) -> int:
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    async with httpx.AsyncClient(limits=limits, timeout=None, trust_env=False) as client:

        async def send() -> int:
            response = await client.post(url, content=_REQUEST_BODY, headers=headers)
            return response.status_code

        return await _drive(send, total, concurrency)


def backend_run(base: str, total: int, concurrency: int) -> int:
    from midb_cli.llm.backend import GenerationRequest, SamplingConfig
    from midb_cli.llm.openai_backend import OpenAIBackend

    backend = OpenAIBackend([base], "m", concurrency=concurrency)
    messages = [{"role": "user", "content": _PROMPT}]
    sampling = SamplingConfig()
    requests = (GenerationRequest(str(i), messages, sampling, i) for i in range(total))
    try:
        return sum(1 for generation in backend.generate(requests) if generation.error)
    finally:
        backend.close()


def _measure(run: Callable[[], int]) -> tuple[float, float, int]:
    cpu, wall = time.process_time(), time.perf_counter()
    failed = run()
    return time.perf_counter() - wall, time.process_time() - cpu, failed


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return

    cores = sorted(os.sched_getaffinity(0))
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        if len(cores) > 1:
            os.sched_setaffinity(server.pid, {cores[-1]})
        os.sched_setaffinity(0, {cores[0]})  # the client: one core (its threads included)
        base = f"http://127.0.0.1:{port}/v1"
        url = base + "/chat/completions"
        clients: list[tuple[str, Callable[[str, int, int], Awaitable[int]] | None]] = [
            ("(a) legacy midb client", legacy),
            ("(b) aiohttp", _aiohttp(False)),
            ("(b) aiohttp trust_env=True", _aiohttp(True)),
        ]
        try:
            import httpx  # noqa: F401

            clients.append(("(c) httpx", httpx_client))
        except ImportError:
            print("(c) httpx: not installed, skipped (pip install -e '.[dev]')")
        print(
            f"{args.requests:,} requests per run to an instant server on 127.0.0.1:{port}; "
            f"client on core {cores[0]}, server on core {cores[-1]}"
        )
        print(
            f"{'client':30s} {'in flight':>9s} {'requests/s':>11s} {'CPU ms/req':>11s} "
            f"{'1-core max':>11s} errors"
        )
        for concurrency in args.concurrency:
            for name, client in clients:
                assert client is not None
                wall, cpu, failed = _measure(
                    lambda c=client, n=concurrency: asyncio.run(c(url, args.requests, n))  # type: ignore[misc]
                )
                _row(name, concurrency, args.requests, wall, cpu, failed)
            wall, cpu, failed = _measure(
                lambda n=concurrency: backend_run(base, args.requests, n)  # type: ignore[misc]
            )
            _row("(d) OpenAIBackend.generate", concurrency, args.requests, wall, cpu, failed)
            if concurrency == 256:
                verdict = "met" if args.requests / wall >= 5000 else "NOT met"
                print(f"    target (d) >= 5,000 requests/s at 256 in flight: {verdict}")
        print(
            "1-core max = 1000 / (CPU ms per request): the rate the client could sustain with "
            "its core to itself; requests/s is lower when other processes share the core."
        )
    finally:
        server.terminate()
        server.wait()


def _row(name: str, concurrency: int, total: int, wall: float, cpu: float, failed: int) -> None:
    ms = cpu / total * 1e3
    print(
        f"{name:30s} {concurrency:9d} {total / wall:11,.0f} {ms:11.3f} {1e3 / ms:11,.0f} "
        f"{failed:6d}",
        flush=True,
    )


if __name__ == "__main__":
    main()
