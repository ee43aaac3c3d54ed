"""Prompt files: exact bytes of the shipped formats, validation, user prompt files."""

from __future__ import annotations

from pathlib import Path

import pytest

from midb_cli.errors import UsageError
from midb_cli.languages import MIDB_LANGUAGES
from midb_cli.llm.prompts import (
    builtin_prompt_names,
    load_prompt,
    locale_notes,
    prompts_dir,
)
from midb_cli.records.pair import Pair

MIDB_INSTRUCTION = (
    "Improve the following content to be more specific, detailed with more logical steps and "
    "grammarly corrected; avoid generating incorrect and misleading information in output; "
    "minimize hallucination in output."
)
PAIR = Pair("Schreibe {x} auf", "", "Hallo {response}!")


def test_midb_prompt_is_the_trained_format_byte_for_byte() -> None:
    prompt = load_prompt("midb")
    messages = prompt.render(Pair("Übersetze", "Good morning", "Guten Morgen"), "de")
    assert messages == [
        {
            "role": "user",
            "content": MIDB_INSTRUCTION
            + "\n<|instruction|>Übersetze\n<|input|>Good morning\n<|response|>Guten Morgen",
        }
    ]
    assert prompt.answer == "tagged"
    assert prompt.sampling.as_dict() == {
        "temperature": 0.95,
        "top_p": 0.7,
        "top_k": 50,
        "max_tokens": 1024,
    }
    assert prompt.structured_constraint() is None


def test_braces_in_record_text_are_not_template_variables() -> None:
    content = load_prompt("midb").render(PAIR, "de")[0]["content"]
    assert content.endswith(
        "<|instruction|>Schreibe {x} auf\n<|input|>\n<|response|>Hallo {response}!"
    )


def test_coachlm_flat_format_leaves_out_an_empty_input() -> None:
    prompt = load_prompt("coachlm")
    head = (
        "Improve the following instruction, input and response pair to be more specific, "
        "detailed with more logical steps and grammarly corrected.\n"
    )
    without = prompt.render(Pair("Name a color.", "", "Blue."), "en")[0]["content"]
    assert without == head + "Instruction: Name a color. Response: Blue."
    with_input = prompt.render(Pair("Sum.", "1, 2", "3"), "en")[0]["content"]
    assert with_input == head + "Instruction: Sum. Input: 1, 2 Response: 3"
    assert prompt.answer == "flat"


def test_instruct_prompt_names_the_language_and_adds_its_locale_notes() -> None:
    messages = load_prompt("instruct").render(Pair("質問", "", "答え"), "ja")
    assert [m["role"] for m in messages] == ["system", "user"]
    system = messages[0]["content"]
    assert "Japanese (ja)" in system
    assert "「 」" in system  # from prompts/locale/ja.md
    assert "Never translate code" in system
    assert messages[1]["content"] == "<|instruction|>質問\n<|input|>\n<|response|>答え"


def test_every_midb_language_has_locale_notes() -> None:
    for lang in MIDB_LANGUAGES:
        assert (prompts_dir() / "locale" / f"{lang}.md").is_file(), lang
        assert len(locale_notes(lang).splitlines()) >= 3
    assert "conventions" in locale_notes("und")


def test_builtin_names() -> None:
    assert {"midb", "coachlm", "instruct", "instruct-json"} <= set(builtin_prompt_names())
    json_prompt = load_prompt("instruct-json")
    assert json_prompt.answer == "json" and json_prompt.structured_constraint() is not None
    system = json_prompt.render(Pair("a", "", "b"), "vi")[0]["content"]
    assert system.endswith('{"instruction": "...", "input": "...", "response": "..."}')


def _write(tmp_path: Path, text: str, name: str = "mine.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_user_prompt_file_with_structured_json(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'name = "mine"\nanswer = "json"\nstructured = "json"\n'
        "[sampling]\ntemperature = 0\nmax_tokens = 64\n"
        '[template]\nsystem = "Lang {lang_name}. Literal {{braces}}."\nuser = "{tagged_pair}"\n',
    )
    prompt = load_prompt(path)
    messages = prompt.render(Pair("a", "b", "c"), "fr")
    assert messages[0]["content"] == "Lang French. Literal {braces}."
    assert messages[1]["content"] == "<|instruction|>a\n<|input|>b\n<|response|>c"
    assert prompt.sampling.temperature == 0.0 and prompt.sampling.max_tokens == 64
    assert prompt.sampling.top_k is None
    constraint = prompt.structured_constraint()
    assert constraint is not None and constraint["json"]["required"] == [
        "instruction",
        "input",
        "response",
    ]


def test_unknown_template_variable_is_an_error_naming_it(tmp_path: Path) -> None:
    path = _write(tmp_path, '[template]\nuser = "{instruction} {respnse}"\n')
    with pytest.raises(UsageError, match=r"\{respnse\}"):
        load_prompt(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name = 'x'\n", "needs a \\[template\\]"),
        ("[template]\nuser = 'x'\nsytem = 'y'\n", "unknown key 'sytem'"),
        ("answer = 'yaml'\n[template]\nuser = 'x'\n", "answer must be one of"),
        ("[sampling]\ntemperature = 'hot'\n[template]\nuser = 'x'\n", "temperature must be"),
        ("[template\nuser = 'x'\n", "not valid TOML"),
    ],
)
def test_invalid_prompt_files_are_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        load_prompt(_write(tmp_path, text, f"p{abs(hash(text))}.toml"))


def test_unknown_prompt_name_and_missing_path() -> None:
    with pytest.raises(UsageError, match=r"unknown prompt 'nope'.*midb"):
        load_prompt("nope")
    with pytest.raises(UsageError, match="no such file"):
        load_prompt("/nonexistent/prompt.toml")


def test_the_wheel_lists_every_package_and_ships_the_prompts() -> None:
    """pyproject.toml lists packages by hand (to map prompts/ to midb_cli.prompts): a package
    added under src/ without being listed would be missing from the wheel."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: midb depends on tomli there
        import tomli as tomllib

    root = Path(__file__).resolve().parent.parent
    setuptools = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    on_disk = {
        ".".join(p.parent.relative_to(root / "src").parts)
        for p in (root / "src" / "midb_cli").rglob("__init__.py")
    }
    listed = set(setuptools["packages"])
    assert on_disk - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert setuptools["package-dir"]["midb_cli.prompts"] == "prompts"
    shipped = setuptools["package-data"]["midb_cli.prompts"]
    files = {
        p.relative_to(root / "prompts").as_posix()
        for p in (root / "prompts").rglob("*")
        if p.is_file()
    }
    assert files and all(any(Path(f).match(g) for g in shipped) for f in files)
