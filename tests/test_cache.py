"""The SQLite result cache: keys, hits and misses, batched commits, survival across processes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from midb_cli.llm.cache import CachedResult, ResultCache, default_cache_path, request_key

MESSAGES = [{"role": "user", "content": "<|instruction|>a\n<|input|>\n<|response|>b"}]
PARAMS = {"temperature": 0.95, "top_p": 0.7, "top_k": 50, "max_tokens": 1024, "seed": 0}


def result(text: str = "answer", status: str = "boosted", reason: str = "") -> CachedResult:
    return CachedResult(text, "stop", 10, 20, status, reason)


def test_key_depends_on_model_messages_and_every_parameter() -> None:
    base = request_key("openai:booster:", MESSAGES, PARAMS)
    assert base == request_key("openai:booster:", [dict(m) for m in MESSAGES], dict(PARAMS))
    assert base != request_key("openai:other:", MESSAGES, PARAMS)
    assert base != request_key("openai:booster:", [{"role": "user", "content": "x"}], PARAMS)
    for name, value in (("temperature", 0.5), ("max_tokens", 10), ("seed", 1)):
        assert base != request_key("openai:booster:", MESSAGES, {**PARAMS, name: value})
    assert base != request_key(
        "openai:booster:", MESSAGES, {**PARAMS, "structured": {"regex": "."}}
    )


def test_miss_then_hit_and_pending_answers_are_visible(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "c.sqlite", batch_size=100)
    assert cache.get("k") is None
    cache.put("k", result())
    assert cache.get("k") == result()  # not committed yet, still found
    assert (cache.hits, cache.misses) == (1, 1)
    cache.close()
    reopened = ResultCache(tmp_path / "c.sqlite")
    assert reopened.get("k") == result()
    assert len(reopened) == 1
    reopened.close()


def test_fallbacks_are_stored_with_their_reason(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "c.sqlite")
    cache.put("k", result("no tags here", "fallback", "parse:no tags"))
    cache.put("k", result("better", "boosted"))  # a regeneration replaces it
    cache.close()
    cache = ResultCache(tmp_path / "c.sqlite")
    assert cache.get("k") == result("better", "boosted")
    cache.close()


def test_batches_commit_without_close_and_survive_kill_9(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite"
    script = (
        "import os, signal, sys\n"
        "from midb_cli.llm.cache import CachedResult, ResultCache\n"
        f"cache = ResultCache({str(path)!r}, batch_size=10, max_delay=1000)\n"
        "for i in range(25):\n"
        "    cache.put(f'k{i}', CachedResult(f't{i}', 'stop', 1, 2, 'boosted', ''))\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], check=False)
    assert proc.returncode == -signal.SIGKILL
    cache = ResultCache(path)
    # two full batches were committed; the last 5 answers were lost and will be regenerated
    assert len(cache) == 20
    assert cache.get("k19") is not None and cache.get("k20") is None
    cache.close()


def test_wal_mode(tmp_path: Path) -> None:
    ResultCache(tmp_path / "c.sqlite").close()
    with sqlite3.connect(tmp_path / "c.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_default_location_is_the_user_cache_dir(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_path() == tmp_path / "midb" / "results.sqlite"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_path() == Path(os.path.expanduser("~")) / ".cache/midb/results.sqlite"
