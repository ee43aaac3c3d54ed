"""`midb score` on a real HTTP scorer, then `midb select --by score`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from judge_server import JudgeServer
from midb_cli.cli.main import app
from midb_cli.errors import EngineError, UsageError
from midb_cli.judge.scoring import parse_score

SCORES = {"de": ["5", "4.5", "3", "none"], "fr": ["4", "4.5", "2.5", "7"]}


@pytest.mark.parametrize(
    ("text", "score"),
    [("4.5\nGood.", 4.5), ("Score: 4", 4.0), ("**3.5**/5", 3.5), ("4,5", 4.5), ("0", 0.0),
     ("7", None), ("4/10", None), ("It is good. 5", None), ("", None)],
)  # fmt: skip
def test_parse_score(text: str, score: float | None) -> None:
    assert parse_score(text).score == score


def write_input(tmp_path: Path) -> Path:
    src = tmp_path / "in.jsonl"
    rows = []
    for lang, scores in SCORES.items():
        for i, value in enumerate(scores):
            rid = f"{lang}-{i}"
            rows.append(
                {"id": rid, "instruction": f"score={value} {rid}", "input": "", "output": "x",
                 "keep": {"n": i}, "midb": {"id": rid, "lang": lang, "status": "boosted"}}
            )  # fmt: skip
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return src


def test_scores_stats_and_select_by_score(tmp_path: Path) -> None:
    src, out = write_input(tmp_path), tmp_path / "scored.jsonl"
    with JudgeServer() as server:
        result = CliRunner().invoke(
            app,
            ["score", str(src), "-o", str(out), "--api-base", server.url, "--model", "m",
             "--cache", str(tmp_path / "c.sqlite"), "--json"],
        )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    de, fr = doc["languages"]["de"], doc["languages"]["fr"]
    assert (de["scored"], de["missing"], de["high"]) == (3, 1, 2)
    assert de["mean"] == pytest.approx((5 + 4.5 + 3) / 3)
    assert de["high_share"] == pytest.approx(2 / 3)
    assert (fr["scored"], fr["missing"], fr["high"]) == (3, 1, 1)  # 7 is out of range: missing
    assert fr["mean"] == pytest.approx(11 / 3)
    records = [json.loads(x) for x in out.read_text().splitlines()]
    assert [r["id"] for r in records] == [f"{k}-{i}" for k in SCORES for i in range(4)]
    assert [r["midb"]["score"] for r in records] == [5, 4.5, 3, None, 4, 4.5, 2.5, None]
    assert records[3]["midb"]["score_reason"].startswith("parse:")
    assert records[0]["keep"] == {"n": 0} and records[0]["midb"]["status"] == "boosted"

    good = tmp_path / "good.jsonl"
    sel = CliRunner().invoke(
        app, ["select", str(out), "--by", "score", "--min", "4.5", "-o", str(good)]
    )
    assert sel.exit_code == 0, sel.stderr
    assert [json.loads(x)["id"] for x in good.read_text().splitlines()] == ["de-0", "de-1", "fr-1"]
    top = tmp_path / "top.jsonl"
    sel = CliRunner().invoke(
        app, ["select", str(out), "--by", "score", "--top", "2", "-o", str(top)]
    )
    assert sel.exit_code == 0, sel.stderr
    # ties at the cut-off (4.5) are taken in input order
    assert [json.loads(x)["id"] for x in top.read_text().splitlines()] == ["de-0", "de-1"]


def test_rerun_resumes_with_the_same_statistics(tmp_path: Path) -> None:
    src, out = write_input(tmp_path), tmp_path / "scored.jsonl"
    args = ["score", str(src), "-o", str(out), "--model", "m", "--no-cache", "--json"]
    with JudgeServer() as server:
        first = CliRunner().invoke(app, [*args, "--api-base", server.url])
        asked = server.served
        second = CliRunner().invoke(app, [*args, "--api-base", server.url])
        assert server.served == asked
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert b["resumed"] == 8 and a["languages"] == b["languages"]


def test_min_needs_by_score(tmp_path: Path) -> None:
    src = write_input(tmp_path)
    res = CliRunner().invoke(app, ["select", str(src), "--min", "4", "-o", str(tmp_path / "o")])
    assert isinstance(res.exception, UsageError)
    assert "--min needs --by score" in str(res.exception)


def _flaky_input(tmp_path: Path) -> Path:
    """Six records; the scorer fails the second and the fifth while it is flaky."""
    src = tmp_path / "flaky.jsonl"
    values = ["5", "flaky", "3", "4.5", "flaky", "2"]
    rows = [
        {"id": f"r{i}", "instruction": f"score={v} r{i}", "input": "", "output": "x", "n": i}
        for i, v in enumerate(values)
    ]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return src


def _score_args(src: Path, out: Path) -> list[str]:
    """One request per record, no retry and no cache: a failed request stays failed."""
    return ["score", str(src), "-o", str(out), "--model", "m", "--no-cache", "--max-retries",
            "0", "--json"]  # fmt: skip


def test_a_rerun_asks_again_for_the_records_whose_request_failed(tmp_path: Path) -> None:
    src, out = _flaky_input(tmp_path), tmp_path / "scored.jsonl"
    args = _score_args(src, out)
    with JudgeServer() as server:
        server.flaky = True
        first = CliRunner().invoke(app, [*args, "--api-base", server.url])
        assert first.exit_code == 0, first.stderr
        assert json.loads(first.stdout)["errors"] == 2
        before = out.read_bytes().splitlines(keepends=True)
        assert [json.loads(x)["midb"]["score"] for x in before] == [5, None, 3, 4.5, None, 2]
        assert json.loads(before[1])["midb"]["score_reason"].startswith("error: HTTP 400")

        server.flaky = False
        served = server.served
        second = CliRunner().invoke(app, [*args, "--api-base", server.url])
        assert second.exit_code == 0, second.stderr
        assert server.served - served == 2  # only the two that failed were asked again
    doc = json.loads(second.stdout)
    assert (doc["retried"], doc["resumed"], doc["written"], doc["errors"]) == (2, 4, 2, 0)
    assert doc["total"]["scored"] == 6
    after = out.read_bytes().splitlines(keepends=True)
    assert [json.loads(x)["midb"]["score"] for x in after] == [5, 4, 3, 4.5, 4, 2]
    for i in (0, 2, 3, 5):  # the records scored the first time: their lines as they were
        assert after[i] == before[i]
    assert not (tmp_path / "scored.jsonl.retrying").exists()

    third = CliRunner().invoke(app, [*args, "--api-base", "http://127.0.0.1:9/v1"])
    assert third.exit_code == 0, third.stderr  # nothing left to ask: no request at all
    assert json.loads(third.stdout)["resumed"] == 6
    assert out.read_bytes().splitlines(keepends=True) == after


def test_a_retry_pass_stopped_by_the_server_resumes(tmp_path: Path) -> None:
    src, out = _flaky_input(tmp_path), tmp_path / "scored.jsonl"
    args = _score_args(src, out)
    with JudgeServer() as server:
        server.flaky = True
        assert CliRunner().invoke(app, [*args, "--api-base", server.url]).exit_code == 0
    before = out.read_bytes()
    pending = tmp_path / "scored.jsonl.retrying"
    # The server is gone: the run stops before any request (exit 4), OUT as it was.
    dead = CliRunner().invoke(app, [*args, "--api-base", server.url])
    assert isinstance(dead.exception, EngineError), dead.output  # exit 4 from `midb`
    assert out.read_bytes() == before
    with JudgeServer() as server:
        # ... it refuses the key: the pass stops at the first record it asks again, having
        # rebuilt the one before it
        server.refuse = True
        refused = CliRunner().invoke(app, [*args, "--api-base", server.url])
        assert isinstance(refused.exception, EngineError), refused.output
        assert out.read_bytes() == before
        assert pending.read_bytes() == before.splitlines(keepends=True)[0]
        server.refuse = False
        served = server.served
        again = CliRunner().invoke(app, [*args, "--api-base", server.url])
        assert again.exit_code == 0, again.stderr
        assert server.served - served == 2
    assert not pending.exists()
    scores = [json.loads(x)["midb"]["score"] for x in out.read_text().splitlines()]
    assert scores == [5, 4, 3, 4.5, 4, 2]


def test_no_retry_errors_keeps_the_failed_records(tmp_path: Path) -> None:
    src, out = _flaky_input(tmp_path), tmp_path / "scored.jsonl"
    args = _score_args(src, out)
    with JudgeServer() as server:
        server.flaky = True
        CliRunner().invoke(app, [*args, "--api-base", server.url])
        before = out.read_bytes()
        server.flaky = False
        kept = CliRunner().invoke(app, [*args, "--api-base", server.url, "--no-retry-errors"])
        assert kept.exit_code == 0, kept.stderr
        assert server.served == 6
    assert json.loads(kept.stdout)["errors"] == 2
    assert out.read_bytes() == before


@pytest.mark.parametrize("name", ["scored.json", "scored.parquet", "scored.PQ"])
@pytest.mark.parametrize("command", ["score", "judge"])
def test_an_output_that_cannot_resume_is_refused_before_any_request(
    tmp_path: Path, command: str, name: str
) -> None:
    # JSON Lines under a .json or Parquet name would be unreadable as what it claims to be
    src = write_input(tmp_path)
    inputs = [str(src)] if command == "score" else [str(src), str(src)]
    args = [command, *inputs, "-o", str(tmp_path / name), "--api-base", "http://127.0.0.1:9/v1"]
    result = CliRunner().invoke(app, [*args, "--model", "m"])
    # (the console entry point turns a UsageError into `Error: ...` and exit 2)
    assert isinstance(result.exception, UsageError), result.output
    assert "X.jsonl" in str(result.exception)
    assert not (tmp_path / name).exists()
