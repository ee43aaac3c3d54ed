"""Prompt files: load, validate and render the booster's chat messages.

A prompt file is TOML (see prompts/midb.toml)::

    name = "midb"
    description = "..."
    answer = "tagged"            # how the answer is parsed: tagged | flat | json
    structured = "json"          # optional: ask the engine to constrain output (json | regex)
    [sampling]                   # optional defaults; every one is overridable by flags
    temperature = 0.95
    [template]
    system = "..."               # optional
    user = "..."                 # required

Templates use ``{variable}`` placeholders (``{{`` and ``}}`` for literal braces). An unknown
variable is refused when the file is loaded, never rendered as an empty string.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from midb_cli.distance import serialize_pair
from midb_cli.errors import UsageError
from midb_cli.languages import language_name
from midb_cli.llm.backend import SamplingConfig
from midb_cli.records.pair import Pair

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

#: every variable a template may use
VARIABLES: frozenset[str] = frozenset(
    {
        "instruction",
        "input",
        "response",
        "lang",
        "lang_name",
        "locale_notes",
        "tagged_pair",
        "flat_pair",
    }
)
#: the variables of the judge's pairwise prompt and of the single-answer score prompt: each task
#: loads its prompts with its own set, so a boost prompt given to `midb judge` (or the other way
#: round) is refused when it is loaded, not rendered with holes
JUDGE_VARIABLES: frozenset[str] = frozenset(
    {"question", "answer_a", "answer_b", "lang", "lang_name"}
)
SCORE_VARIABLES: frozenset[str] = VARIABLES
ANSWER_FORMATS: tuple[str, ...] = ("tagged", "flat", "json")
STRUCTURED_KINDS: tuple[str, ...] = ("json", "regex")
DEFAULT_PROMPT = "midb"

_TOP_KEYS = frozenset({"name", "description", "answer", "structured", "sampling", "template"})
_SAMPLING_KEYS = frozenset({"temperature", "top_p", "top_k", "max_tokens"})
_TEMPLATE_KEYS = frozenset({"system", "user"})
# `{{`, `}}`, or `{name}`; anything else (JSON braces, `{ x }`) stays literal text
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")

#: the JSON schema used when a prompt asks for structured JSON output
PAIR_JSON_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "instruction": {"type": "string"},
        "input": {"type": "string"},
        "response": {"type": "string"},
    },
    "required": ["instruction", "input", "response"],
    "additionalProperties": False,
}
#: the regex used when a prompt asks for structured tagged output
PAIR_TAGGED_REGEX = r"<\|instruction\|>[\s\S]+\n<\|input\|>[\s\S]*\n<\|response\|>[\s\S]+"


class Template:
    """A template split once into literal text and variable names, so rendering is a join."""

    __slots__ = ("parts", "source", "variables")

    def __init__(self, source: str, where: str, variables: frozenset[str] = VARIABLES) -> None:
        self.source = source
        parts: list[tuple[bool, str]] = []  # (is_variable, text or name)
        pos = 0
        for match in _PLACEHOLDER.finditer(source):
            literal = source[pos : match.start()]
            token = match.group(0)
            name = match.group(1)
            if name is None:
                literal += token[0]  # `{{` -> `{`, `}}` -> `}`
            elif name not in variables:
                known = ", ".join(sorted(variables))
                raise UsageError(f"{where}: unknown template variable {{{name}}}; known: {known}")
            if literal:
                parts.append((False, literal))
            if name is not None:
                parts.append((True, name))
            pos = match.end()
        if pos < len(source):
            parts.append((False, source[pos:]))
        self.parts = tuple(parts)
        self.variables = frozenset(text for is_var, text in parts if is_var)

    def render(self, values: dict[str, str]) -> str:
        out: list[str] = []
        for is_var, text in self.parts:
            if is_var:
                try:
                    out.append(values[text])
                except KeyError:
                    raise UsageError(f"template variable {{{text}}} has no value") from None
            else:
                out.append(text)
        return "".join(out)


@dataclass(frozen=True)
class PromptSpec:
    name: str
    description: str
    path: Path
    answer: str
    structured: str | None
    sampling: SamplingConfig
    system: Template | None
    user: Template

    def render(self, pair: Pair, lang: str) -> list[dict[str, str]]:
        """The chat messages for one pair in language ``lang``."""
        values = {
            "instruction": pair.instruction,
            "input": pair.input,
            "response": pair.response,
            "lang": lang,
            "lang_name": language_name(lang),
        }
        needed = self.user.variables | (self.system.variables if self.system else frozenset())
        if "locale_notes" in needed:
            values["locale_notes"] = locale_notes(lang)
        if "tagged_pair" in needed:
            values["tagged_pair"] = tagged_pair(pair)
        if "flat_pair" in needed:
            values["flat_pair"] = serialize_pair(pair)
        messages = []
        if self.system is not None:
            messages.append({"role": "system", "content": self.system.render(values)})
        messages.append({"role": "user", "content": self.user.render(values)})
        return messages

    def render_values(self, values: dict[str, str]) -> list[dict[str, str]]:
        """The chat messages for a task's own variables (judge: question and answers)."""
        messages = []
        if self.system is not None:
            messages.append({"role": "system", "content": self.system.render(values)})
        messages.append({"role": "user", "content": self.user.render(values)})
        return messages

    def structured_constraint(self) -> dict[str, Any] | None:
        """The `GenerationRequest.structured` value this prompt asks for, if any."""
        if self.structured == "json":
            return {"json": PAIR_JSON_SCHEMA}
        if self.structured == "regex":
            return {"regex": PAIR_TAGGED_REGEX}
        return None


