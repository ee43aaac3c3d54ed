"""kill -9 during `midb judge`, then the same command: finished pairs are kept, what was in
flight is asked again, the numbers equal those of an uninterrupted run. The kill happens on
observed progress (lines in the judgments file while the server holds later requests), never
after a sleep."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from judge_server import JudgeServer

DATA = Path(__file__).parent / "data" / "judge" / "boosted.jsonl"


def command(server: JudgeServer, src: Path, out: Path, cache: Path) -> list[str]:
    return [
        sys.executable, "-m", "midb_cli", "judge", str(src), "--api-base", server.url,
        "--model", "judge", "--concurrency", "4", "--cache", str(cache), "-o", str(out), "--json",
    ]  # fmt: skip


def lines_in(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_kill_9_then_resume(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    rows = DATA.read_text(encoding="utf-8").splitlines()
    many = []
    for k in range(5):  # 60 pairs
        for row in rows:
            obj = json.loads(row)
            obj["id"] = obj["midb"]["id"] = f"{obj['id']}-{k}"
            obj["instruction"] += f" copy {k}"  # distinct prompts: no cache hit between copies
            obj["midb"]["original"]["instruction"] = obj["instruction"]
            many.append(json.dumps(obj, ensure_ascii=False))
    src.write_text("\n".join(many) + "\n", encoding="utf-8")
    out, cache = tmp_path / "judgments.jsonl", tmp_path / "cache.sqlite"
    with JudgeServer(free=40) as server:  # 40 requests answered, then the server holds
        proc = subprocess.Popen(command(server, src, out, cache), stdout=subprocess.PIPE)
        # Wait on progress: 40 answers, then 4 requests held in flight; of those 40 answers
        # at least 18 pairs are complete (the 4 held requests touch at most 4 pairs).
        while (server.served < 44 or lines_in(out) < 18) and proc.poll() is None:
            server.gate.wait(0.01)  # a poll interval, not a deadline
        assert proc.poll() is None, "the run ended before the kill"
        proc.send_signal(signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL
        kept = lines_in(out)
        assert 18 <= kept <= 20
        asked_before = server.served
        server.free = None
        server.gate.set()
        done = subprocess.run(command(server, src, out, cache), capture_output=True, check=False)
        assert done.returncode == 0, done.stderr
        resumed = json.loads(done.stdout)
        # 40 answers were cached before the kill: the rerun asks for the other 80, plus at
        # most the 4 requests in flight whose answers had not reached the cache
        assert 80 <= server.served - asked_before <= 84
        assert resumed["resumed"] == kept
        ids = [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()]
        assert sorted(ids) == sorted(json.loads(r)["id"] for r in many)
        clean = subprocess.run(
            command(server, src, tmp_path / "clean.jsonl", tmp_path / "c2.sqlite"),
            capture_output=True,
            check=False,
        )
    fresh = json.loads(clean.stdout)
    for key in ("judged", "missing", "languages", "total"):
        assert resumed[key] == fresh[key]
    assert resumed["total"]["n"] == 55 and resumed["total"]["missing"] == 5
