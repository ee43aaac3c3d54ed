"""POST a JSON body to an ``Endpoint`` over aiohttp: one ``ClientSession`` per run, keep-alive
connections (at most ``concurrency`` open), TLS verified with the system's trust store
(``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` are honoured), proxies from the environment.

Proxies: aiohttp's ``trust_env=True`` looks the proxy up (and reads ``~/.netrc``) in a worker
thread for every request, which costs more CPU than the request itself on one core, and a
netrc entry for the host would clash with midb's Authorization header. So the session keeps
``trust_env=False`` and each endpoint's proxy is looked up once per run with aiohttp's own
``trust_env`` rules (HTTP_PROXY, HTTPS_PROXY, NO_PROXY, proxy credentials in the proxy URL).
"""

from __future__ import annotations

import ssl
from contextlib import suppress
from dataclasses import dataclass

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from yarl import URL

from midb_cli.llm.endpoint import Endpoint
from midb_cli.llm.transport_errors import FatalTransportError, RetryableError

# answers of servers behind gateways can carry big headers (aiohttp's default is 8 KiB)
MAX_HEADER_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Proxy:
    url: URL
    #: {"Proxy-Authorization": "Basic ..."} from user:password@ in the proxy URL, else None
    headers: dict[str, str] | None
    #: the proxy password and its Basic token, for the redactor
    secrets: tuple[str, ...]

    @property
    def host(self) -> str:
        return self.url.host or ""

    @property
    def port(self) -> int:
        return self.url.port or 80


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    payload: bytes
    retry_after: str | None
    location: str | None


def env_proxy(endpoint: Endpoint) -> Proxy | None:
    """The proxy the environment names for ``endpoint`` (None: connect directly)."""
    with suppress(LookupError):
        url, auth = get_env_proxy_for_url(URL(endpoint.url))
        if auth is None:
            return Proxy(url, None, ())
        header = auth.encode()  # "Basic <token>"
        secrets = tuple(s for s in (auth.password, header.partition(" ")[2]) if s)
        return Proxy(url, {"Proxy-Authorization": header}, secrets)
    return None


class HttpTransport:
    """Created on any thread; ``open``, ``post`` and ``close`` run on the event loop's thread."""

    def __init__(self, endpoints: list[Endpoint], concurrency: int) -> None:
        self.endpoints = endpoints
        self.concurrency = concurrency
        self.proxies = [env_proxy(endpoint) for endpoint in endpoints]
        self._urls = [URL(endpoint.url, encoded=True) for endpoint in endpoints]
        self._session: aiohttp.ClientSession | None = None

    @property
    def secrets(self) -> list[str]:
        """Proxy passwords and their Basic tokens, for the redactor."""
        return [secret for p in self.proxies if p is not None for secret in p.secrets]

    def request_headers(self, index: int, headers: dict[str, str]) -> dict[str, str]:
        """``headers`` plus what a plain-HTTP proxy needs on the request itself (credentials
        for an HTTPS endpoint's proxy go on its CONNECT request instead)."""
        proxy = self.proxies[index]
        if proxy is None or proxy.headers is None or self.endpoints[index].tls:
            return headers
        return {**headers, **proxy.headers}

    async def open(self) -> None:
        context = ssl.create_default_context() if any(e.tls for e in self.endpoints) else None
        connector = aiohttp.TCPConnector(
            limit=self.concurrency, limit_per_host=0, ssl=context if context else True
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(),  # the backend times each attempt itself
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,  # see the module docstring: proxies are resolved once, above
            auto_decompress=True,
            max_line_size=MAX_HEADER_BYTES,
            max_field_size=MAX_HEADER_BYTES,
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def post(self, index: int, body: bytes, headers: dict[str, str]) -> Response:
        """POST ``body`` to endpoint ``index``; transport failures become RetryableError or
        FatalTransportError (whose messages name the endpoint, never a credential)."""
        try:
            return await self._post(index, body, headers)
        except aiohttp.ServerDisconnectedError:
            # Most often a kept-alive connection the server had just closed: send once more
            # at once, not counted as a failed attempt (a fresh connection fails for real).
            try:
                return await self._post(index, body, headers)
            except aiohttp.ClientError as exc:
                raise self._failure(index, exc) from None
        except aiohttp.ClientError as exc:
            raise self._failure(index, exc) from None

    async def _post(self, index: int, body: bytes, headers: dict[str, str]) -> Response:
        assert self._session is not None, "HttpTransport.open() was not awaited"
        proxy = self.proxies[index]
        tunnel = proxy is not None and self.endpoints[index].tls
        async with self._session.post(
            self._urls[index],
            data=body,
            headers=headers,
            allow_redirects=False,
            proxy=proxy.url if proxy else None,
            proxy_headers=dict(proxy.headers or {}) if tunnel and proxy else None,
        ) as response:
            payload = await response.read()
            return Response(
                response.status,
                payload,
                response.headers.get("Retry-After"),
                response.headers.get("Location"),
            )

    def _failure(self, index: int, exc: aiohttp.ClientError) -> Exception:
        endpoint = self.endpoints[index]
        if isinstance(exc, aiohttp.ClientConnectorCertificateError):
            reason = getattr(exc.certificate_error, "verify_message", None) or "not trusted"
            return FatalTransportError(
                f"TLS certificate of {endpoint.host}:{endpoint.port} rejected ({reason}); "
                "a private CA can be given with SSL_CERT_FILE=ca.pem"
            )
        if isinstance(exc, aiohttp.ClientConnectorError):
            via = self.proxies[index]
            where = f"proxy {via.host}:{via.port}" if via else f"{endpoint.host}:{endpoint.port}"
            why = exc.os_error.strerror or type(exc.os_error).__name__
            return RetryableError(
                f"connection error: cannot connect to {where}: {why}", unreachable=True
            )
        if isinstance(exc, aiohttp.ClientResponseError):  # a malformed answer
            return RetryableError(f"bad HTTP answer from {endpoint}: {exc.message}")
        return RetryableError(f"connection error: {type(exc).__name__} from {endpoint}")
