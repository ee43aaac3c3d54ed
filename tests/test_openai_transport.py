"""The openai engine's transport against real servers on loopback: secrets echoed by a server
are redacted, credentials in the URL are sent as Basic auth (or refused with an API key),
IPv6 literals, proxies from the environment, TLS verified by default."""

from __future__ import annotations

import base64
import json
import os
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from chat_server import ChatServer, chat_answer, free_port, has_ipv6_loopback, running, serve_tls
from midb_cli.errors import EngineError, UsageError
from midb_cli.llm.backend import Generation, GenerationRequest, SamplingConfig
from midb_cli.llm.openai_backend import OpenAIBackend

KEY = "sk-echo-secret-9876543210"
DATA = Path(__file__).parent / "data" / "llm"


def echo_auth(status: int, *, as_json: bool = True):  # type: ignore[no-untyped-def]
    """A server that copies the credential headers it got into its error body."""

    def reply(headers: dict[str, str]) -> tuple[int, bytes]:
        echoed = f"{headers.get('authorization')} / {headers.get('proxy-authorization')}"
        message = f"Incorrect API key provided: {echoed}"
        body = json.dumps({"error": {"message": message}}) if as_json else f"<p>{message}</p>"
        return status, body.encode()

    return reply


def ask(backend: OpenAIBackend, n: int = 1) -> list[Generation]:
    messages = [{"role": "user", "content": "Improve.\n<|instruction|>a\n<|input|>\n<|response|>b"}]
    requests = (GenerationRequest(f"r{i}", messages, SamplingConfig(), i) for i in range(n))
    try:
        return list(backend.generate(requests))
    finally:
        backend.close()


@pytest.fixture
def no_proxy_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    yield monkeypatch


# -- secrets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "as_json"), [(401, True), (403, False), (500, True), (200, False)]
)
def test_a_server_that_echoes_the_key_does_not_get_it_into_the_error(
    status: int, as_json: bool, no_proxy_env: pytest.MonkeyPatch
) -> None:
    with running(ChatServer(reply=echo_auth(status, as_json=as_json))) as server:
        backend = OpenAIBackend([server.url], "m", api_key=KEY, max_retries=1, backoff_base=0)
        [answer] = ask(backend)
    assert answer.error is not None and KEY not in answer.error
    assert "***" in answer.error, answer.error
    assert server.seen[0][1]["authorization"] == f"Bearer {KEY}"  # it was sent, all the same


