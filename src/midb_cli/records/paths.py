"""One check for every command: no file a command writes may be a file it reads, and no two
of its outputs may be one file (``--report in.jsonl`` must never overwrite the input)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from midb_cli.errors import UsageError


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """True when both paths name one file (also through links); False if either is missing."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def refuse_clashes(writes: Mapping[str, str | None], reads: Iterable[str | None]) -> None:
    """``writes`` maps a flag (``-o``, ``--report`` ...) to the path it writes; ``reads`` are the
    inputs. Raises ``UsageError`` naming both flags when two of them are one file."""
    inputs = [p for p in reads if p and p != "-"]
    outputs = [(flag, p) for flag, p in writes.items() if p and p != "-"]
    for flag, path in outputs:
        if os.path.isdir(path):
            raise UsageError(f"{flag} {path} is a directory; give a file path")
        for source in inputs:
            if same_file(path, source):
                raise UsageError(f"{flag} {path} is the input file; choose another path")
    for i, (flag, path) in enumerate(outputs):
        for other_flag, other in outputs[i + 1 :]:
            if same_file(path, other):
                raise UsageError(f"{flag} and {other_flag} are the same file ({path})")


def ensure_parent(path: str | os.PathLike[str]) -> None:
    """Create the folder ``path`` goes in; a clear error when a file stands in the way."""
    from pathlib import Path

    from midb_cli.errors import InputError

    parent = Path(path).parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        blocker = next((p for p in [parent, *parent.parents] if p.is_file()), parent)
        raise InputError(f"{path}: {blocker} is a file, not a folder") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot create its folder: {exc.strerror}") from None
