"""File helpers for written outputs."""

from __future__ import annotations

import contextlib
import os


def make_readable(path: str | os.PathLike[str]) -> None:
    """Give a finished output the usual permissions (0666 less the umask): the atomic writer's
    temporary file is created 0600, which would surprise anyone sharing a report."""
    umask = os.umask(0)
    os.umask(umask)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o666 & ~umask)
