"""midb's former HTTP/1.1 client (engines/http_client.py before aiohttp), kept only so that
bench/bench_http.py can compare it with aiohttp and httpx. Not used by midb itself.

A small HTTP/1.1 client on asyncio streams: keep-alive connections to one endpoint.

Just what a chat-completions client needs (POST a JSON body, read a Content-Length or chunked
answer), with no dependency. Chosen by measurement: 8,000 requests at 64 in flight against an
instant server on loopback ran at 3,500-8,200 requests/s with this client (thread bridge
included), 1,300-1,800 with aiohttp 3.14 and 170-350 with httpx 0.28 (2 shared cores).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from midb_cli.errors import UsageError

MAX_HEADER_BYTES = 64 * 1024


class RetryableError(Exception):
    """A failure worth another attempt; ``delay`` is the server's Retry-After, if any."""

    def __init__(self, message: str, delay: float | None = None) -> None:
        super().__init__(message)
        self.delay = delay


class StaleConnectionError(ConnectionResetError):
    """The server closed a connection before answering (e.g. a kept-alive one it timed out)."""


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    tls: bool
    path: str  # .../chat/completions
    host_header: str

    @classmethod
    def parse(cls, api_base: str) -> Endpoint:
        parts = urlsplit(api_base.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"--api-base: expected http(s)://HOST[:PORT]/v1, got {api_base!r}")
        tls = parts.scheme == "https"
        try:
            port = parts.port or (443 if tls else 80)
        except ValueError:
            raise UsageError(f"--api-base: bad port in {api_base!r}") from None
        path = parts.path.rstrip("/")
        if not path.endswith("/chat/completions"):
            path += "/chat/completions"
        default_port = (tls and port == 443) or (not tls and port == 80)
        host_header = parts.hostname if default_port else f"{parts.hostname}:{port}"
        return cls(parts.hostname, port, tls, path, host_header)

    def __str__(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host_header}{self.path}"


class Connection:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.reused = False

    @property
    def usable(self) -> bool:
        return not (self.reader.at_eof() or self.writer.is_closing())

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()

    async def post(self, head: bytes, body: bytes) -> tuple[int, dict[str, str], bytes]:
        self.writer.write(head + body)
        await self.writer.drain()
        try:
            head_bytes = await self.reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            if not exc.partial:
                raise StaleConnectionError("server closed the connection") from None
            raise
        except asyncio.LimitOverrunError:
            raise RetryableError("HTTP headers too large") from None
        status_line, *header_lines = head_bytes.decode("latin-1").split("\r\n")
        parts = status_line.split(None, 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
            raise RetryableError(f"bad HTTP status line {status_line[:80]!r}")
        status = int(parts[1])
        headers: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            if name:
                headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            payload = await self._read_chunked()
        elif "content-length" in headers:
            payload = await self.reader.readexactly(int(headers["content-length"]))
        else:  # body until the server closes
            payload = await self.reader.read()
            headers["connection"] = "close"
        return status, headers, payload

    async def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        while True:
            size_line = await self.reader.readline()
            size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                # trailers, then the blank line
                while (await self.reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(await self.reader.readexactly(size))
            await self.reader.readexactly(2)


class Pool:
    """Idle keep-alive connections to one endpoint."""

    def __init__(self, endpoint: Endpoint, ssl_context: ssl.SSLContext | None) -> None:
        self.endpoint = endpoint
        self.ssl_context = ssl_context
        self.idle: list[Connection] = []

    async def acquire(self, fresh: bool = False) -> Connection:
        while self.idle and not fresh:
            connection = self.idle.pop()
            if connection.usable:
                connection.reused = True
                return connection
            connection.close()
        reader, writer = await asyncio.open_connection(
            self.endpoint.host,
            self.endpoint.port,
            ssl=self.ssl_context if self.endpoint.tls else None,
            limit=MAX_HEADER_BYTES,
        )
        return Connection(reader, writer)

    def release(self, connection: Connection, reusable: bool) -> None:
        if reusable:
            self.idle.append(connection)
        else:
            connection.close()

    def close(self) -> None:
        for connection in self.idle:
            connection.close()
        self.idle.clear()
