"""Writing records safely: atomic whole-file writes, and a rejects file.

Outputs that are produced in one go (``midb select``, reports) are written to a temporary file
beside the target and renamed over it at the end, so a crash never leaves half a file behind.
The resumable boost output has its own append-and-resume writer (``midb_cli.boost``).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from midb_cli.errors import InputError
from midb_cli.jsonio import dumps_line
from midb_cli.records.paths import ensure_parent
from midb_cli.records.reader import Reject


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """Write to a temporary file in the target's folder; rename over ``path`` on success."""
    target = Path(path)
    ensure_parent(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:  # (name the file asked for, not the temporary one)
        raise InputError(f"{target}: cannot write: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600 files; give the result the permissions a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        try:
            os.replace(tmp, target)
        except OSError as exc:
            raise InputError(f"{target}: cannot write: {exc.strerror}") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class RejectsWriter:
    """Appends rejects as JSONL (``{"path", "line", "reason", "raw"}``); opens lazily, so no
    file appears when nothing is rejected."""

    def __init__(self, path: str | os.PathLike[str], *, append: bool = False) -> None:
        self.path = Path(path)
        self.append = append
        self.count = 0
        self._fh: IO[bytes] | None = None

    def write(self, reject: Reject, **extra: Any) -> None:
        if self._fh is None:
            ensure_parent(self.path)
            self._fh = open(self.path, "ab" if self.append else "wb")  # noqa: SIM115
        self._fh.write(dumps_line({**reject.to_json(), **extra}))
        self.count += 1

    def flush(self) -> None:
        if self._fh is not None:
            self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> RejectsWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
