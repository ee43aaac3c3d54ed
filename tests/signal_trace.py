"""A real SIGINT at a chosen bytecode of a run: the trace only decides when the signal is
sent; midb's own handler receives it (nothing of midb is replaced). Used by the every-step
tests (test_boost_signals.py, test_commands_signals.py)."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from types import FrameType
from typing import Any


def interrupted_at(k: int, files: set[str], run: Callable[[], object]) -> KeyboardInterrupt | None:
    """Run with a SIGINT sent at the k-th bytecode run in ``files``; the interrupt it raised
    (None: the run finished, k is past its last step)."""
    steps = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal steps
        if event == "opcode":
            steps += 1
            if steps == k:
                signal.raise_signal(signal.SIGINT)
        return local

    def calls(frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename not in files:
            return None
        frame.f_trace_opcodes = True
        return local

    previous = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.settrace(calls)
    try:
        run()
    except KeyboardInterrupt as exc:
        return exc
    finally:
        sys.settrace(None)
        signal.signal(signal.SIGINT, previous)
    return None
