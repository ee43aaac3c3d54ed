"""The ``openai`` engine: any OpenAI-compatible ``/v1/chat/completions`` endpoint.

Works with ``vllm serve`` (a LoRA adapter is selected with ``--model NAME``), SGLang,
llama.cpp's server and hosted APIs. An asyncio loop in a worker thread keeps up to
``concurrency`` requests in flight over keep-alive connections (``http_transport``: one aiohttp
session per run), spread round-robin over every ``--api-base``. The caller's thread pulls
requests lazily and receives answers through a queue, so the pipeline keeps streaming with
bounded memory.

Retries with exponential backoff and jitter (honouring Retry-After) on 429, 5xx, connection
errors, timeouts and bodies that are not JSON; other 4xx answers are not retried and end as a
per-record error carrying the server's message. The API key is read from an environment
variable; it, URL passwords and proxy passwords are redacted from every error text.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import random
import re
import socket
import sys
import threading
from collections.abc import Coroutine, Iterator
from typing import TYPE_CHECKING, Any

from midb_cli import jsonio
from midb_cli.errors import EngineError, UsageError
from midb_cli.llm.backend import ERROR, FATAL, SKIPPED, Generation, GenerationRequest
from midb_cli.llm.endpoint import Endpoint, display_url
from midb_cli.llm.redaction import Redactor
from midb_cli.llm.transport_errors import FatalTransportError, RetryableError

if TYPE_CHECKING:
    from midb_cli.llm.http_transport import HttpTransport

DEFAULT_CONCURRENCY = 64
_STATUS_RETRIED = frozenset({408, 425, 429})
# how servers (vLLM, OpenAI, llama.cpp) word "the prompt does not fit the context"
_TOO_LONG = re.compile(
    r"context length|context window|maximum context|too long|too many tokens|exceeds the", re.I
)


class _Fatal(Exception):
    """A failure another attempt will not fix (a 4xx such as a bad model name)."""

    def __init__(self, message: str, kind: str = "error") -> None:
        super().__init__(message)
        self.kind = kind  # "skipped" for a record the server refuses by design (too long)


class OpenAIBackend:
    """A ``TextBackend`` over OpenAI-compatible chat-completions servers."""

    name = "openai"

    def __init__(
        self,
        api_bases: list[str],
        model: str,
        *,
        api_key: str | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        timeout: float = 120.0,
        max_retries: int = 5,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        vllm_extensions: bool = True,
        extra_body: dict[str, Any] | None = None,
    ) -> None:
        if not api_bases:
            raise UsageError("engine openai needs --api-base URL (e.g. http://localhost:8000/v1)")
        if not model:
            raise UsageError("engine openai needs --model NAME (the served model or LoRA adapter)")
        if concurrency < 1:
            raise UsageError("--concurrency must be at least 1")
        self.endpoints = [Endpoint.parse(base) for base in api_bases]
        for base, endpoint in zip(api_bases, self.endpoints, strict=True):
            if endpoint.basic_auth and api_key:
                raise UsageError(
                    f"--api-base {display_url(base)!r} has user:password@ and an API key is "
                    "set too: give one of them (both would need the Authorization header)"
                )
        self.model = model
        self._api_key = api_key
        self.concurrency = concurrency
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.vllm_extensions = vllm_extensions
        self.extra_body = dict(extra_body or {})
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        # aiohttp (0.2 s to import) only when this engine is used: every boost imports this
        # module to register the engine
        from midb_cli.llm.http_transport import HttpTransport

        self._transport: HttpTransport = HttpTransport(self.endpoints, concurrency)
        self._headers = [
            self._transport.request_headers(i, self._request_headers(endpoint))
            for i, endpoint in enumerate(self.endpoints)
        ]
        self._redact = Redactor(
            [api_key, *(s for e in self.endpoints for s in e.secrets), *self._transport.secrets]
        )
        self._next_endpoint = 0
        # counters for the progress line
        self.in_flight = 0
        self.retries = 0
        self.completion_tokens = 0
        self._reachable_checked = False

    # -- TextBackend ----------------------------------------------------------------------

    def generate(self, requests: Iterator[GenerationRequest]) -> Iterator[Generation]:
        loop = self._ensure_loop()
        # Answers cross from the loop thread in batches (one list per loop iteration): a
        # hand-over per answer would wake this thread, and fight for the GIL, every time.
        answers: queue.SimpleQueue[list[Generation]] = queue.SimpleQueue()
        outbox = _Outbox(loop, answers)
        tasks: set[asyncio.Task[None]] = set()
        outstanding = 0
        exhausted = False
        try:
            while True:
                # Refill the window in one hand-over to the loop thread (one wake-up per
                # batch, not per request: that is what keeps thousands of requests/s cheap).
                batch: list[GenerationRequest] = []
                while not exhausted and outstanding + len(batch) < self.concurrency:
                    try:
                        batch.append(next(requests))
                    except StopIteration:
                        exhausted = True
                if batch:
                    if not self._reachable_checked:
                        # Checked at the first request, not at start: a rerun that the cache
                        # answers entirely needs no server at all.
                        self.check_reachable()
                        self._reachable_checked = True
                    outstanding += len(batch)
                    loop.call_soon_threadsafe(self._start, batch, outbox, tasks)
                if outstanding == 0:
                    return
                for generation in answers.get():
                    outstanding -= 1
                    yield generation
        finally:
            if outstanding:
                loop.call_soon_threadsafe(_cancel_all, tasks)

    def _start(
        self, batch: list[GenerationRequest], outbox: _Outbox, tasks: set[asyncio.Task[None]]
    ) -> None:
        """On the loop thread: one task per request, each putting its answer in ``outbox``."""
        loop = asyncio.get_running_loop()
        for request in batch:
            task = loop.create_task(self._answer(request, outbox))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    async def _answer(self, request: GenerationRequest, outbox: _Outbox) -> None:
        try:
            generation = await self._complete(request)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug, not a server failure: report it on the record
            generation = Generation(id=request.id, error=f"internal error: {exc!r}")
        if generation.error is not None:  # the one exit of every error text: no secret in it
            generation.error = self._redact(generation.error)
        outbox.put(generation)

    def close(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        if not thread.is_alive():
            loop.close()
        self._loop = self._thread = None

    def stats(self) -> dict[str, Any]:
        return {"in_flight": self.in_flight, "retries": self.retries}

    def check_reachable(self, timeout: float = 5.0) -> None:
        """Fail fast (EngineError) when no server answers at all, instead of retrying every
        record; servers that are only briefly down are handled by the retries."""
        failures = []
        for endpoint, proxy in zip(self.endpoints, self._transport.proxies, strict=True):
            host, port = (proxy.host, proxy.port) if proxy else (endpoint.host, endpoint.port)
            try:
                with socket.create_connection((host, port), timeout=timeout):
                    return
            except OSError as exc:
                via = f" (via proxy {host}:{port})" if proxy else ""
                failures.append(f"{endpoint}{via}: {exc.strerror or type(exc).__name__}")
        raise EngineError(self._redact("cannot reach the server: " + "; ".join(failures)))

    # -- the asyncio side -----------------------------------------------------------------

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="midb-openai", daemon=True)
            thread.start()
            self._loop, self._thread = loop, thread
            # the session belongs to the loop that uses it: made there, closed there
            asyncio.run_coroutine_threadsafe(self._transport.open(), loop).result()
        return self._loop

    async def _shutdown(self) -> None:
        """Cancel what is still in flight (an interrupted run) and close the connections."""
        current = asyncio.current_task()
        tasks = [task for task in asyncio.all_tasks() if task is not current]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self._transport.close()

    def _body(self, request: GenerationRequest) -> bytes:
        sampling = request.sampling
        body: dict[str, Any] = {
            "model": self.model,
            "messages": request.messages,
            "temperature": sampling.temperature,
            "top_p": sampling.top_p,
            "max_tokens": sampling.max_tokens,
            "seed": request.seed,
        }
        if self.vllm_extensions and sampling.top_k is not None:
            body["top_k"] = sampling.top_k
        structured = request.structured or {}
        if "json" in structured:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "pair", "schema": structured["json"], "strict": True},
            }
        elif "regex" in structured and self.vllm_extensions:
            body["structured_outputs"] = {"regex": structured["regex"]}
        body.update(self.extra_body)
        return jsonio.dumps(body)

    def _request_headers(self, endpoint: Endpoint) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json",
            "Accept": "application/json",
            "User-Agent": "midb-cli",
        }
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        elif endpoint.basic_auth:
            headers["Authorization"] = endpoint.basic_auth
        return headers

    async def _complete(self, request: GenerationRequest) -> Generation:
        body = self._body(request)
        self.in_flight += 1
        try:
            last_error, unreachable = "", False
            for attempt in range(self.max_retries + 1):
                index = self._next_endpoint % len(self.endpoints)
                self._next_endpoint += 1
                try:
                    return await _within(self.timeout, self._attempt(index, request.id, body))
                except _Fatal as exc:
                    return Generation(id=request.id, error=str(exc), error_kind=exc.kind)
                except FatalTransportError as exc:
                    return Generation(id=request.id, error=str(exc))
                except RetryableError as exc:
                    last_error, server_delay, unreachable = str(exc), exc.delay, exc.unreachable
                except asyncio.TimeoutError:
                    last_error, server_delay = f"timed out after {self.timeout:g}s", None
                    unreachable = False
                except OSError as exc:
                    last_error = f"connection error: {type(exc).__name__}"
                    server_delay, unreachable = None, True
                if attempt == self.max_retries:
                    break
                self.retries += 1
                await asyncio.sleep(self._backoff(attempt, server_delay))
            tries = self.max_retries + 1
            if unreachable:
                # Every attempt failed to connect: the server is gone, and every later
                # request would fail the same way after the same wait. Stop the run.
                message = f"cannot reach the server ({last_error}, {tries} attempts)"
                return Generation(id=request.id, error=message, error_kind=FATAL)
            return Generation(id=request.id, error=f"{last_error} ({tries} attempts)")
        finally:
            self.in_flight -= 1

    def _backoff(self, attempt: int, server_delay: float | None) -> float:
        if server_delay is not None:
            return min(max(server_delay, 0.0), self.backoff_max)
        # "full jitter": spreads the retries of many concurrent requests over the window
        return random.uniform(0, min(self.backoff_max, self.backoff_base * 2**attempt))

    async def _attempt(self, index: int, request_id: str, body: bytes) -> Generation:
        answer = await self._transport.post(index, body, self._headers[index])
        status, payload, endpoint = answer.status, answer.payload, self.endpoints[index]
        if status >= 500 or status in _STATUS_RETRIED:
            raise RetryableError(
                f"HTTP {status} from {endpoint}: {self._message(payload)}",
                _retry_after(answer.retry_after),
            )
        if status >= 400:
            message = self._message(payload)
            kind = SKIPPED if status in (400, 413) and _TOO_LONG.search(message) else ERROR
            if status in (401, 403):
                # A wrong or missing key fails every request alike: stop the run at once.
                kind = FATAL
                if self.endpoints[index].basic_auth is not None:
                    message += " (check the user and password in --api-base)"
                else:
                    message += " (check the API key: --api-key-env names its variable)"
            raise _Fatal(f"HTTP {status} from {endpoint}: {message}", kind)
        if status >= 300:  # not followed: a POST would silently turn into a GET
            where = self._redact(answer.location or "nowhere")
            raise _Fatal(f"HTTP {status} from {endpoint}: redirected to {where}")
        try:
            data = jsonio.loads(payload)
            choice = data["choices"][0]
            text = choice["message"].get("content") or ""
            finish_reason = choice.get("finish_reason")
            usage = data.get("usage") or {}
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            start = self._redact(payload.decode("utf-8", "replace"))[:80]
            raise RetryableError(f"answer is not chat-completions JSON: {start!r}") from None
        completion_tokens = usage.get("completion_tokens")
        if isinstance(completion_tokens, int):
            self.completion_tokens += completion_tokens
        return Generation(
            id=request_id,
            text=text,
            finish_reason=finish_reason,
            prompt_tokens=usage.get("prompt_tokens"),
            completion_tokens=completion_tokens,
        )

    def _message(self, payload: bytes) -> str:
        # redacted before it is cut short, so a cut cannot leave half a key behind
        return _server_message(payload, self._redact)


class _Outbox:
    """Collects the answers finished in one loop iteration and hands them over as one list
    (on the loop thread; the consumer blocks on ``answers``)."""

    __slots__ = ("_answers", "_loop", "_pending")

    def __init__(
        self, loop: asyncio.AbstractEventLoop, answers: queue.SimpleQueue[list[Generation]]
    ) -> None:
        self._loop = loop
        self._answers = answers
        self._pending: list[Generation] = []

    def put(self, generation: Generation) -> None:
        if not self._pending:
            self._loop.call_soon(self._flush)  # after the callbacks ready in this iteration
        self._pending.append(generation)

    def _flush(self) -> None:
        pending, self._pending = self._pending, []
        self._answers.put(pending)


async def _within(seconds: float, attempt: Coroutine[Any, Any, Generation]) -> Generation:
    if sys.version_info >= (3, 11):  # no extra task per request
        async with asyncio.timeout(seconds):
            return await attempt
    return await asyncio.wait_for(attempt, seconds)  # pragma: no cover - Python 3.10


def _cancel_all(tasks: set[asyncio.Task[None]]) -> None:
    for task in list(tasks):
        task.cancel()


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return None  # an HTTP date: use our own backoff


def _server_message(payload: bytes, redact: Redactor) -> str:
    """The server's error message, short and without secrets (some servers echo the
    request's headers, the API key with them)."""
    try:
        data = jsonio.loads(payload)
        error = data.get("error", data) if isinstance(data, dict) else data
        message = error.get("message", error) if isinstance(error, dict) else error
        text = str(message)
    except ValueError:
        text = payload.decode("utf-8", "replace")
    text = " ".join(redact(text).split())
    return text[:300] or "(empty body)"
