"""A decoded language model kept in the user cache dir, used only while it is valid.

One file per model: ``<cache>/midb/langid/py3langid-<hash of the key>.bin`` holding a magic
line, a JSON header (the key, each array's dtype, shape and offset, a CRC-32 of the payload) and
the raw arrays. The key names everything the decoded arrays depend on (this format, the library
version, the model file's path, size and mtime, the languages kept), so a changed model or
upgrade makes a new file. Written to a temporary file in the same folder and renamed into place
(readers see a whole file or none); read back only when magic, key, size and checksum all match.
Any problem makes the cache a miss: the caller decodes the model as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

FORMAT = 1
MAGIC = b"midb-langid-cache\n"
_ALIGN = 64
_PREFIX = "py3langid-"
#: another copy not rewritten for this long is taken to be unused, and removed
STALE_SECONDS = 7 * 24 * 3600


def default_cache_dir() -> Path | None:
    """$XDG_CACHE_HOME/midb/langid, else ~/.cache/midb/langid (None without a home)."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):
            return None
    return Path(base) / "midb" / "langid"


def cache_key(model: Path, version: str, langs: Sequence[str]) -> dict[str, Any]:
    try:
        stat = model.stat()
        size, mtime = stat.st_size, stat.st_mtime_ns
    except OSError:
        size, mtime = -1, -1
    return {
        "format": FORMAT,
        "library": "py3langid",
        "version": version,
        "model": str(model),
        "size": size,
        "mtime_ns": mtime,
        "langs": sorted(langs),
    }


def _file_for(folder: Path, key: Mapping[str, Any]) -> Path:
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:20]
    return folder / f"{_PREFIX}{digest}.bin"


def _aligned(n: int) -> int:
    return -(-n // _ALIGN) * _ALIGN


def write(folder: Path, key: Mapping[str, Any], arrays: Mapping[str, npt.NDArray[Any]]) -> bool:
    """Store ``arrays`` under ``key``; False (and nothing left behind) when that fails."""
    target = _file_for(folder, key)
    layout: dict[str, Any] = {}
    pieces: list[bytes | memoryview] = []  # the body: each array, then zeros up to alignment
    offset = 0
    for name, array in arrays.items():
        data = np.ascontiguousarray(array).reshape(-1).view(np.uint8).data
        layout[name] = {"dtype": array.dtype.str, "shape": list(array.shape), "offset": offset}
        end = offset + len(data)
        offset = _aligned(end)
        pieces += [data, bytes(offset - end)]
    crc = 0
    for piece in pieces:
        crc = zlib.crc32(piece, crc)
    header = json.dumps(
        {"key": dict(key), "arrays": layout, "size": offset, "crc32": crc}, sort_keys=True
    ).encode()
    head = MAGIC + f"{len(header)}\n".encode() + header
    head += bytes(_aligned(len(head)) - len(head))
    tmp_name = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=target.name + ".", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as out:
            # no fsync: a file a crash left empty or short fails the size or checksum test
            out.write(head)
            for piece in pieces:
                out.write(piece)
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError:
        return False
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    _remove_stale(folder, keep=target)
    return True


def _remove_stale(folder: Path, keep: Path) -> None:
    """Other decoded copies (~44 MB each) not written for ``STALE_SECONDS``. A recent one may
    belong to another environment in use (another py3langid, another model path): removing it
    would make the two rewrite their copies on every run."""
    cutoff = time.time() - STALE_SECONDS
    with contextlib.suppress(OSError):
        for path in folder.glob(f"{_PREFIX}*.bin"):
            with contextlib.suppress(OSError):
                if path != keep and path.stat().st_mtime < cutoff:
                    path.unlink(missing_ok=True)


def read(folder: Path, key: Mapping[str, Any]) -> dict[str, npt.NDArray[Any]] | None:
    """The arrays stored under ``key`` (read-only views of one buffer), or None."""
    try:
        raw = _file_for(folder, key).read_bytes()
    except OSError:
        return None
    if not raw.startswith(MAGIC):
        return None
    try:
        line_end = raw.index(b"\n", len(MAGIC))
        header_len = int(raw[len(MAGIC) : line_end])
        header = json.loads(raw[line_end + 1 : line_end + 1 + header_len])
        start = _aligned(line_end + 1 + header_len)
        body = memoryview(raw)[start:]
        if header["key"] != dict(key) or header["size"] != len(body):
            return None
        if zlib.crc32(body) != header["crc32"]:
            return None
        arrays: dict[str, npt.NDArray[Any]] = {}
        for name, spec in header["arrays"].items():
            dtype = np.dtype(spec["dtype"])
            count = int(np.prod(spec["shape"], dtype=np.int64))
            flat = np.frombuffer(body, dtype=dtype, count=count, offset=spec["offset"])
            arrays[name] = flat.reshape(spec["shape"])
    except (ValueError, KeyError, TypeError):
        return None
    return arrays
