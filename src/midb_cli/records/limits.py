"""The per-record size limit, and a line reader that keeps to it.

Checks, language ID and distances cost about 30 times a record's size in memory (a 50 MB record
took 1.5-1.8 GB in ``boost``/``stats``), so a record over ``MAX_RECORD_BYTES`` (16 MiB, about
0.5 GB of working memory; real instruction pairs are a few kB) is a reject naming its line and the
limit, read past without being held in memory. ``MIDB_MAX_RECORD_BYTES`` overrides it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import IO

from midb_cli.errors import UsageError

MAX_RECORD_BYTES = 16 << 20
LIMIT_ENV = "MIDB_MAX_RECORD_BYTES"
#: how much of an over-long record a reject keeps: one byte over what ``Reject.to_json``
#: writes, so it marks the raw text as truncated
RAW_KEEP_BYTES = (1 << 20) + 1
_READ = 1 << 20


def max_record_bytes() -> int:
    """The limit in force: ``MIDB_MAX_RECORD_BYTES`` when set, else ``MAX_RECORD_BYTES``."""
    value = os.environ.get(LIMIT_ENV, "").strip()
    if not value:
        return MAX_RECORD_BYTES
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if limit <= 0:
        raise UsageError(f"{LIMIT_ENV}={value!r}: expected a positive number of bytes")
    return limit


def too_large_reason(limit: int) -> str:
    return f"record larger than the limit of {limit:,} bytes (set {LIMIT_ENV} to raise it)"


def bounded_lines(fh: IO[bytes], limit: int) -> Iterator[tuple[int, bytes, bool]]:
    """``(line number, bytes, too_large)`` per line. A line over ``limit`` bytes (line end not
    counted) is read past in 1 MiB pieces; only its first ``RAW_KEEP_BYTES`` are kept."""
    number = 0
    while True:
        raw = fh.readline(limit + 2)  # + room for CRLF
        if not raw:
            return
        number += 1
        if len(raw) <= limit or len(raw.rstrip(b"\r\n")) <= limit:
            yield number, raw, False
            continue
        head = raw[:RAW_KEEP_BYTES]
        while not raw.endswith(b"\n"):
            raw = fh.readline(_READ)
            if not raw:
                break
        yield number, head, True
