"""`midb score` on a real HTTP scorer, then `midb select --by score`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from judge_server import JudgeServer
from midb_cli.cli.main import app
from midb_cli.errors import UsageError
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
