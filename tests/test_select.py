"""`midb select`: the papers' top-K / top-P% rule by edit distance, exact quotas, ties in input
order, per language, ascending, records copied byte for byte, bad lines counted."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from midb_cli.cli.main import app
from midb_cli.errors import UsageError
from midb_cli.select import plan_quota, quota_size, select_file
from midb_cli.stats import IntHistogram

runner = CliRunner()

DE = "Schreiben Sie eine kurze Beschreibung des Eiffelturms in Paris und seiner Geschichte."
JA = "エッフェル塔とその歴史について、短い説明を書いてください。できるだけ詳しくお願いします。"


def meb_line(i: int, distance: int, text: str = DE) -> bytes:
    """An MEB record whose revision adds ``distance`` characters to the response."""
    obj = {
        "id": f"r{i}",
        "Raw Instruction": text,
        "Raw Input": "",
        "Raw Response": text,
        "Revised Instruction": text,
        "Revised Input": "",
        "Revised Response": text + "x" * distance,
    }
    return json.dumps(obj, ensure_ascii=False).encode() + b"\n"


def write(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(lines))
    return path


def ids(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        return [json.loads(line)["id"] for line in fh]


DISTANCES = [5, 3, 5, 1, 5, 0, 2]


@pytest.fixture
def seven(tmp_path: Path) -> Path:
    return write(tmp_path / "in.jsonl", [meb_line(i, d) for i, d in enumerate(DISTANCES)])


def test_top_k_takes_ties_in_input_order(seven: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = select_file(str(seven), str(out), top=2)
    assert ids(out) == ["r0", "r2"]  # three records tie at 5: the first two win
    assert (result.records, result.selected, result.rejected) == (7, 2, 0)
    select_file(str(seven), str(out), top=4)
    assert ids(out) == ["r0", "r1", "r2", "r4"]  # 5, 5, 5 then 3; output in input order


def test_ascending_order(seven: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    select_file(str(seven), str(out), top=3, order="asc")
    assert ids(out) == ["r3", "r5", "r6"]  # distances 1, 0, 2


def test_top_percent_rounds_half_up(seven: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    select_file(str(seven), str(out), top_percent=30)  # 2.1 -> 2
    assert ids(out) == ["r0", "r2"]
    select_file(str(seven), str(out), top_percent=50)  # 3.5 -> 4
    assert len(ids(out)) == 4
    assert quota_size(2301, None, 30) == 690
    assert quota_size(10, 50, None) == 10


def test_zero_and_more_than_everything(seven: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    select_file(str(seven), str(out), top=0)
    assert out.read_bytes() == b""
    select_file(str(seven), str(out), top=100)
    assert out.read_bytes() == seven.read_bytes()


def test_per_language_quotas(tmp_path: Path) -> None:
    lines = [
        meb_line(0, 1, DE),
        meb_line(1, 9, JA),
        meb_line(2, 4, DE),
        meb_line(3, 0, JA),
        meb_line(4, 2, DE),
        meb_line(5, 5, JA),
    ]
    src = write(tmp_path / "in.jsonl", lines)
    out = tmp_path / "out.jsonl"
    result = select_file(str(src), str(out), top=1, per_lang=True)
    assert ids(out) == ["r1", "r2"]
    assert {k: (q.records, q.wanted, q.threshold) for k, q in result.groups.items()} == {
        "de": (3, 1, 4),
        "ja": (3, 1, 9),
    }
    select_file(str(src), str(out), top=2)  # globally the Japanese ones win
    assert ids(out) == ["r1", "r5"]


def test_selected_lines_are_byte_identical(tmp_path: Path) -> None:
    odd = (
        b'{ "zz" : [1, 2.50, "\\u00e9"],  "id": "odd", "Raw Instruction": "A", "Raw Input": "",'
        b' "Raw Response": "B", "Revised Instruction": "A", "Revised Input": "",'
        b' "Revised Response": "B and more"}\r\n'
    )
    src = write(tmp_path / "in.jsonl", [b"\xef\xbb\xbf" + meb_line(0, 1), odd, meb_line(2, 0)])
    out = tmp_path / "out.jsonl"
    select_file(str(src), str(out), top=2)
    assert out.read_bytes() == meb_line(0, 1) + odd  # the BOM dropped, nothing else touched


def test_bad_lines_are_counted_and_written_aside(tmp_path: Path) -> None:
    src = write(
        tmp_path / "in.jsonl",
        [meb_line(0, 3), b"{broken\n", b"\n", meb_line(1, 7), b"[1]\n", meb_line(2, 1)],
    )
    out = tmp_path / "out.jsonl"
    result = select_file(str(src), str(out), top=1)
    assert ids(out) == ["r1"]
    assert (result.records, result.rejected) == (3, 2)
    assert result.rejects_path == str(tmp_path / "out.rejects.jsonl")
    rejects = [json.loads(x) for x in Path(result.rejects_path).read_text().splitlines()]
    assert [r["line"] for r in rejects] == [2, 5]


def test_gzip_in_and_out_and_json_arrays(tmp_path: Path) -> None:
    lines = [meb_line(i, d) for i, d in enumerate(DISTANCES)]
    gz = tmp_path / "in.jsonl.gz"
    gz.write_bytes(gzip.compress(b"".join(lines)))
    out = tmp_path / "out.jsonl.gz"
    select_file(str(gz), str(out), top=2)
    assert gzip.decompress(out.read_bytes()) == lines[0] + lines[2]

    array = tmp_path / "in.json"
    array.write_text("[" + ",".join(x.decode().strip() for x in lines) + "]", encoding="utf-8")
    out2 = tmp_path / "out.jsonl"
    select_file(str(array), str(out2), top=2)
    assert [json.loads(x) for x in out2.read_text().splitlines()] == [
        json.loads(lines[0]),
        json.loads(lines[2]),
    ]


def test_input_without_revisions_is_an_input_error(tmp_path: Path) -> None:
    src = write(tmp_path / "in.jsonl", [b'{"instruction": "a", "input": "", "output": "b"}\n'])
    proc = subprocess.run(
        [sys.executable, "-m", "midb_cli", "select", str(src), "--top", "1", "-o", "o.jsonl"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 3
    assert "select needs revised pairs" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "o.jsonl").exists()


def test_usage_errors(seven: Path) -> None:
    with pytest.raises(UsageError, match="exactly one"):
        select_file(str(seven), "x.jsonl")
    with pytest.raises(UsageError, match="exactly one"):
        select_file(str(seven), "x.jsonl", top=1, top_percent=5)
    with pytest.raises(UsageError, match="is the input"):
        select_file(str(seven), str(seven), top=1)
    with pytest.raises(UsageError, match="between 0 and 100"):
        select_file(str(seven), "x.jsonl", top_percent=120)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.integers(0, 6), min_size=1, max_size=40),
    st.integers(0, 45),
    st.sampled_from(["desc", "asc"]),
)
def test_quota_plan_picks_exactly_k_of_the_best(distances: list[int], k: int, order: str) -> None:
    hist = IntHistogram()
    for d in distances:
        hist.add(d)
    wanted = quota_size(len(distances), k, None)
    quota = plan_quota(hist, wanted, order)
    chosen: list[int] = []
    ties = quota.ties
    for i, d in enumerate(distances):  # the same rule pass 2 applies
        if quota.threshold is None:
            break
        beyond = d > quota.threshold if order == "desc" else d < quota.threshold
        if beyond or (d == quota.threshold and ties > 0):
            ties -= 0 if beyond else 1
            chosen.append(i)
    assert len(chosen) == wanted
    picked = sorted((distances[i] for i in chosen), reverse=order == "desc")
    best = sorted(distances, reverse=order == "desc")[:wanted]
    assert picked == best


def test_cli_summary_and_help(seven: Path, tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    result = runner.invoke(app, ["select", str(seven), "--top-percent", "30", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"2 of 7 records selected → {out} (0 rejected lines)" in result.stderr
    assert result.stdout == ""
    help_text = runner.invoke(app, ["select", "--help"]).stdout
    for option in ("--top", "--top-percent", "--order", "--per-lang", "--output"):
        assert option in help_text


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (["select", "--top", "1"], "sel.json"),
        (["select", "--top", "1"], "sel.parquet"),
        (["export"], "ep.parquet"),
        (["export"], "ep.PQ"),
        (["train-data"], "td.parquet"),
    ],
)
def test_an_output_name_that_promises_another_format_is_refused(
    tmp_path: Path, command: list[str], name: str
) -> None:
    # JSON Lines under .json or .parquet: `midb stats`, a trainer's loader could not read it
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"instruction": "q", "input": "", "output": "a"}) + "\n")
    result = CliRunner().invoke(
        app, [command[0], str(src), *command[1:], "-o", str(tmp_path / name)]
    )
    assert isinstance(result.exception, UsageError), result.output
    assert "name it X.jsonl" in str(result.exception)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]
