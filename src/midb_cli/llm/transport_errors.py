"""The failures ``http_transport`` reports, in a module of their own so that the openai backend
can catch them without importing aiohttp (it is imported only when that engine is used)."""

from __future__ import annotations


class RetryableError(Exception):
    """A failure worth another attempt; ``delay`` is the server's Retry-After, if any."""

    def __init__(
        self, message: str, delay: float | None = None, *, unreachable: bool = False
    ) -> None:
        super().__init__(message)
        self.delay = delay
        #: no connection could be made at all (refused, no route, DNS): not a slow server
        self.unreachable = unreachable


class FatalTransportError(Exception):
    """A failure another attempt will not fix: the server's TLS certificate is not trusted."""
