"""`midb boost` with the default `rules` engine, end to end on small real fixtures."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from midb_cli.boost.pipeline import BoostOptions, run_boost
from midb_cli.cli.engine_options import parse_engine_options
from midb_cli.cli.main import app
from midb_cli.errors import InputError, UsageError
from midb_cli.langid import LanguageIdentifier

DATA = Path(__file__).parent / "data" / "boost"
runner = CliRunner()


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


_IDENTIFIER: list[LanguageIdentifier] = []


def boost(options: BoostOptions) -> Any:
    """``run_boost`` with one identifier for the module (loading its models dominates)."""
    if not _IDENTIFIER:
        _IDENTIFIER.append(LanguageIdentifier())
    return run_boost(options, identifier=_IDENTIFIER[0])


def run_midb(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "midb_cli", *args], capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def alpaca_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    out = tmp_path_factory.mktemp("alpaca") / "out.jsonl"
    result = runner.invoke(app, ["boost", str(DATA / "alpaca.jsonl"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out, result


def test_rules_boost_fixes_what_is_certain_and_keeps_the_rest(alpaca_run: tuple[Path, Any]) -> None:
    out, _ = alpaca_run
    records = read_jsonl(out)
    inputs = {}
    for line in (DATA / "alpaca.jsonl").read_text(encoding="utf-8").splitlines():
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if "output" in obj:
            inputs[obj["id"]] = obj
    assert [r["id"] for r in records] == list(inputs)  # input order, every record once
    by_id = {r["id"]: r for r in records}

    placeholder = by_id["de-0010"]
    assert placeholder["input"] == "" and placeholder["midb"]["status"] == "boosted"
    assert placeholder["midb"]["original"]["input"] == "<noinput>"
    assert placeholder["midb"]["findings_before"][0]["kind"] == "placeholder_input"
    assert placeholder["midb"]["findings_after"] == []
    assert placeholder["midb"]["distance"] == len(" Input: <noinput>")

    mojibake = by_id["de-0011"]
    assert "Ã¤" not in mojibake["output"] and "enthält" in mojibake["output"]
    assert mojibake["midb"]["status"] == "boosted" and mojibake["midb"]["fixes"]

    for rid, rec in by_id.items():
        meta = rec["midb"]
        assert set(meta) >= {"id", "status", "reason", "lang", "engine", "distance", "original"}
        assert meta["id"] == rid and meta["engine"] == "rules" and meta["lang"] == rid[:2]
        if meta["status"] == "unchanged":  # clean records come out identical
            assert {k: rec[k] for k in inputs[rid]} == inputs[rid]
            assert meta["distance"] == 0


def test_rejects_and_counts_add_up(alpaca_run: tuple[Path, Any]) -> None:
    out, result = alpaca_run
    rejects = read_jsonl(out.with_name("out.rejects.jsonl"))
    assert [(r["line"], r["reason"][:12]) for r in rejects] == [
        (6, "invalid JSON"),
        (13, "missing fiel"),
    ]
    assert rejects[0]["raw"].startswith('{"id": "broken"')
    assert "read 17 = written 15 + rejected 2" in result.stderr
    assert "rejected lines:" in result.stderr and result.stdout == ""


def test_meb_and_chat_schemas_keep_their_keys(tmp_path: Path) -> None:
    for name in ("meb", "chat"):
        src, out = DATA / f"{name}.jsonl", tmp_path / f"{name}.out.jsonl"
        summary = boost(BoostOptions(str(src), str(out)))
        originals, records = read_jsonl(src), read_jsonl(out)
        assert summary.written == len(originals) == len(records)
        for original, rec in zip(originals, records, strict=True):
            assert [k for k in rec if k != "midb"] == list(original)
            if rec["midb"]["status"] == "unchanged":
                assert {k: rec[k] for k in original} == original
    meb = read_jsonl(tmp_path / "meb.out.jsonl")
    assert [r["midb"]["id"] for r in meb] == [f"line-{i}" for i in range(1, 13)]
    assert meb[0]["Revised Response"] == read_jsonl(DATA / "meb.jsonl")[0]["Revised Response"]
    chat = read_jsonl(tmp_path / "chat.out.jsonl")
    assert chat[0]["messages"][0] == {"role": "system", "content": "Tu es un assistant utile."}
    assert {r["midb"]["lang"] for r in chat} == {"fr"}


def test_boosting_a_boost_output_replaces_the_midb_object(
    alpaca_run: tuple[Path, Any], tmp_path: Path
) -> None:
    first, _ = alpaca_run
    second = tmp_path / "again.jsonl"
    boost(BoostOptions(str(first), str(second), keep_original=False))
    before, after = read_jsonl(first), read_jsonl(second)
    assert [r["id"] for r in after] == [r["id"] for r in before]
    for old, new in zip(before, after, strict=True):
        assert new["midb"]["status"] == "unchanged"  # the fixes are already applied
        assert "original" not in new["midb"] and "fixes" not in new["midb"]
        assert {k: v for k, v in new.items() if k != "midb"} == {
            k: v for k, v in old.items() if k != "midb"
        }


def test_resume_repairs_a_torn_line_and_matches_a_clean_run(
    alpaca_run: tuple[Path, Any], tmp_path: Path
) -> None:
    full, _ = alpaca_run
    expected = full.read_bytes()
    lines = expected.splitlines(keepends=True)
    out = tmp_path / "out.jsonl"
    for cut in (0, 1, 7, 14):
        # a run killed after `cut` complete records, in the middle of writing the next one
        out.write_bytes(b"".join(lines[:cut]) + lines[cut][: len(lines[cut]) // 2])
        summary = boost(BoostOptions(str(DATA / "alpaca.jsonl"), str(out)))
        assert out.read_bytes() == expected
        assert (summary.resumed, summary.written, summary.rejected) == (cut, 15 - cut, 2)
        assert summary.repaired_bytes > 0
        # the rejects file is rewritten in full, also for the part that was resumed
        rejects = out.with_name("out.rejects.jsonl").read_bytes()
        assert rejects == full.with_name("out.rejects.jsonl").read_bytes()


def test_resume_of_a_finished_output_writes_nothing(
    alpaca_run: tuple[Path, Any], tmp_path: Path
) -> None:
    full, _ = alpaca_run
    out = tmp_path / "out.jsonl"
    shutil.copy(full, out)
    summary = boost(BoostOptions(str(DATA / "alpaca.jsonl"), str(out)))
    assert (summary.resumed, summary.written, summary.read) == (15, 0, 17)
    assert out.read_bytes() == full.read_bytes()


def test_an_output_of_another_input_is_not_resumed(
    alpaca_run: tuple[Path, Any], tmp_path: Path
) -> None:
    full, _ = alpaca_run
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"".join(full.read_bytes().splitlines(keepends=True)[:3]))
    with pytest.raises(InputError, match=r"does not continue this input.*--overwrite"):
        boost(BoostOptions(str(DATA / "chat.jsonl"), str(out)))
    longer, shorter_input = tmp_path / "longer.jsonl", tmp_path / "head.jsonl"
    shutil.copy(full, longer)
    head = (DATA / "alpaca.jsonl").read_bytes().splitlines(keepends=True)[:8]
    shorter_input.write_bytes(b"".join(head))
    with pytest.raises(InputError, match=r"holds 15 records but the input .* has only 7"):
        boost(BoostOptions(str(shorter_input), str(longer)))
    summary = boost(BoostOptions(str(DATA / "chat.jsonl"), str(out), overwrite=True))
    assert summary.resumed == 0 and len(read_jsonl(out)) == 3


def test_output_must_not_be_the_input_nor_gzipped(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    shutil.copy(DATA / "chat.jsonl", src)
    result = run_midb("boost", str(src), "-o", str(src))
    assert result.returncode == 2 and "is the input file" in result.stderr
    assert "Traceback" not in result.stderr
    assert src.read_bytes() == (DATA / "chat.jsonl").read_bytes()
    with pytest.raises(UsageError, match="cannot be gzipped"):
        boost(BoostOptions(str(src), str(tmp_path / "out.jsonl.gz")))
    with pytest.raises(UsageError, match="--rejects"):
        boost(BoostOptions(str(src), str(tmp_path / "o.jsonl"), rejects=str(src)))


def test_quiet_prints_one_counts_line_and_report_is_written(tmp_path: Path) -> None:
    out, report = tmp_path / "out.jsonl", tmp_path / "report.html"
    result = run_midb(
        "boost", str(DATA / "alpaca.jsonl"), "-o", str(out), "--quiet", "--report", str(report)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == (
        "midb boost: read 17 = written 15 + rejected 2; this run: boosted 2, unchanged 13"
    )
    html = report.read_text(encoding="utf-8")
    assert "de-0010" in html and "rejected lines" in html


def test_usage_errors_are_clean(tmp_path: Path) -> None:
    out = str(tmp_path / "out.jsonl")
    result = run_midb("boost", str(DATA / "chat.jsonl"), "-o", out, "--engine", "nope")
    assert result.returncode == 2 and "unknown engine 'nope'; available:" in result.stderr
    result = run_midb("boost", str(DATA / "chat.jsonl"), "-o", out, "--select", "bogus")
    assert result.returncode == 2 and "unknown check kind 'bogus'" in result.stderr
    result = run_midb("boost", str(tmp_path / "missing.jsonl"), "-o", out)
    assert result.returncode == 3 and "no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_engine_options_parse_json_values() -> None:
    assert parse_engine_options(["a=1", "b=true", "c=text", "d=[1, 2]", "e="]) == {
        "a": 1,
        "b": True,
        "c": "text",
        "d": [1, 2],
        "e": "",
    }
    with pytest.raises(UsageError, match="KEY=VALUE"):
        parse_engine_options(["novalue"])