def tagged_pair(pair: Pair) -> str:
    """MIDB's tagged form of a pair (the booster's input and output format)."""
    return f"<|instruction|>{pair.instruction}\n<|input|>{pair.input}\n<|response|>{pair.response}"


def prompts_dir() -> Path:
    """The shipped prompts: inside the installed package (wheel), or the repository's
    top-level prompts/ folder (editable install or source checkout)."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "prompts", package.parent.parent / "prompts"):
        if (candidate / f"{DEFAULT_PROMPT}.toml").is_file():
            return candidate
    raise UsageError("the shipped prompt files are missing; reinstall midb-cli")


def builtin_prompt_names() -> list[str]:
    return sorted(p.stem for p in prompts_dir().glob("*.toml"))


def resolve_prompt_path(name_or_path: str | None) -> Path:
    value = name_or_path or DEFAULT_PROMPT
    looks_like_path = "/" in value or "\\" in value or value.endswith(".toml")
    if looks_like_path:
        path = Path(value).expanduser()
        if not path.is_file():
            raise UsageError(f"--prompt: no such file: {value}")
        return path
    path = prompts_dir() / f"{value}.toml"
    if not path.is_file():
        names = ", ".join(builtin_prompt_names())
        raise UsageError(f"--prompt: unknown prompt {value!r}; built in: {names} (or give a path)")
    return path


def load_prompt(
    name_or_path: str | None = None, *, variables: frozenset[str] = VARIABLES
) -> PromptSpec:
    """Load and validate a prompt by built-in name or file path (None: the default prompt);
    ``variables`` are the ones the task can fill (the booster's by default)."""
    path = resolve_prompt_path(name_or_path)
    return _load_prompt_file(path.resolve(), variables)


@lru_cache(maxsize=16)
def _load_prompt_file(path: Path, variables: frozenset[str] = VARIABLES) -> PromptSpec:
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--prompt: cannot read {where}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{where}: not valid TOML: {exc}") from None
    _refuse_unknown_keys(data, _TOP_KEYS, where)
    template = data.get("template")
    if not isinstance(template, dict) or not isinstance(template.get("user"), str):
        raise UsageError(f'{where}: needs a [template] table with a `user = "..."` string')
    _refuse_unknown_keys(template, _TEMPLATE_KEYS, f"{where} [template]")
    system = template.get("system")
    if system is not None and not isinstance(system, str):
        raise UsageError(f"{where}: [template] system must be a string")
    answer = data.get("answer", "tagged")
    if answer not in ANSWER_FORMATS:
        raise UsageError(f"{where}: answer must be one of {', '.join(ANSWER_FORMATS)}")
    structured = data.get("structured")
    if structured is not None and structured not in STRUCTURED_KINDS:
        raise UsageError(f"{where}: structured must be one of {', '.join(STRUCTURED_KINDS)}")
    return PromptSpec(
        name=str(data.get("name", path.stem)),
        description=str(data.get("description", "")),
        path=path,
        answer=answer,
        structured=structured,
        sampling=_sampling(data.get("sampling", {}), where),
        system=(
            Template(system, f"{where} [template] system", variables)
            if system is not None
            else None
        ),
        user=Template(template["user"], f"{where} [template] user", variables),
    )


def _sampling(table: Any, where: str) -> SamplingConfig:
    if not isinstance(table, dict):
        raise UsageError(f"{where}: [sampling] must be a table")
    _refuse_unknown_keys(table, _SAMPLING_KEYS, f"{where} [sampling]")
    # A prompt without top_k means "the server's default" (OpenAI endpoints do not know it).
    values: dict[str, Any] = {"top_k": None}
    for key, kind in (
        ("temperature", float),
        ("top_p", float),
        ("top_k", int),
        ("max_tokens", int),
    ):
        if key in table:
            value = table[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise UsageError(f"{where}: [sampling] {key} must be a number")
            values[key] = kind(value)
    return SamplingConfig(**values)


def _refuse_unknown_keys(table: dict[str, Any], known: frozenset[str], where: str) -> None:
    unknown = sorted(set(table) - known)
    if unknown:
        raise UsageError(f"{where}: unknown key {unknown[0]!r}; known: {', '.join(sorted(known))}")


@lru_cache(maxsize=32)
def locale_notes(lang: str) -> str:
    """The localization notes for ``lang`` (prompts/locale/<lang>.md), or a neutral line."""
    path = prompts_dir() / "locale" / f"{lang}.md"
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        return "- Follow the usual conventions of the language for punctuation, numbers and dates."
