"""The table of schemas: one object per schema drives detection, --schema, help and errors."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from midb_cli.cli.main import app
from midb_cli.errors import UsageError
from midb_cli.records.schema import (
    detect_schema,
    resolve_schema,
    schema_by_name,
    schema_help,
    schema_names,
    schema_specs,
)


def test_every_schema_in_the_table_is_named_in_help_and_errors() -> None:
    names = schema_names()
    assert {"alpaca", "meb", "messages", "conversations"} <= set(names)
    for name in names:
        assert name in schema_help()
    with pytest.raises(UsageError) as err:
        schema_by_name("nope")
    assert all(name in str(err.value) for name in names)
    help_text = CliRunner().invoke(app, ["check", "--help"], terminal_width=400).output
    assert all(name in help_text for name in names)


def test_a_typo_gets_a_suggestion() -> None:
    with pytest.raises(UsageError, match=r"unknown schema 'alpacca' \(did you mean 'alpaca'\?\)"):
        schema_by_name("alpacca")


def test_each_spec_detects_records_of_its_own_template() -> None:
    # A record holding exactly a schema's template keys is detected as that schema.
    values = {"text": "x", "id": 1, "turns": ["x"]}
    for spec in schema_specs():
        obj = {
            k.key: (
                [{"role": "user", "content": "u"}, {"role": "assistant", "content": "a"}]
                if k.kind == "chat"
                else values[k.kind]
            )
            for k in spec.template
        }
        found = detect_schema(obj)
        assert found is not None and found.name == spec.name, spec.name


def test_meb_named_by_hand_still_reads_the_revision() -> None:
    first = {
        "Raw Instruction": "I",
        "Raw Response": "R",
        "Revised Instruction": "I2",
        "Revised Input": "",
        "Revised Response": "R2",
    }
    schema = resolve_schema("meb", None, first)
    assert schema is not None and schema.read_revised(first) is not None
    plain = resolve_schema("meb", None, {"Raw Instruction": "I", "Raw Response": "R"})
    assert plain is not None and plain.read_revised(first) is None


def test_adding_a_schema_is_one_object(tmp_path: Path) -> None:
    # In a child process, so the test schema does not leak into the other tests' table.
    data = tmp_path / "qa.jsonl"
    data.write_text('{"question": "Wie spät ist es?", "answer": "Drei Uhr."}\n')
    script = textwrap.dedent(
        f"""
        from midb_cli.errors import UsageError
        from midb_cli.records import RecordReader
        from midb_cli.records.schema import (
            KeySchema, SchemaSpec, register_schema, schema_by_name, schema_help)

        QA = KeySchema("qa", {{"instruction": "question", "input": "-", "response": "answer"}})
        register_schema(SchemaSpec("qa", "question, answer", lambda o: "question" in o,
                                   lambda _: QA, QA.template))
        [record] = list(RecordReader({str(data)!r}))
        assert record.pair.instruction == "Wie spät ist es?", record
        assert "qa" in schema_help()
        try:
            schema_by_name("nope")
        except UsageError as exc:
            assert "qa" in str(exc)
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.stdout.strip() == "ok", done.stderr