def test_midb_boost_keeps_an_echoed_key_out_of_records_and_messages(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg"), "THE_KEY": KEY}
    for name in ("http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"):
        env.pop(name, None)
    with running(ChatServer(reply=echo_auth(401))) as server:
        args = ["boost", str(DATA / "records.jsonl"), "-o", str(out), "--engine", "openai"]
        args += ["--api-base", server.url, "--model", "m", "--api-key-env", "THE_KEY"]
        result = subprocess.run(
            [sys.executable, "-m", "midb_cli", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
    assert "Traceback" not in result.stderr
    written = out.read_text(encoding="utf-8") if out.exists() else ""
    assert server.seen, "the server was asked"
    for text in (result.stdout, result.stderr, written):
        assert KEY not in text
    assert "Incorrect API key provided" in written + result.stderr


# -- credentials in the URL ------------------------------------------------------------------


def test_url_credentials_are_sent_as_basic_auth_and_never_shown(
    no_proxy_env: pytest.MonkeyPatch,
) -> None:
    with running(ChatServer(reply=echo_auth(401))) as server:
        base = server.url.replace("http://", "http://alice:p%40ss-w0rd@")
        backend = OpenAIBackend([base], "m", max_retries=0)
        [answer] = ask(backend)
    token = base64.b64encode(b"alice:p@ss-w0rd").decode()
    assert server.seen[0][1]["authorization"] == f"Basic {token}"
    assert answer.error is not None and "HTTP 401" in answer.error
    for secret in ("p@ss-w0rd", "p%40ss-w0rd", token):
        assert secret not in answer.error
    # the credentials to check are the URL's, not an API key the user never set
    assert answer.error.endswith("(check the user and password in --api-base)")


def test_url_credentials_with_an_api_key_are_refused_without_the_password() -> None:
    with pytest.raises(UsageError, match="user:password@") as refused:
        OpenAIBackend(["http://bob:hunter22@127.0.0.1:9/v1"], "m", api_key=KEY)
    assert "hunter22" not in str(refused.value) and "bob:***@" in str(refused.value)
    with pytest.raises(UsageError, match="bad host or port") as bad:
        OpenAIBackend(["http://bob:hunter22@127.0.0.1:99999/v1"], "m")
    assert "hunter22" not in str(bad.value)
    with pytest.raises(UsageError, match="bad host or port") as torn:  # urlsplit refuses it
        OpenAIBackend(["http://bob:hunter22@[::1:9/v1"], "m")
    assert "hunter22" not in str(torn.value)
    with pytest.raises(UsageError, match="user:password@") as token_only:
        OpenAIBackend(["http://tok-1234@127.0.0.1:9/v1"], "m", api_key=KEY)
    assert "tok-1234" not in str(token_only.value)  # a user name alone may be a token


def test_cannot_reach_message_has_no_password(no_proxy_env: pytest.MonkeyPatch) -> None:
    backend = OpenAIBackend([f"http://bob:hunter22@127.0.0.1:{free_port()}/v1"], "m")
    with pytest.raises(EngineError, match="cannot reach the server") as failed:
        ask(backend)
    assert "hunter22" not in str(failed.value)


# -- IPv6, proxies, TLS ----------------------------------------------------------------------


@pytest.mark.skipif(not has_ipv6_loopback(), reason="this machine has no IPv6 loopback (::1)")
def test_an_ipv6_literal_works_and_gets_a_bracketed_host_header(
    no_proxy_env: pytest.MonkeyPatch,
) -> None:
    with running(ChatServer("::1")) as server:
        assert server.url.startswith("http://[::1]:")
        [answer] = ask(OpenAIBackend([server.url], "m"))
    assert answer.error is None and answer.text.startswith("<|instruction|>")
    port = server.server_address[1]
    assert server.seen[0][1]["host"] == f"[::1]:{port}"


def test_http_proxy_from_the_environment_is_used_and_no_proxy_bypasses_it(
    no_proxy_env: pytest.MonkeyPatch,
) -> None:
    with running(ChatServer()) as proxy, running(ChatServer()) as target:
        no_proxy_env.setenv("HTTP_PROXY", proxy.url.removesuffix("/v1"))
        # via the proxy: the target may even be down, the proxy answers (absolute-form target)
        down = f"http://127.0.0.1:{free_port()}/v1"
        [via] = ask(OpenAIBackend([down], "m", max_retries=0))
        assert via.error is None, via.error
        assert proxy.seen[0][0] == down + "/chat/completions"
        no_proxy_env.setenv("NO_PROXY", "127.0.0.1")
        [direct] = ask(OpenAIBackend([target.url], "m"))
        assert direct.error is None and len(proxy.seen) == 1
        assert target.seen[0][0] == "/v1/chat/completions"


def test_proxy_credentials_are_sent_and_redacted(no_proxy_env: pytest.MonkeyPatch) -> None:
    with running(ChatServer(reply=echo_auth(407))) as proxy:
        proxy_url = proxy.url.removesuffix("/v1").replace("http://", "http://px:pr0xy-pass@")
        no_proxy_env.setenv("HTTP_PROXY", proxy_url)
        [answer] = ask(OpenAIBackend([f"http://127.0.0.1:{free_port()}/v1"], "m", max_retries=0))
    token = base64.b64encode(b"px:pr0xy-pass").decode()
    assert proxy.seen[0][1]["proxy-authorization"] == f"Basic {token}"
    assert answer.error is not None and "HTTP 407" in answer.error
    assert "pr0xy-pass" not in answer.error and token not in answer.error


def test_a_dead_proxy_fails_fast_naming_the_proxy(no_proxy_env: pytest.MonkeyPatch) -> None:
    no_proxy_env.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")
    with pytest.raises(EngineError, match=r"via proxy 127\.0\.0\.1"):
        ask(OpenAIBackend(["http://127.0.0.1:8000/v1"], "m"))


@pytest.fixture
def tls_server() -> Iterator[tuple[ChatServer, str]]:
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    with running(serve_tls(ChatServer(), context)) as server, ca.cert_pem.tempfile() as ca_file:
        yield server, ca_file


def test_tls_is_verified_by_default(
    tls_server: tuple[ChatServer, str], no_proxy_env: pytest.MonkeyPatch
) -> None:
    server, _ca_file = tls_server
    no_proxy_env.delenv("SSL_CERT_FILE", raising=False)
    [answer] = ask(OpenAIBackend([server.url], "m", max_retries=3, backoff_base=0))
    assert answer.error is not None and "TLS certificate" in answer.error
    assert "SSL_CERT_FILE" in answer.error and "attempts" not in answer.error  # not retried
    assert server.seen == []


def test_tls_with_a_trusted_private_ca(
    tls_server: tuple[ChatServer, str], no_proxy_env: pytest.MonkeyPatch
) -> None:
    server, ca_file = tls_server
    no_proxy_env.setenv("SSL_CERT_FILE", ca_file)
    answers = ask(OpenAIBackend([server.url], "m", concurrency=4), n=8)
    assert [a.error for a in answers] == [None] * 8
    assert len(server.seen) == 8 and server.url.startswith("https://127.0.0.1:")


def test_answers_keep_flowing_over_kept_alive_connections(
    no_proxy_env: pytest.MonkeyPatch,
) -> None:
    with running(ChatServer(reply=lambda _h: (200, chat_answer("x")))) as server:
        answers = ask(OpenAIBackend([server.url], "m", concurrency=3), n=30)
    assert sorted(a.id for a in answers) == sorted(f"r{i}" for i in range(30))
    assert all(a.text == "x" and a.error is None for a in answers)
