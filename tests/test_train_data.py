"""`midb train-data`: the user turn is what `midb boost --prompt midb` sends (checked against the
requests a real boost run makes through a fake backend), and midb's parser reads every target
back to its revised pair exactly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from fake_engines import FakeBackend, register_fake_engine, tagged_echo, unregister_engine
from midb_cli.cli.main import app
from midb_cli.export.targets import trimmed
from midb_cli.llm.parsing import parse_answer
from midb_cli.records.pair import Pair

MEB = Path(__file__).parent / "data" / "boost" / "meb.jsonl"


def revised_pairs() -> list[Pair]:
    rows = [json.loads(x) for x in MEB.read_text(encoding="utf-8").splitlines()]
    return [Pair(r["Revised Instruction"], r["Revised Input"], r["Revised Response"]) for r in rows]


def test_user_turns_match_boost_and_targets_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "data" / "booster.jsonl"
    result = CliRunner().invoke(app, ["train-data", str(MEB), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.stderr
    examples = [json.loads(x)["messages"] for x in out.read_text(encoding="utf-8").splitlines()]
    revised = revised_pairs()
    assert len(examples) == len(revised)
    for messages, pair in zip(examples, revised, strict=True):
        assert [m["role"] for m in messages] == ["user", "assistant"]
        assert parse_answer(messages[1]["content"], "tagged").pair == trimmed(pair)

    backend = FakeBackend(tagged_echo)
    register_fake_engine("fake-td", backend)
    try:
        boosted = CliRunner().invoke(
            app,
            ["boost", str(MEB), "-o", str(tmp_path / "b.jsonl"), "--engine", "fake-td",
             "--prompt", "midb", "--no-cache"],
        )  # fmt: skip
    finally:
        unregister_engine("fake-td")
    assert boosted.exit_code == 0, boosted.stderr
    sent = sorted(json.dumps(r.messages) for r in backend.history)
    assert sent == sorted(json.dumps(m[:1]) for m in examples)

    info = json.loads((tmp_path / "data" / "dataset_info.json").read_text())
    assert info["booster"]["file_name"] == "booster.jsonl"
    assert info["booster"]["columns"] == {"messages": "messages"}
    stats = json.loads(result.stdout)
    assert sum(v["examples"] for v in stats["languages"].values()) == len(revised)


def test_unusable_targets_are_refused_with_a_reason(tmp_path: Path) -> None:
    src = tmp_path / "meb.jsonl"
    rows = [
        {"Raw Instruction": "a", "Raw Input": "", "Raw Response": "b",
         "Revised Instruction": "  a2 ", "Revised Input": "", "Revised Response": "b2\n"},
        {"Raw Instruction": "a", "Raw Input": "", "Raw Response": "b",
         "Revised Instruction": "a3", "Revised Input": "", "Revised Response": ""},
        {"Raw Instruction": "a", "Raw Input": "", "Raw Response": "b",
         "Revised Instruction": "a4", "Revised Input": "", "Revised Response": "x <|input|> y"},
    ]  # fmt: skip
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "o.jsonl"
    result = CliRunner().invoke(
        app, ["train-data", str(src), "-o", str(out), "--format", "sharegpt", "--cutoff-len", "5",
              "--json", "--lang", "en"],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert len(lines) == 1
    assert lines[0]["conversations"][-1] == {
        "from": "gpt",
        "value": "<|instruction|>a2\n<|input|>\n<|response|>b2",
    }
    doc = json.loads(result.stdout)
    assert doc["trimmed"] == 1 and doc["rejected"] == 2
    assert sum(v["over_cutoff"] for v in doc["languages"].values()) == 1
    rejects = (tmp_path / "o.rejects.jsonl").read_text()
    assert "revised response is empty" in rejects and "does not parse back" in rejects


def test_a_file_without_revisions_makes_no_empty_training_file(tmp_path: Path) -> None:
    # a plain Alpaca file has nothing to learn from: exit 3 and why, not "0 of 3" and exit 0
    src = tmp_path / "alpaca.jsonl"
    rows = [
        {"instruction": f"Name a colour {i}.", "input": "", "output": "Blue."} for i in range(3)
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "o.jsonl"
    result = midb("train-data", str(src), "-o", str(out))
    assert result.returncode == 3, result.stderr
    assert "no training example: every record was refused (3 no revised pair" in result.stderr
    assert not out.exists() and not (tmp_path / "dataset_info.json").exists()
    assert len((tmp_path / "o.rejects.jsonl").read_text().splitlines()) == 3  # the reasons stay
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    result = midb("train-data", str(empty), "-o", str(out))
    assert result.returncode == 3 and "the input is empty" in result.stderr
    assert not out.exists()


def midb(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "midb_cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)
