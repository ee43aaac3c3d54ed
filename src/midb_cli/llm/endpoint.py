"""One ``--api-base`` of the openai engine: where its requests go, how they authenticate, and
how it is shown in messages (never with a password).

``user:password@`` in the URL is taken out of the URL and sent as HTTP Basic auth; the
password (as written and decoded) is kept in ``secrets`` so error texts can be redacted.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from urllib.parse import SplitResult, unquote, urlsplit

from midb_cli.errors import UsageError

_CHAT_PATH = "/chat/completions"


def display_url(api_base: str) -> str:
    """``api_base`` as it may be printed: a password (or a user name given alone, which is
    how some services pass a token) replaced by ``***``. Plain string work, so that it also
    masks URLs ``urlsplit`` refuses."""
    text = api_base.strip()
    scheme, sep, rest = text.partition("://")
    netloc, slash, path = rest.partition("/")
    userinfo, at, hostport = netloc.rpartition("@")
    if not (sep and at):
        return text
    user, colon, _password = userinfo.partition(":")
    shown = f"{user}:***" if colon else "***"
    return f"{scheme}://{shown}@{hostport}{slash}{path}"


@dataclass(frozen=True)
class Endpoint:
    url: str  # http(s)://host[:port]/.../chat/completions, without credentials
    host: str  # as socket calls want it: "::1", not "[::1]"
    port: int
    tls: bool
    #: "Basic ..." from user:password@ in the URL, else None
    basic_auth: str | None = None
    #: the password and the Basic token: what must never appear in a message
    secrets: tuple[str, ...] = ()

    @classmethod
    def parse(cls, api_base: str) -> Endpoint:
        shown = display_url(api_base)
        try:
            parts = urlsplit(api_base.strip())
            parts.port  # noqa: B018 - raises ValueError for a bad port
        except ValueError:
            raise UsageError(f"--api-base: bad host or port in {shown!r}") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"--api-base: expected http(s)://HOST[:PORT]/v1, got {shown!r}")
        tls = parts.scheme == "https"
        port = parts.port or (443 if tls else 80)
        if parts.query or parts.fragment:
            raise UsageError(f"--api-base: no ?query or #fragment expected in {shown!r}")
        path = parts.path.rstrip("/")
        if not path.endswith(_CHAT_PATH):
            path += _CHAT_PATH
        basic_auth, secrets = _credentials(parts)
        url = SplitResult(parts.scheme, _netloc(parts, port, tls), path, "", "").geturl()
        return cls(url, parts.hostname, port, tls, basic_auth, secrets)

    def __str__(self) -> str:
        return self.url


def _netloc(parts: SplitResult, port: int, tls: bool) -> str:
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal keeps its brackets in a URL
        host = f"[{host}]"
    default_port = port == (443 if tls else 80)
    return host if default_port else f"{host}:{port}"


def _credentials(parts: SplitResult) -> tuple[str | None, tuple[str, ...]]:
    if parts.username is None and parts.password is None:
        return None, ()
    user = unquote(parts.username or "")
    password = unquote(parts.password or "")
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    # a user name given alone is the secret (a token), as display_url assumes
    hidden = {parts.password, password} if parts.password is not None else {parts.username, user}
    secrets = tuple(s for s in {*hidden, token} if s)
    return f"Basic {token}", secrets
