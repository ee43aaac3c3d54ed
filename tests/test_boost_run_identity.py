"""A rerun continues an output only when it is the same job: the same input content and the
options that decide what is written. Anything else is refused (exit 2) and names what changed,
instead of writing records 1-N one way and the rest another. The default `rules` engine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fake_engines import FakeBackend
from midb_cli.boost.llm import LLMBooster
from midb_cli.boost.pipeline import BoostOptions, run_boost
from midb_cli.boost.protocol import EngineSelection
from midb_cli.errors import EngineError, UsageError
from midb_cli.llm.settings import LLMSettings

DATA = Path(__file__).parent / "data" / "boost" / "alpaca.jsonl"


def make_input(path: Path, n: int = 60) -> Path:
    rows = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            continue
        if "output" in obj:
            rows.append(obj)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({**rows[i % len(rows)], "id": f"r{i}"}, ensure_ascii=False) + "\n")
    return path


def killed_after(out: Path, lines: int) -> None:
    """What a kill leaves: the first ``lines`` complete records of the output."""
    kept = out.read_bytes().splitlines(keepends=True)[:lines]
    out.write_bytes(b"".join(kept))


def interrupted_run(tmp_path: Path, n: int = 60, **options: Any) -> tuple[Path, Path]:
    """An input of ``n`` records and the output a run with ``options`` left when killed after
    20 records (with its run identity)."""
    src = make_input(tmp_path / "in.jsonl", n)
    out = tmp_path / "out.jsonl"
    run_boost(BoostOptions(str(src), str(out), **options))
    killed_after(out, 20)
    return src, out


def test_a_rerun_with_an_option_that_changes_the_output_is_refused(tmp_path: Path) -> None:
    src, out = interrupted_run(tmp_path)
    before = out.read_bytes()
    with pytest.raises(UsageError, match=r"started with other --ignore, --lang;"):
        run_boost(BoostOptions(str(src), str(out), ignore=["placeholder_input"], lang="fr"))
    assert out.read_bytes() == before  # nothing written, nothing cut
    # the same options resume; --overwrite starts over with the new ones
    assert run_boost(BoostOptions(str(src), str(out))).resumed == 20
    summary = run_boost(BoostOptions(str(src), str(out), lang="fr", overwrite=True))
    assert summary.resumed == 0 and summary.total_written == 60
    assert run_boost(BoostOptions(str(src), str(out), lang="fr")).resumed == 60


def test_an_input_edited_since_the_output_was_started_is_refused(tmp_path: Path) -> None:
    src, out = interrupted_run(tmp_path)
    # the same size, the same ids: one word of record 5 changed
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    record = json.loads(lines[4])
    record["instruction"] = record["instruction"][::-1]
    lines[4] = json.dumps(record, ensure_ascii=False) + "\n"
    src.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(UsageError, match=r"in\.jsonl changed since"):
        run_boost(BoostOptions(str(src), str(out)))


def test_the_same_content_under_another_path_resumes(tmp_path: Path) -> None:
    src = make_input(tmp_path / "in.jsonl")
    out = tmp_path / "out.jsonl"
    run_boost(BoostOptions(str(src), str(out)))
    whole = out.read_bytes()
    killed_after(out, 20)
    moved = src.rename(tmp_path / "moved.jsonl")
    assert run_boost(BoostOptions(str(moved), str(out))).resumed == 20
    assert out.read_bytes() == whole


def test_settings_of_speed_or_reporting_are_no_other_job(tmp_path: Path) -> None:
    src, out = interrupted_run(tmp_path)
    again = BoostOptions(str(src), str(out), report=str(tmp_path / "r.html"), max_parked=8)
    assert run_boost(again).resumed == 20


def test_an_output_of_a_midb_without_run_identities_is_continued(tmp_path: Path) -> None:
    src, out = interrupted_run(tmp_path)
    (tmp_path / "out.jsonl.run.json").unlink()
    assert run_boost(BoostOptions(str(src), str(out))).resumed == 20


def test_a_run_that_writes_nothing_leaves_no_identity_behind(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with pytest.raises(Exception, match="the input is empty"):
        run_boost(BoostOptions(str(src), str(out)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_records_appended_to_the_input_are_boosted_by_the_rerun(tmp_path: Path) -> None:
    src, out = interrupted_run(tmp_path, n=60)
    longer = make_input(tmp_path / "longer.jsonl", 90)  # the same 60 records, then 30 more
    assert longer.read_bytes().startswith(src.read_bytes())
    src.write_bytes(longer.read_bytes())
    summary = run_boost(BoostOptions(str(src), str(out)))
    assert summary.resumed == 20 and summary.total_written == 90
    ids = [json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert ids == [f"r{i}" for i in range(90)]
    # the identity now covers the longer input: cutting it back is another input
    src.write_bytes(longer.read_bytes()[: len(longer.read_bytes()) // 2])
    with pytest.raises(UsageError, match="records may be appended, not edited"):
        run_boost(BoostOptions(str(src), str(out)))


def _no_server(request: object) -> str:
    raise EngineError("cannot reach the server")


def test_an_overwrite_that_fails_before_its_first_record_leaves_the_old_job_whole(
    tmp_path: Path,
) -> None:
    # review: the new identity was saved at once, beside the old job's records
    src, out = interrupted_run(tmp_path, lang="fr")
    before = out.read_bytes()
    booster = LLMBooster(FakeBackend(_no_server), LLMSettings(prompt="midb", no_cache=True))
    again = BoostOptions(str(src), str(out), overwrite=True, engine=EngineSelection("x"))
    with pytest.raises(EngineError):
        run_boost(again, booster=booster)
    assert out.read_bytes() == before
    with pytest.raises(UsageError, match="other --lang"):
        run_boost(BoostOptions(str(src), str(out)))  # not the job that wrote these records
    assert run_boost(BoostOptions(str(src), str(out), lang="fr")).resumed == 20


def test_options_given_as_tuples_or_sets_are_the_same_job(tmp_path: Path) -> None:
    # review: a saved identity reads lists back; `("a",)` and `["a"]` are one option value
    src, out = interrupted_run(tmp_path, ignore=("whitespace", "repetition"))
    same = BoostOptions(str(src), str(out), ignore=["repetition", "whitespace"])
    assert run_boost(same).resumed == 20


def test_id_key_id_is_the_default_and_the_same_job(tmp_path: Path) -> None:
    # a new-user trial: `--id-key id` after a run without it was "another --id-key"
    src, out = interrupted_run(tmp_path)
    assert run_boost(BoostOptions(str(src), str(out), id_key="id")).resumed == 20


def test_a_pipe_as_input_is_boosted_without_a_fingerprint(tmp_path: Path) -> None:
    src = make_input(tmp_path / "in.jsonl", 10)
    out = tmp_path / "out.jsonl"
    cmd = f"{sys.executable} -m midb_cli boost <(cat {src}) -o {out} --quiet"
    done = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 10
    assert "input" not in json.loads((tmp_path / "out.jsonl.run.json").read_text())


def test_a_sharded_overwrite_takes_the_plain_runs_identity_away(tmp_path: Path) -> None:
    # review: the old `--lang fr` identity outlived the sharded run that replaced its output
    src = make_input(tmp_path / "in.jsonl", 40)
    out = tmp_path / "out.jsonl"
    run_boost(BoostOptions(str(src), str(out), lang="fr"))
    cmd = [sys.executable, "-m", "midb_cli", "boost", str(src), "-o", str(out), "--quiet"]
    done = subprocess.run([*cmd, "--workers", "2", "--overwrite"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "out.jsonl.run.json").exists()
