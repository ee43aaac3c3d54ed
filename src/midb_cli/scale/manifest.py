"""The shard plan of one boost job: ``OUT.midb/manifest.json`` and the files beside it.

The plan names the input (a fingerprint of its size and sampled content), the options that decide
the output (as a hash, so a rerun with other options is refused instead of mixing two runs in one
output), the file's language prior (estimated once, from the whole file's first records, and
handed to every shard) and the shards' byte ranges with the line number each one starts at.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from midb_cli import jsonio
from midb_cli.boost.engines import check_engine
from midb_cli.boost.guards import GuardSettings
from midb_cli.boost.pipeline import BoostOptions
from midb_cli.boost.protocol import EngineSelection
from midb_cli.boost.run_identity import fingerprint, options_hash, same_input
from midb_cli.errors import InputError, UsageError
from midb_cli.llm.endpoint import display_url
from midb_cli.llm.settings import LLMSettings

VERSION = 1


@dataclass(frozen=True)
class Shard:
    index: int
    #: bytes [start, end) of the input; None for a whole file (.gz, JSON array, Parquet)
    start: int | None
    end: int | None
    first_line: int


@dataclass
class Plan:
    directory: Path
    input: dict[str, Any]
    options: BoostOptions
    prior: str | None
    #: the schema the file's first records showed, given to every shard after the first
    schema: str | None
    shards: list[Shard]

    def shard_base(self, index: int) -> Path:
        return self.directory / "shards" / f"{index:05d}"

    def output_of(self, index: int) -> Path:
        return self.shard_base(index).with_suffix(".jsonl")

    def rejects_of(self, index: int) -> Path:
        return self.shard_base(index).with_suffix(".rejects.jsonl")

    def done_marker(self, index: int) -> Path:
        return self.shard_base(index).with_suffix(".done")

    def cache_of(self, index: int) -> Path:
        return self.directory / "caches" / f"{index:05d}.sqlite"

    def done(self) -> set[int]:
        return {s.index for s in self.shards if self.done_marker(s.index).exists()}


def plan_directory(output: str) -> Path:
    return Path(output + ".midb")


def options_to_json(options: BoostOptions) -> dict[str, Any]:
    """The options as the plan keeps them (every shard reads its options here). A secret is
    never written: the engine's options are parsed first (an option named like a secret is
    refused there), and a URL with credentials (`http://user:password@host`) is refused."""
    check_engine(options.engine)
    for key, value in options.engine.backend_options.items():
        for text in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(text, str) and display_url(text) != text.strip():
                flag = "--" + key.replace("_", "-")
                raise UsageError(
                    f"{flag} {display_url(text)!r} holds a password, and a run in shards "
                    f"writes its options to {plan_directory(options.output)}/manifest.json "
                    "for every shard to read: give the key through the environment "
                    "(--api-key-env NAME), or run without --workers/--ray/shards"
                )
    return dataclasses.asdict(options)


def options_from_json(data: dict[str, Any]) -> BoostOptions:
    values = dict(data)
    engine = dict(values.pop("engine"))
    engine["llm"] = LLMSettings(**engine["llm"])
    values["engine"] = EngineSelection(**engine)
    values["guards"] = GuardSettings(**values.pop("guards"))
    return BoostOptions(**values)


def save_plan(plan: Plan) -> None:
    """Written to a temporary file and renamed: a plan is complete or absent."""
    data = {
        "version": VERSION,
        "input": plan.input,
        "options_hash": options_hash(plan.options),
        "options": options_to_json(plan.options),
        "prior": plan.prior,
        "schema": plan.schema,
        "shards": [dataclasses.asdict(s) for s in plan.shards],
    }
    plan.directory.mkdir(parents=True, exist_ok=True)
    (plan.directory / "shards").mkdir(exist_ok=True)
    tmp = plan.directory / "manifest.json.tmp"
    tmp.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")
    os.replace(tmp, plan.directory / "manifest.json")


def load_plan(directory: str | os.PathLike[str]) -> Plan:
    path = Path(directory) / "manifest.json"
    try:
        data = jsonio.loads(path.read_bytes())
    except FileNotFoundError:
        raise InputError(f"{directory}: no shard plan here (run `midb shard plan` first)") from None
    except (OSError, jsonio.JSONError) as exc:
        raise InputError(f"{path}: unreadable plan: {exc}") from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise InputError(f"{path}: not a midb shard plan of version {VERSION}")
    return Plan(
        directory=Path(directory),
        input=data["input"],
        options=options_from_json(data["options"]),
        prior=data["prior"],
        schema=data["schema"],
        shards=[Shard(**s) for s in data["shards"]],
    )


def refuse_other_run(plan: Plan, options: BoostOptions) -> None:
    """A rerun must be the same job: same input, same output-deciding options."""
    what = None
    if not same_input(fingerprint(options.input), plan.input):
        what = f"another input (it was {plan.input['path']})"
    elif options_hash(options) != options_hash(plan.options):
        what = "other options"
    if what:
        raise InputError(
            f"{plan.directory} holds the shards of a run with {what}; rerun that command, or use "
            "--overwrite to start over"
        )
