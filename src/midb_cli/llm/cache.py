"""The persistent result cache: a rerun never pays twice for the same generation.

One SQLite file (WAL mode) maps a request key, the hash of everything that decides the answer
(model, messages as sent, sampling parameters, structured-output constraint), to the model's
text, finish reason, token counts and the outcome it led to. Every answer is committed as it arrives
(``batch_size`` 1), so a kill -9 loses at most the answers still in flight,
which are then simply generated again. Answers that could not be stored (a full disk) are
counted in ``write_errors`` and reported at the end of the run.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from midb_cli import jsonio
from midb_cli.errors import UsageError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    finish_reason TEXT,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    created REAL NOT NULL
)
"""


@dataclass(frozen=True, slots=True)
class CachedResult:
    text: str
    finish_reason: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    status: str  # the outcome this answer led to: boosted | unchanged | fallback
    reason: str


def default_cache_path() -> Path:
    """$XDG_CACHE_HOME/midb/results.sqlite, else ~/.cache/midb/results.sqlite: outside the
    output's folder, so deleting an output keeps the answers already paid for."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "midb" / "results.sqlite"


def request_key(model: str, messages: Iterable[dict[str, str]], params: dict[str, Any]) -> str:
    """A stable hash of one request: model identity, messages as sent, sampling parameters."""
    material = jsonio.dumps({"model": model, "messages": list(messages), "params": params})
    return hashlib.sha256(material).hexdigest()


class ResultCache:
    def __init__(self, path: str | Path, batch_size: int = 1, max_delay: float = 2.0) -> None:
        """``batch_size`` 1 commits every answer (about 40 µs in WAL mode): after a kill -9
        only the requests that were in flight are asked again."""
        self.path = Path(path).expanduser()
        self.batch_size = batch_size
        self.max_delay = max_delay
        self.hits = 0
        self.misses = 0
        self.write_errors = 0
        self.last_write_error = ""
        self._pending: list[tuple[Any, ...]] = []
        self._last_commit = time.monotonic()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path), isolation_level=None, timeout=30.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a committed transaction survives a process kill (not a power
            # cut, which would at worst cost a regeneration).
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
        except sqlite3.Error as exc:
            raise UsageError(f"--cache: cannot open {self.path}: {exc}") from None

    def get(self, key: str) -> CachedResult | None:
        result = self._lookup(key)
        if result is None:
            self.misses += 1
        else:
            self.hits += 1
        return result

    def _lookup(self, key: str) -> CachedResult | None:
        row = self._db.execute(
            "SELECT text, finish_reason, prompt_tokens, completion_tokens, status, reason "
            "FROM results WHERE key = ?",
            (key,),
        ).fetchone()
        if row is None:
            # An answer still waiting in the batch is as good as a stored one.
            for pending in reversed(self._pending):
                if pending[0] == key:
                    row = pending[1:7]
                    break
        return None if row is None else CachedResult(*row)

    def put(self, key: str, result: CachedResult) -> None:
        self._pending.append(
            (
                key,
                result.text,
                result.finish_reason,
                result.prompt_tokens,
                result.completion_tokens,
                result.status,
                result.reason,
                time.time(),
            )
        )
        if (
            len(self._pending) >= self.batch_size
            or time.monotonic() - self._last_commit >= self.max_delay
        ):
            self.flush()

    def mark_fallback(self, key: str, reason: str) -> None:
        """Record that an answer was refused later (by a guard): it counts as a fallback."""
        for i, pending in enumerate(self._pending):
            if pending[0] == key:
                self._pending[i] = (*pending[:5], "fallback", reason, pending[7])
                return
        cached = self._lookup(key)
        if cached is not None:
            self.put(key, replace(cached, status="fallback", reason=reason))

    def flush(self) -> None:
        self._last_commit = time.monotonic()
        if not self._pending:
            return
        rows, self._pending = self._pending, []
        try:
            with self._db:
                self._db.execute("BEGIN")
                self._db.executemany(
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows
                )
        except sqlite3.Error as exc:
            # A full disk or a locked file must not stop the run: the answers were used,
            # only their reuse is lost. The run's summary says so.
            self.write_errors += len(rows)
            self.last_write_error = str(exc)

    def __len__(self) -> int:
        self.flush()
        return int(self._db.execute("SELECT COUNT(*) FROM results").fetchone()[0])

    def close(self) -> None:
        self.flush()
        self._db.close()
