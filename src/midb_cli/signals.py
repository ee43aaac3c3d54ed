"""Ctrl-C and SIGTERM during any command: never between writing a record and counting it, and
never in the middle of closing a run's files.

SIGTERM (a scheduler's `scancel`, `kill`, a container stop) is handled like Ctrl-C: the written
part is flushed, the summary printed, and the process exits 143 (128 + 15) instead of 130, so a
script can tell the two apart. Either way the same command resumes. The CLI holds one ``CtrlC``
around every command (so SIGTERM, too, unwinds through the command's cleanup instead of killing
the process mid-write); a run that counts or closes files enters its own for its held blocks.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any, TypeVar

from midb_cli.errors import EXIT_INTERRUPTED, EXIT_TERMINATED

T = TypeVar("T")


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
        self._held = HeldBlock(self)

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

    def held(self) -> HeldBlock:
        """``with ctrl_c.held():`` runs its block whole; a signal that arrives meanwhile is
        raised at its end."""
        return self._held


class HeldBlock:
    """The block of ``CtrlC.held``: a plain object rather than a generator-based context
    manager, because the pipeline enters one for every record it reads."""

    __slots__ = ("_ctrl_c",)

    def __init__(self, ctrl_c: CtrlC) -> None:
        self._ctrl_c = ctrl_c

    def __enter__(self) -> None:
        self._ctrl_c._depth += 1

    def __exit__(self, exc_type: object, *exc: object) -> None:
        ctrl_c = self._ctrl_c
        ctrl_c._depth -= 1
        # an error leaving the block goes first (the signal stays pending, as it would have)
        if exc_type is None and not ctrl_c._depth and ctrl_c._pending is not None:
            kind, ctrl_c._pending = ctrl_c._pending, None
            raise kind


class Cleanup:
    """What a run opened, closed in reverse order, each thing once and whole: ``close`` runs
    in a held block of ``ctrl_c`` (a signal meanwhile waits for the end). Calling ``close``
    again finishes what a signal interrupted before the held block was entered, so a run
    closes in its ``finally`` and once more outside its ``CtrlC``::

        cleanup = Cleanup()
        try:
            with CtrlC() as ctrl_c:
                cleanup.ctrl_c = ctrl_c
                try:
                    output = open_output(); cleanup.add(output.close)
                    ...
                finally:
                    cleanup.close()
        finally:
            cleanup.close()  # a signal that landed between the two: nothing is left open
    """

    __slots__ = ("_closers", "ctrl_c")

    def __init__(self, ctrl_c: CtrlC | None = None) -> None:
        self._closers: list[Callable[[], object]] = []
        self.ctrl_c = ctrl_c or CtrlC()

    def add(self, close: Callable[[], object]) -> None:
        self._closers.append(close)

    def close(self) -> None:
        """Close everything added so far; the first error is raised after all are closed."""
        error: BaseException | None = None
        with self.ctrl_c.held():
            while self._closers:
                close = self._closers.pop()
                try:
                    close()
                except BaseException as exc:  # every file is closed, then the error goes on
                    error = error or exc
            if error is not None:
                raise error  # inside the block: an error goes before a signal that waits


def write_committed(open_files: Callable[[ExitStack], T], work: Callable[[T], object]) -> None:
    """``open_files`` enters the run's outputs on a stack (each commits when the stack closes
    cleanly and discards itself when it closes with an error); ``work`` writes them. Opening,
    committing and discarding are each whole under Ctrl-C and SIGTERM: an interrupted run
    leaves no temporary file, and the earlier files as they were."""
    outputs = ExitStack()
    try:
        with CtrlC() as ctrl_c:
            held = ctrl_c.held()
            try:
                with held:
                    files = open_files(outputs)
                work(files)
            except BaseException as exc:
                with held:
                    outputs.__exit__(type(exc), exc, exc.__traceback__)
                raise
            with held:
                outputs.close()  # committed in reverse order of opening
    except BaseException as exc:
        outputs.__exit__(type(exc), exc, exc.__traceback__)  # a signal before the held exit
        raise
