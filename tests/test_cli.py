"""The CLI shell: version, help for every command, and errors as exit codes (not tracebacks)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from midb_cli import __version__
from midb_cli.cli.main import app

runner = CliRunner()
COMMANDS = sorted(c.name or c.callback.__name__ for c in app.registered_commands if c.callback)


def run_midb(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "midb_cli", *args], capture_output=True, text=True, cwd=cwd
    )


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"midb {__version__}"


def test_the_commands_of_the_issues_exist() -> None:
    assert {"boost", "check", "diff", "stats", "select", "engines"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.stdout and len(result.stdout.splitlines()) > 4


def test_missing_input_file_is_a_clean_error(tmp_path: Path) -> None:
    result = run_midb("stats", str(tmp_path / "missing.jsonl"))
    assert result.returncode == 3
    assert result.stderr.strip() == f"Error: {tmp_path / 'missing.jsonl'}: no such file"
    assert "Traceback" not in result.stderr


def test_unknown_option_is_a_usage_error() -> None:
    result = run_midb("stats", "--no-such-flag", "x.jsonl")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_an_unwritable_output_is_a_clean_error(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"instruction": "Nenne eine Farbe.", "input": "", "output": "Rot."}\n')
    blocker = tmp_path / "file"  # a file where the output's folder should be
    blocker.write_text("")
    result = run_midb("boost", str(source), "-o", str(blocker / "o.jsonl"))
    assert result.returncode == 3, result.stderr
    assert result.stderr.startswith("Error: ") and "Traceback" not in result.stderr


def test_rerunning_a_finished_boost_says_there_is_nothing_left(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"instruction": "Nenne eine Farbe.", "input": "", "output": "Rot."}\n')
    out = tmp_path / "out.jsonl"
    assert run_midb("boost", str(source), "-o", str(out)).returncode == 0
    first = out.read_bytes()
    again = run_midb("boost", str(source), "-o", str(out))
    assert again.returncode == 0
    assert "(1 already done by an earlier run)" in again.stderr
    assert "Nothing left to do" in again.stderr and out.read_bytes() == first


@pytest.mark.parametrize(
    "args",
    [
        ("export", "{src}", "-o", "{dir}"),
        ("select", "{src}", "--top", "1", "-o", "{dir}"),
        ("train-data", "{src}", "-o", "{dir}"),
        ("boost", "{src}", "-o", "{dir}"),
    ],
)
def test_an_output_that_is_a_directory_is_named_as_such(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"instruction": "Nenne eine Farbe.", "input": "", "output": "Rot."}\n')
    folder = tmp_path / "adir"
    folder.mkdir()
    result = run_midb(*(a.format(src=source, dir=folder) for a in args))
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == f"Error: -o {folder} is a directory; give a file path"
    assert list(folder.iterdir()) == []


def test_an_output_where_no_file_can_be_made_names_that_file_not_a_temporary_one(
    tmp_path: Path,
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"instruction": "Nenne eine Farbe.", "input": "", "output": "Rot."}\n')
    for command in ("export", "boost"):
        result = run_midb(command, str(source), "-o", "/proc/midb-x.jsonl")
        assert result.returncode == 3, result.stderr
        assert result.stderr.startswith("Error: /proc/midb-x.jsonl: "), result.stderr
        assert ".tmp" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("select", "{src}", "--top", "1", "--lang", "klingon", "-o", "{out}"), "--lang: unknown"),
        (("export", "{src}", "-o", "{out}", "--status", "bogus"), "--status: unknown status"),
        (
            ("judge", "{src}", "--lang", "klingon", "--api-base", "http://127.0.0.1:9/v1",
             "--model", "m", "-o", "{out}"),
            "--lang: unknown",
        ),
        (("judge", "{src}", "--engine", "rules", "-o", "{out}"), "judge needs an LLM engine"),
        (("score", "{src}", "--engine", "rules", "-o", "{out}"), "score needs an LLM engine"),
    ],
)  # fmt: skip
def test_a_filter_or_engine_that_cannot_apply_is_a_usage_error(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    # a typo must not look like success: `0 of 48 records` with exit 0
    source = tmp_path / "in.jsonl"
    source.write_text('{"instruction": "Nenne eine Farbe.", "input": "", "output": "Rot."}\n')
    out = tmp_path / "out.jsonl"
    result = run_midb(*(a.format(src=source, out=out) for a in args))
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("command", "message"),
    [("score", "no record: the input is empty"), ("judge", "nothing to judge: no pair read")],
)
def test_an_empty_input_to_an_llm_task_is_one_clear_error(
    tmp_path: Path, command: str, message: str
) -> None:
    # no table of nothing, no `→ OUT` that was never made, no blame on flags not given
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    out = tmp_path / "out.jsonl"
    result = run_midb(
        command, str(empty), "--api-base", "http://127.0.0.1:9/v1", "--model", "m", "-o", str(out)
    )
    assert result.returncode == 3, result.stderr
    assert result.stderr.strip() == f"Error: {empty}: {message}"
    assert result.stdout == "" and not out.exists()


def test_a_boost_output_named_json_is_refused_before_it_holds_json_lines(tmp_path: Path) -> None:
    # a `.json` reader expects one array; boost appends lines so that a rerun resumes
    source = tmp_path / "in.jsonl"
    source.write_text('{"instruction": "Nenne eine Farbe.", "input": "", "output": "Rot."}\n')
    result = run_midb("boost", str(source), "-o", str(tmp_path / "out.json"))
    assert result.returncode == 2, result.stderr
    assert "boost writes JSON Lines" in result.stderr and "midb export" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]
