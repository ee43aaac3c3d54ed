"""A real HTTP judge on 127.0.0.1 that speaks chat-completions with known behaviour.

The pairwise judge reads the record's behaviour from the first word of the question and
knows which answer is the boosted one (it starts with ``BOOSTED``):

- ``win``/``loss``: prefers the boosted/original answer in both orders;
- ``tie``: ``[[0]]`` in both orders;
- ``bias``/``bias2``: always ``[[1]]`` (position A), whatever it shows: a flip;
- ``garbage``: no verdict at all in the order that shows the original first;
- ``wintie``: boosted better in one order, a tie in the other; ``losstie`` likewise;
- ``contradict``: always ``[[2]]`` (position B).

The scorer answers with the score named in the instruction (``score=4.5``), or chatter for
``score=none``; ``score=flaky`` fails with HTTP 400 while ``flaky`` is set, else scores 4.
``gate``: requests after the first ``free`` wait for it (to kill a run in the middle without
racing the clock).
"""

from __future__ import annotations

import json
import re
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_SECTION = re.compile(
    r"\[User Question\]  \n(.*?)  \n\[The Start of Assistant A’s Answer\]  \n(.*?)  \n"
    r"\[The End of Assistant A’s Answer\]  \n\[The Start of Assistant B’s Answer\]  \n(.*?)  \n",
    re.DOTALL,
)


def verdict_for(behaviour: str, boosted_is_a: bool) -> str:
    better_boosted = "[[1]]" if boosted_is_a else "[[2]]"
    better_original = "[[2]]" if boosted_is_a else "[[1]]"
    return {
        "win": better_boosted,
        "loss": better_original,
        "tie": "[[0]]",
        "bias": "[[1]]",
        "bias2": "[[1]]",
        "contradict": "[[2]]",
        "garbage": "I cannot decide." if not boosted_is_a else better_boosted,
        "wintie": better_boosted if not boosted_is_a else "[[0]]",
        "losstie": better_original if boosted_is_a else "[[0]]",
    }[behaviour]


class JudgeServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, free: int | None = None) -> None:
        super().__init__(("127.0.0.1", 0), JudgeHandler)
        self.asked: Counter[tuple[str, str]] = Counter()  # (question, order) -> times
        self.bodies: list[dict] = []
        self.lock = threading.Lock()
        self.free = free
        self.gate = threading.Event()
        self.served = 0
        self.flaky = False
        self.refuse = False  # answer every request with HTTP 401 (a refused key)

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def __enter__(self) -> JudgeServer:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.gate.set()
        self.shutdown()
        self.server_close()


class JudgeHandler(BaseHTTPRequestHandler):
    server: JudgeServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        text = body["messages"][-1]["content"]
        with self.server.lock:
            self.server.bodies.append(body)
            self.server.served += 1
            wait = self.server.free is not None and self.server.served > self.server.free
        if wait:
            self.server.gate.wait(60)
        if self.server.refuse:
            self._send(401, {"error": {"message": "invalid api key"}})
            return
        match = _SECTION.search(text)
        if match is not None:
            question, answer_a, _ = match.groups()
            order = "ba" if answer_a.startswith("BOOSTED") else "ab"
            with self.server.lock:
                self.server.asked[(question, order)] += 1
            answer = "Explanation. " + verdict_for(question.split()[0], order == "ba")
        else:
            found = re.search(r"score=(\S+)", text)
            value = found.group(1) if found else "none"
            if value == "flaky":
                if self.server.flaky:
                    self._send(400, {"error": {"message": "the scorer failed this request"}})
                    return
                value = "4"
            answer = "no idea" if value == "none" else f"{value}\nGood enough."
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
            "usage": {"prompt_tokens": 10, "completion_tokens": 3},
        }
        self._send(200, reply)

    def _send(self, status: int, reply: dict) -> None:
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
