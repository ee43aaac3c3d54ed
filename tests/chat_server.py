"""A small real chat-completions server on loopback for the openai engine's transport tests
(IPv4 or IPv6, plain or TLS): it records each request's target and headers and answers with a
status and body of the test's choosing. It also serves as a plain-HTTP forward proxy that
answers itself: a proxied request shows up with an absolute target (http://host:port/...)."""

from __future__ import annotations

import json
import socket
import ssl
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: (status, body) for one request, from its headers
Reply = Callable[[dict[str, str]], tuple[int, bytes]]


def chat_answer(text: str = "<|instruction|>a\n<|input|>\n<|response|>b") -> bytes:
    choice = {"index": 0, "message": {"role": "assistant", "content": text}}
    return json.dumps({"choices": [{**choice, "finish_reason": "stop"}]}).encode()


def ok(_headers: dict[str, str]) -> tuple[int, bytes]:
    return 200, chat_answer()


class ChatServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(self, host: str = "127.0.0.1", reply: Reply = ok) -> None:
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, 0), _ChatHandler)
        self.reply = reply
        self.seen: list[tuple[str, dict[str, str]]] = []  # (request target, headers)
        self.lock = threading.Lock()
        self.tls = False

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], (OSError, ssl.SSLError)):
            super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in str(host) else host
        return f"{'https' if self.tls else 'http'}://{host}:{port}/v1"


class _ChatHandler(BaseHTTPRequestHandler):
    server: ChatServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {name.lower(): value for name, value in self.headers.items()}
        with self.server.lock:
            self.server.seen.append((self.path, headers))
        status, body = self.server.reply(headers)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def running(server: ChatServer) -> Iterator[ChatServer]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def serve_tls(server: ChatServer, context: ssl.SSLContext) -> ChatServer:
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.tls = True
    return server


def has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
