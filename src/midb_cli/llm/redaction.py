"""Take secrets (the API key, URL and proxy passwords) out of text before midb stores or prints
it: a server that echoes the Authorization header in its 401 body must not put the key into
``midb.reason``, the summary or a message."""

from __future__ import annotations

from collections.abc import Iterable

REDACTED = "***"


class Redactor:
    def __init__(self, secrets: Iterable[str | None]) -> None:
        # longest first: a secret that contains another is replaced whole
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text
