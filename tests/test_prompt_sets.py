"""The data people have: prompt-only sets (AlpacaEval, MT-Bench shapes, indented JSON arrays),
translated key names, and files with no valid record at all."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from midb_cli.cli.main import app
from midb_cli.errors import InputError, UsageError
from midb_cli.records import Pair, Record, RecordReader, Reject
from midb_cli.records.schema import parse_field_mapping

PROMPTS = Path(__file__).parent / "data" / "prompts"
ALPACAEVAL = sorted(PROMPTS.glob("alpacaeval_*.json"))
MTBENCH = sorted(PROMPTS.glob("mtbench_*.json"))


def read(path: Path, **kw: object) -> tuple[list[Record], list[Reject], RecordReader]:
    reader = RecordReader(path, **kw)  # type: ignore[arg-type]
    items = list(reader)
    return (
        [i for i in items if isinstance(i, Record)],
        [i for i in items if isinstance(i, Reject)],
        reader,
    )


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), terminal_width=400)
    return result.exit_code, result.stdout, result.stderr


def run_midb(*args: str) -> tuple[int, str, str]:
    """The real entry point: errors become `Error: ...` and their exit code only there."""
    done = subprocess.run(
        [sys.executable, "-m", "midb_cli", *args], capture_output=True, text=True, check=False
    )
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("path", ALPACAEVAL, ids=lambda p: p.stem)
def test_alpacaeval_shape_reads_as_prompts(path: Path) -> None:
    records, _, reader = read(path)
    data = json.loads(path.read_text())
    assert reader.schema is not None and reader.schema.name == "prompt"
    assert not reader.schema.holds_response
    assert [r.pair for r in records] == [
        Pair(d["instruction"], "", "") for d in data if "instruction" in d
    ]
    assert all(r.line > 1 for r in records)  # lines of the indented array, not element numbers


@pytest.mark.parametrize("path", MTBENCH, ids=lambda p: p.stem)
def test_mtbench_shape_reads_the_first_turn_and_keeps_the_rest(path: Path) -> None:
    records, rejects, reader = read(path)
    data = json.loads(path.read_text())
    assert reader.schema is not None and reader.schema.name == "mtbench" and not rejects
    assert [r.pair for r in records] == [Pair(d["turns"][0], "", "") for d in data]
    out = reader.schema.write(records[0].data, Pair("Neu.", "", ""))
    assert out["turns"] == ["Neu.", *data[0]["turns"][1:]]
    assert out["question_id"] == data[0]["question_id"] and out["category"] == data[0]["category"]
    assert records[0].data["turns"][0] == data[0]["turns"][0]  # the input is not mutated


def test_prompt_schemas_refuse_a_response_instead_of_dropping_it() -> None:
    reader_obj = {"instruction": "Frage?"}
    for path in (ALPACAEVAL[0], MTBENCH[0]):
        records, _, reader = read(path)
        assert reader.schema is not None
        with pytest.raises(ValueError, match="no place for a response"):
            reader.schema.write(records[0].data, Pair("a", "", "an answer"))
    fields = parse_field_mapping("instruction=instruction")
    assert fields.read(reader_obj) == Pair("Frage?", "", "") and not fields.holds_response
    with pytest.raises(ValueError, match="no response key"):
        fields.write(dict(reader_obj), Pair("a", "", "an answer"))
    assert fields.write(dict(reader_obj), Pair("a", "", "")) == {"instruction": "a"}


def test_a_full_pair_in_a_prompt_file_is_a_reject_not_a_prompt(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text(
        json.dumps({"instruction": "a"}) + "\n" + json.dumps({"instruction": "b", "output": "c"})
    )
    records, rejects, _ = read(path)
    assert len(records) == 1 and "has a 'output' key" in rejects[0].reason


def test_translated_key_in_a_prompt_file_names_the_schema() -> None:
    _, rejects, _ = read(PROMPTS / "alpacaeval_ru.json")
    assert [r.reason for r in rejects] == [
        "missing field 'instruction'; the keys look machine-translated from the prompt schema "
        "('инструкция' for 'instruction')"
    ]


def test_translated_meb_keys_name_the_meb_schema(tmp_path: Path) -> None:
    italian = {
        "Istruzione Grezza": "Nomina tre colori.",
        "Input Grezzo": "",
        "Risposta Grezza": "Rosso, verde e blu.",
        "Istruzione Rivista": "Nomina tre colori primari.",
        "Input Rivisto": "",
        "Risposta Rivista": "Rosso, giallo e blu.",
        "Distanza": 12,
    }
    good = {"Raw Instruction": "I", "Raw Input": "", "Raw Response": "R"}
    path = tmp_path / "it.jsonl"
    path.write_text(json.dumps(italian) + "\n" + json.dumps(good) + "\n" + json.dumps(italian))
    records, rejects, _ = read(path)
    assert len(records) == 1
    assert "('Istruzione Grezza' for 'Raw Instruction'" in rejects[0].reason
    assert all("machine-translated from the meb schema" in r.reason for r in rejects)
    assert "'Risposta Rivista' for 'Revised Response'" in rejects[0].reason


def test_renamed_english_keys_are_a_shape_not_a_translation(tmp_path: Path) -> None:
    path = tmp_path / "qa.jsonl"
    path.write_text(json.dumps({"question": "q", "answer": "a"}) + "\n" + json.dumps(GOOD))
    _, rejects, _ = read(path)
    assert rejects[0].reason == (
        "fits no known schema (keys: question, answer); it has the shape of the alpaca schema "
        "under other key names ('question' for 'instruction', 'answer' for 'output')"
    )


GOOD = {"instruction": "Nenne drei Farben.", "input": "", "output": "Rot, Grün und Blau."}


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'instruction,input,output\n"Nenne drei Farben",,"Rot"\n', r"all 2 rejected.*CSV"),
        (
            b"".join(
                json.dumps({"question_id": i, "kategorie": "x", "runden": ["a"]}).encode() + b"\n"
                for i in range(78)
            ),
            r"all 78 rejected .*keys: question_id, kategorie, runden.*mtbench schema",
        ),
        (json.dumps([{"a": 1}, {"b": 2}]).encode(), r"all 2 rejected.*keys: a.*--schema prompt"),
        (b"PAR1\x00\x01binary\n", r"looks like Parquet"),
        (b"\x7fELF\x02\x01\x01\x00\x00\x00\xff\xfe,\x00\n", r"not text .*it is a binary file"),
    ],
    ids=["csv", "translated-mtbench", "json-array", "parquet-named-jsonl", "binary"],
)
def test_a_file_with_no_valid_record_is_an_error_whatever_its_size(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "in.json"
    path.write_bytes(content)
    with pytest.raises(InputError, match=expected):
        read(path)


@pytest.mark.parametrize(
    "command",
    [["stats"], ["check"], ["diff"], ["select", "--top", "1", "-o"], ["boost", "-q", "-o"]],
    ids=lambda c: c[0],
)
def test_every_command_exits_3_on_a_file_with_no_valid_record(
    tmp_path: Path, command: list[str]
) -> None:
    path = tmp_path / "data.csv"
    path.write_text('instruction,input,output\n"Nenne drei Farben",,"Rot"\n')
    out = [str(tmp_path / "out.jsonl")] if command[-1] == "-o" else []
    code, _, err = run_midb(command[0], str(path), *command[1:], *out)
    assert code == 3, err
    assert "no valid record" in err and "CSV" in err and "Traceback" not in err


def test_an_empty_file_is_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("\n\n")
    records, rejects, reader = read(path)
    assert not records and not rejects and reader.counts.blank == 2


@pytest.mark.parametrize("path", [*ALPACAEVAL, *MTBENCH], ids=lambda p: p.stem)
def test_stats_and_check_run_on_prompt_sets(path: Path) -> None:
    lang = path.stem.split("_")[1]
    code, out, err = run("stats", str(path), "--json")
    assert code == 0, err
    stats = json.loads(out)
    assert set(stats["languages"]) == {lang}, stats["languages"]
    code, _, err = run("check", str(path), "--format", "jsonl")
    assert code in (0, 1) and "Traceback" not in err


def test_diff_and_select_run_on_a_boosted_prompt_set(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    code, _, err = run("boost", str(MTBENCH[0]), "-o", str(out), "-q")
    assert code == 0, err
    code, diff, err = run("diff", str(out), "--format", "jsonl")
    assert code == 0 and len(diff.splitlines()) == 4, err
    code, _, err = run("select", str(out), "--top", "2", "-o", str(tmp_path / "top.jsonl"))
    assert code == 0, err
    assert len((tmp_path / "top.jsonl").read_text().splitlines()) == 2


def test_lang_codes_are_case_insensitive() -> None:
    code, _, err = run("stats", str(MTBENCH[0]), "--lang", "FR")
    assert code == 0, err
    code, _, err = run_midb("stats", str(MTBENCH[0]), "--lang", "XX")
    assert code == 2 and "unknown language 'xx'" in err


def test_fields_without_a_response_need_an_instruction() -> None:
    with pytest.raises(UsageError, match="'instruction' role needs a key"):
        parse_field_mapping("input=ctx")


def test_a_wrongly_named_schema_says_which_one_fits(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(GOOD) + "\n")
    with pytest.raises(InputError, match=r"it fits the alpaca schema \(--schema alpaca\)"):
        read(path, schema="meb")
