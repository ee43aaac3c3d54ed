"""`midb judge` and `midb score` against a server that refuses the key or cannot be reached: a
real process against a real HTTP server on 127.0.0.1. Either stops the run at once with exit 4
(as `midb boost` does), never prints the key, and writes no failed verdict."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from chat_server import ChatServer, chat_answer, running

BOOSTED = Path(__file__).parent / "data" / "judge" / "boosted.jsonl"
SECRET = "sk-test-judge-0123456789"


def scoring_input(path: Path) -> Path:
    rows = [
        {"id": f"r{i}", "instruction": f"score=4 r{i}", "input": "", "output": "x"}
        for i in range(40)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def midb(
    command: str, src: Path, out: Path, url: str, tmp: Path
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "xdg"), "JUDGE_KEY": SECRET}
    args = [command, str(src), "-o", str(out), "--engine", "openai", "--api-base", url]
    args += ["--model", "judge", "--api-key-env", "JUDGE_KEY", "--no-cache", "--max-retries", "0"]
    return subprocess.run(
        [sys.executable, "-m", "midb_cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


def closed_port() -> str:
    """The address of a port nothing listens on (bound, then closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def inputs(command: str, tmp: Path) -> Path:
    return BOOSTED if command == "judge" else scoring_input(tmp / "in.jsonl")


def written(out: Path) -> list[dict[str, object]]:
    if not out.exists():
        return []
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("command", ["judge", "score"])
def test_a_refused_key_stops_with_exit_4_and_is_never_printed(tmp_path: Path, command: str) -> None:
    def refuse(headers: dict[str, str]) -> tuple[int, bytes]:
        echo = {"error": {"message": f"invalid key: {headers.get('authorization', '')}"}}
        return 401, json.dumps(echo).encode()

    out = tmp_path / "out.jsonl"
    with running(ChatServer(reply=refuse)) as server:
        result = midb(command, inputs(command, tmp_path), out, server.url, tmp_path)
    assert result.returncode == 4, result.stderr
    assert "HTTP 401" in result.stderr and "Traceback" not in result.stderr
    assert SECRET not in result.stderr + result.stdout
    assert not any("error" in json.dumps(row) for row in written(out))


@pytest.mark.parametrize("command", ["judge", "score"])
def test_a_server_that_cannot_be_reached_stops_with_exit_4(tmp_path: Path, command: str) -> None:
    out = tmp_path / "out.jsonl"
    result = midb(command, inputs(command, tmp_path), out, closed_port(), tmp_path)
    assert result.returncode == 4, result.stderr
    assert "Error:" in result.stderr and "Traceback" not in result.stderr
    assert written(out) == []  # no record scored or judged as failed


def test_score_stopped_mid_run_resumes_every_record_once_in_order(tmp_path: Path) -> None:
    """The server answers 12 requests, then fails every one (as a server that went away or a
    revoked key): the run stops with exit 4 having written real scores only; the same command
    against a working server scores the rest, each record exactly once, in input order."""
    src, out = scoring_input(tmp_path / "in.jsonl"), tmp_path / "out.jsonl"
    answered = 0

    def then_refuse(headers: dict[str, str]) -> tuple[int, bytes]:
        nonlocal answered
        answered += 1
        if answered <= 12:
            return 200, chat_answer("4\nGood enough.")
        return 401, json.dumps({"error": {"message": "key revoked"}}).encode()

    with running(ChatServer(reply=then_refuse)) as server:
        first = midb("score", src, out, server.url, tmp_path)
    assert first.returncode == 4, first.stderr
    done = written(out)
    assert len(done) <= 12 and all(row["midb"]["score"] == 4 for row in done)  # type: ignore[index]
    with running(ChatServer(reply=lambda _: (200, chat_answer("4\nGood enough.")))) as server:
        second = midb("score", src, out, server.url, tmp_path)
    assert second.returncode == 0, second.stderr
    rows = written(out)
    assert [row["id"] for row in rows] == [f"r{i}" for i in range(40)]
    assert all(row["midb"]["score"] == 4 for row in rows)  # type: ignore[index]


@pytest.mark.parametrize("command", ["judge", "score"])
def test_a_run_refused_by_another_runs_lock_leaves_that_runs_file(
    tmp_path: Path, command: str
) -> None:
    """Another run holds OUT (still empty: it has written nothing yet): this run is refused
    (exit 3) and must not remove the file the other run is writing into."""
    from midb_cli.records.lock import OutputLock

    out = tmp_path / "out.jsonl"
    out.touch()
    with OutputLock(out), running(ChatServer()) as server:
        result = midb(command, inputs(command, tmp_path), out, server.url, tmp_path)
        assert result.returncode == 3, result.stderr
        assert "being written by another midb run" in result.stderr
        assert out.exists()
