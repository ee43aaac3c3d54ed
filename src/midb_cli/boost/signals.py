"""Ctrl-C and SIGTERM during a run: never between writing a record and counting it.

SIGTERM (a scheduler's `scancel`, `kill`, a container stop) is handled like Ctrl-C: the written
part is flushed, the summary printed, and the process exits 143 (128 + 15) instead of 130, so a
script can tell the two apart. Either way the same command resumes.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import Any

from midb_cli.errors import EXIT_INTERRUPTED, EXIT_TERMINATED


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where Ctrl-C would be: everything that handles one handles both."""


def interrupt_exit_code(exc: KeyboardInterrupt) -> int:
    """130 for Ctrl-C, 143 for SIGTERM."""
    return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED


class CtrlC:
    """Holds Ctrl-C (and SIGTERM) back while answers are being written, so that a record is
    either written and counted or neither; at any other moment (an engine waiting on the
    network) they interrupt at once. Only on the main thread, and never when a signal is
    ignored."""

    def __init__(self) -> None:
        self._depth = 0
        self._pending: type[KeyboardInterrupt] | None = None
        self._previous: dict[int, Any] = {}

    def __enter__(self) -> CtrlC:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                previous = signal.getsignal(signum)
                if previous is not signal.SIG_IGN:
                    self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous.clear()

    def _handle(self, signum: int, frame: Any) -> None:
        kind = Terminated if signum == signal.SIGTERM else KeyboardInterrupt
        if self._depth:
            self._pending = kind
        else:
            raise kind

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
        if not self._depth and self._pending is not None:
            kind, self._pending = self._pending, None
            raise kind
