"""`midb judge`: the protocol and every metric against hand-computed values, on a real HTTP
judge server (tests/judge_server.py) with position bias and garbage, and the prompt byte for
byte."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from judge_server import JudgeServer
from midb_cli.cli.main import app
from midb_cli.judge.metrics import Tally, block, bootstrap_ci, rates
from midb_cli.judge.verdict import combine, order_outcome, parse_verdict
from midb_cli.llm.prompts import JUDGE_VARIABLES, load_prompt

DATA = Path(__file__).parent / "data" / "judge"
BOOSTED = DATA / "boosted.jsonl"

# MIDB's README prompt (REFERENCE §9): every line but the last ends with two spaces.
PROMPT_LINES = [
    "[System]",
    "Please act as an impartial judge and evaluate the quality of the responses provided by two "
    "AI assistants to the user question displayed below. You should choose the assistant that "
    "follows the user\u2019s instructions and answers the user\u2019s question better. Your "
    "evaluation should consider factors such as the helpfulness, relevance, accuracy, depth, "
    "creativity, and level of detail of their responses. Begin your evaluation by comparing the "
    "two responses and provide a short explanation. Avoid any position biases and ensure that the "
    "order in which the responses were presented does not influence your decision. Do not allow "
    "the length of the responses to influence your evaluation. Do not favor certain names of the "
    "assistants. Be as objective as possible. After providing your explanation, output your final "
    'verdict by strictly following this format: "[[1]]" if assistant A is better, "[[2]]" if '
    'assistant B is better, and "[[0]]" for a tie.',
    "[User Question]",
    "{question}",
    "[The Start of Assistant A\u2019s Answer]",
    "{answer_a}",
    "[The End of Assistant A\u2019s Answer]",
    "[The Start of Assistant B\u2019s Answer]",
    "{answer_b}",
    "[The End of Assistant B\u2019s Answer]",
]
PROMPT = "  \n".join(PROMPT_LINES)
PROMPT_SHA256 = "93cbc23378e4b9c2fa72e3c27d1a1ea8071fee45b6c1ae597e176d2a7e28a953"


def test_the_shipped_prompt_is_midbs_byte_for_byte() -> None:
    assert hashlib.sha256(PROMPT.encode()).hexdigest() == PROMPT_SHA256
    prompt = load_prompt("judge-midb", variables=JUDGE_VARIABLES)
    keep = {"question": "{question}", "answer_a": "{answer_a}", "answer_b": "{answer_b}"}
    messages = prompt.render_values(keep)
    assert messages == [{"role": "user", "content": PROMPT}]
    assert messages[0]["content"].encode() == PROMPT.encode()
    sent = prompt.render_values({"question": "Q", "answer_a": "A", "answer_b": "B"})
    assert sent[0]["content"] == PROMPT.replace("{question}", "Q").replace(
        "{answer_a}", "A"
    ).replace("{answer_b}", "B")


def test_the_mtbench_split_keeps_the_words() -> None:
    prompt = load_prompt("judge-mtbench", variables=JUDGE_VARIABLES)
    system, user = prompt.render_values({"question": "Q", "answer_a": "A", "answer_b": "B"})
    assert system == {"role": "system", "content": PROMPT_LINES[1]}
    assert user["content"] == "  \n".join(PROMPT_LINES[2:]).replace("{question}", "Q").replace(
        "{answer_a}", "A"
    ).replace("{answer_b}", "B")


def test_a_boost_prompt_is_refused_by_the_judge() -> None:
    from midb_cli.errors import UsageError

    with pytest.raises(UsageError, match="unknown template variable"):
        load_prompt("midb", variables=JUDGE_VARIABLES)


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("A is better. [[1]]", 1),
        ("[[2]]", 2),
        ("tie [[0]]", 0),
        ('I output "[[1]]" if A is better... Final: [[2]]', 2),
        ("[[ 1 ]]", 1),
        ("no verdict", None),
        ("[[3]]", None),
        ("[1]", None),
        ("", None),
    ],
)
def test_verdicts(text: str, verdict: int | None) -> None:
    assert parse_verdict(text) == verdict


@pytest.mark.parametrize(
    ("ab", "ba", "outcome"),
    [
        (2, 1, "win"),  # boosted better in both orders
        (2, 0, "win"),
        (0, 1, "win"),
        (1, 2, "loss"),
        (1, 0, "loss"),
        (0, 2, "loss"),
        (0, 0, "tie"),
        (1, 1, "tie"),  # position A both times: inconsistent
        (2, 2, "tie"),
        (None, 1, None),
        (2, None, None),
    ],
)
def test_both_orders_combine(ab: int | None, ba: int | None, outcome: str | None) -> None:
    assert combine(order_outcome("ab", ab), order_outcome("ba", ba)) == outcome


def test_rates_by_hand() -> None:
    assert rates(5, 3, 2) == {"wr1": 0.65, "wr2": 5 / 7, "qs": 0.8, "net": 0.3}
    assert rates(0, 4, 0) == {"wr1": 0.5, "wr2": None, "qs": 1.0, "net": 0.0}
    assert rates(0, 0, 0) == {"wr1": None, "wr2": None, "qs": None, "net": None}


def test_bootstrap_intervals_are_reproducible_and_sensible() -> None:
    tally = Tally(win=40, tie=30, loss=30)
    first = bootstrap_ci(tally, seed=7, group="de")
    assert first == bootstrap_ci(tally, seed=7, group="de")
    lo, hi = first["wr1"]
    assert lo < 0.55 < hi and hi - lo < 0.2  # SE of WR1 here is about 0.04
    lo, hi = first["net"]
    assert lo < 0.10 < hi
    assert bootstrap_ci(Tally(win=9), seed=1, group="x") == {"wr1": [1.0, 1.0], "net": [1.0, 1.0]}
    assert bootstrap_ci(Tally(missing=3), seed=1, group="x") == {"wr1": None, "net": None}
    wide = bootstrap_ci(Tally(win=4, tie=3, loss=3), seed=7, group="de")["wr1"]
    assert wide[1] - wide[0] > hi - lo


def judge_cli(server: JudgeServer, tmp_path: Path, *extra: str) -> tuple[int, str, str]:
    args = [
        "judge",
        str(BOOSTED),
        "--engine",
        "openai",
        "--api-base",
        server.url,
        "--model",
        "judge",
        "--cache",
        str(tmp_path / "cache.sqlite"),
        "-o",
        str(tmp_path / "judgments.jsonl"),
        *extra,
    ]
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.stdout, result.stderr


EXPECTED = {
    "de": {"n": 6, "win": 3, "tie": 2, "loss": 1, "missing": 1, "flips": 2},
    "fr": {"n": 5, "win": 1, "tie": 3, "loss": 1, "missing": 0, "flips": 3},
    "total": {"n": 11, "win": 4, "tie": 5, "loss": 2, "missing": 1, "flips": 5},
}


def test_every_count_and_metric_matches_the_protocol(tmp_path: Path) -> None:
    with JudgeServer() as server:
        code, out, err = judge_cli(server, tmp_path, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["schema_version"] == 1
    assert (doc["judged"], doc["missing"]) == (11, 1)
    blocks = {**doc["languages"], "total": doc["total"]}
    assert set(doc["languages"]) == {"de", "fr"}
    for name, want in EXPECTED.items():
        got = blocks[name]
        n, w, t, loss = want["n"], want["win"], want["tie"], want["loss"]
        assert {k: got[k] for k in ("n", "win", "tie", "loss", "missing")} == {
            k: want[k] for k in ("n", "win", "tie", "loss", "missing")
        }, name
        assert got["wr1"] == pytest.approx((w + t / 2) / n)
        assert got["wr2"] == pytest.approx(w / (w + loss))
        assert got["qs"] == pytest.approx((w + t) / n)
        assert got["net"] == pytest.approx((w - loss) / n)
        assert got["flip_rate"] == pytest.approx(want["flips"] / n)
        for metric in ("wr1", "net"):
            lo, hi = got["ci"][metric]
            assert lo <= got[metric] <= hi
        assert all(isinstance(got[k], int) for k in ("n", "win", "tie", "loss", "missing"))
    # both orders were asked exactly once for every pair
    assert len(server.asked) == 24 and set(server.asked.values()) == {1}
    lines = [json.loads(x) for x in (tmp_path / "judgments.jsonl").read_text().splitlines()]
    by_id = {x["id"]: x for x in lines}
    assert len(by_id) == 12
    assert by_id["de-5"]["outcome"] == "missing" and by_id["de-5"]["verdicts"] == [None, 1]
    assert by_id["de-4"]["outcome"] == "tie" and by_id["de-4"]["flip"] is True
    assert by_id["de-4"]["verdicts"] == [1, 1] and by_id["de-4"]["raw"][0].endswith("[[1]]")
    assert by_id["fr-11"]["lang"] == "fr"


def test_a_rerun_asks_nothing_and_gives_the_same_numbers(tmp_path: Path) -> None:
    with JudgeServer() as server:
        code, first, _ = judge_cli(server, tmp_path, "--json")
        assert code == 0
        asked = sum(server.asked.values())
        code2, second, _ = judge_cli(server, tmp_path, "--json")
        assert code2 == 0
        assert sum(server.asked.values()) == asked
    a, b = json.loads(first), json.loads(second)
    assert b["resumed"] == 12 and b["requests"] == 0
    for key in ("judged", "missing", "languages", "total"):
        assert a[key] == b[key]


def test_lang_filter_sample_and_html(tmp_path: Path) -> None:
    html = tmp_path / "judge.html"
    with JudgeServer() as server:
        code, out, err = judge_cli(
            server,
            tmp_path,
            "--json",
            "--lang",
            "FR",
            "--sample",
            "3",
            "--seed",
            "5",
            "--html",
            str(html),
        )
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc["languages"]) == {"fr"}
    assert doc["total"]["n"] + doc["total"]["missing"] == 3
    page = html.read_text(encoding="utf-8")
    assert "fr (" in page and 'class="win"' in page


def test_sampling_is_the_same_on_every_run() -> None:
    from midb_cli.judge.pairs import JudgeItem, sample_per_language
    from midb_cli.records.pair import Pair

    p = Pair("i", "", "r")
    items = [JudgeItem(str(i), "de" if i % 3 else "fr", p, p) for i in range(300)]
    first = sample_per_language(items, 20, seed=3)
    assert [i.id for i in first] == [i.id for i in sample_per_language(items, 20, seed=3)]
    assert [i.id for i in first] != [i.id for i in sample_per_language(items, 20, seed=4)]
    assert sum(i.lang == "de" for i in first) == 20 and sum(i.lang == "fr" for i in first) == 20
    assert [int(i.id) for i in first] == sorted(int(i.id) for i in first)
    only_de = [i for i in items if i.lang == "de"]
    assert [i.id for i in sample_per_language(only_de, 20, 3)] == [
        i.id for i in first if i.lang == "de"
    ]


def test_all_missing_exits_3(tmp_path: Path) -> None:
    src = tmp_path / "garbage.jsonl"
    lines = [x for x in BOOSTED.read_text().splitlines() if "garbage" in x]
    src.write_text("\n".join(lines) + "\n")
    with JudgeServer() as server:
        result = CliRunner().invoke(
            app,
            ["judge", str(src), "--api-base", server.url, "--model", "m", "--no-cache", "--json"],
        )
    assert result.exit_code == 3
    assert json.loads(result.stdout)["missing"] == 1
    assert "no pair could be judged" in result.stderr


def test_two_files_aligned_by_id(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a_rows, b_rows = [], []
    for i, behaviour in enumerate(["win", "loss", "tie"]):
        q = f"{behaviour} question {i}"
        a_rows.append({"id": i, "instruction": q, "output": f"ORIGINAL {i}"})
        b_rows.append({"id": i, "instruction": q, "output": f"BOOSTED {i}"})
    b_rows.append({"id": 99, "instruction": "win orphan", "output": "BOOSTED"})
    first.write_text("".join(json.dumps(r) + "\n" for r in a_rows))
    second.write_text("".join(json.dumps(r) + "\n" for r in reversed(b_rows)))
    with JudgeServer() as server:
        result = CliRunner().invoke(
            app,
            [
                "judge",
                str(first),
                str(second),
                "--api-base",
                server.url,
                "--model",
                "m",
                "--no-cache",
                "--json",
            ],
        )
    assert result.exit_code == 0, result.stderr
    total = json.loads(result.stdout)["total"]
    assert (total["win"], total["tie"], total["loss"]) == (1, 1, 1)
    assert json.loads(result.stdout)["rejected"] == 1  # the orphan


def test_block_schema_keys() -> None:
    keys = set(block(Tally(1, 1, 1), seed=0, group="x"))
    assert keys == {
        "n",
        "win",
        "tie",
        "loss",
        "missing",
        "wr1",
        "wr2",
        "qs",
        "net",
        "flip_rate",
        "ci",
    }
