"""One run per output: an advisory lock beside the file a run owns.

``OUT.lock`` is held with ``flock`` for the whole run and holds the owner's pid, so a second run
on the same output refuses at once and names the other process. The kernel drops the lock when
its process dies, kill -9 included, so a stale lock file never blocks a rerun.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from midb_cli.errors import InputError
from midb_cli.records.paths import ensure_parent


class OutputLock:
    def __init__(self, target: str | os.PathLike[str]) -> None:
        self.target = Path(target)
        self.path = self.target.with_name(self.target.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        ensure_parent(self.path)
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            except OSError as exc:
                raise InputError(
                    f"{self.target}: cannot write here (its lock {self.path.name}: {exc.strerror})"
                ) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                owner = _read_owner(fd)
                os.close(fd)
                raise InputError(
                    f"{self.target} is being written by another midb run{owner}; wait for it "
                    "to finish, or choose another output"
                ) from None
            # The previous owner may have removed the file between our open and our lock: then
            # we hold a lock on a deleted file; start again on the current one.
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self._fd)  # closing drops the flock
            self._fd = None

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_owner(fd: int) -> str:
    try:
        pid = os.pread(fd, 32, 0).decode().strip()
    except OSError:
        return ""
    return f" (pid {pid})" if pid.isdigit() else ""
