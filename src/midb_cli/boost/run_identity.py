"""Which run an output belongs to: its input (size and sampled content) and the options that
decide what is written. A rerun with another input or other options is refused instead of
mixing two runs in one file (records 1-14,000 with a fix, the rest without).

A plain boost keeps it beside the file it appends to (``OUT.run.json``, written before the
first record, so an output never exists without it; an output of an older midb has none and is
continued as before); a sharded one keeps it in its plan (scale/manifest.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
from pathlib import Path
from typing import Any

import orjson

from midb_cli import jsonio
from midb_cli.boost.engines import answer_options
from midb_cli.boost.options import BoostOptions
from midb_cli.boost.output import ResumableOutput
from midb_cli.errors import InputError, UsageError

VERSION = 1
#: options that change how fast or where a run goes, not what it writes
RUN_ONLY = frozenset(
    {"input", "output", "rejects", "overwrite", "report", "max_parked", "retry_errors"}
)
SHARD_ONLY = frozenset({"start", "end", "first_line", "prior_given", "prior"})
_SAMPLES = 16
_SAMPLE_BYTES = 1 << 16


def fingerprint(path: str, size: int | None = None) -> dict[str, Any]:
    """Size and a hash of 16 evenly spread 64 KiB samples: cheap on a 10 GB file, and a
    changed input (other records, appended lines) shows in it. With ``size``, of the file's
    first ``size`` bytes only (what an earlier run's fingerprint covered)."""
    try:
        if size is None:
            size = os.path.getsize(path)
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for k in range(_SAMPLES):
                offset = max(0, (size - _SAMPLE_BYTES) * k // (_SAMPLES - 1))
                fh.seek(offset)
                digest.update(fh.read(min(_SAMPLE_BYTES, size - offset)))
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    return {"path": os.path.abspath(path), "size": size, "sha256_samples": digest.hexdigest()}


def same_input(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """The same content (a file moved or reached by another path is the same input)."""
    return a.get("size") == b.get("size") and a.get("sha256_samples") == b.get("sha256_samples")


def input_continues(old: dict[str, Any], path: str) -> bool:
    """``path`` is the input ``old`` describes, or that input with records appended (the
    rerun boosts them too): its first ``old["size"]`` bytes sample the same."""
    size = old.get("size")
    try:
        now = os.path.getsize(path)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror}") from None
    if not isinstance(size, int) or now < size:
        return False
    return same_input(old, fingerprint(path, size))


def output_options(options: BoostOptions) -> dict[str, Any]:
    """The options that decide what a run writes, as plain JSON data (what a saved identity
    reads back: tuples are lists, paths strings, the check kinds of --select/--ignore in
    order)."""
    data = dataclasses.asdict(options)
    for key in RUN_ONLY | SHARD_ONLY:
        data.pop(key, None)
    for key in ("select", "ignore"):
        if data.get(key) is not None:
            data[key] = sorted(data[key])
    if data.get("id_key") == "id":
        data["id_key"] = None  # `--id-key id` names the default key: the same ids
    engine = data["engine"]
    # the backend's own word on which of its settings change answers
    engine["backend_options"] = answer_options(options.engine)
    engine["llm"].pop("cache_path", None)
    engine["llm"].pop("no_cache", None)
    plain: dict[str, Any] = jsonio.loads(orjson.dumps(data, default=_plain))
    return plain


def _plain(value: object) -> object:
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return str(value)  # a Path (--source, a prompt file)


def _fingerprintable(path: str) -> bool:
    """A regular file: standard input, a pipe or `<(...)` cannot be read twice."""
    return path != "-" and os.path.isfile(path)


def options_hash(options: BoostOptions) -> str:
    data = output_options(options)
    return hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()


def identity_path(work: str) -> Path:
    """``out.jsonl`` -> ``out.jsonl.run.json``."""
    return Path(work + ".run.json")


def save_identity(work: str, options: BoostOptions) -> None:
    """Written to a temporary file and renamed: complete or absent."""
    data = {"version": VERSION, "options": output_options(options)}
    if _fingerprintable(options.input):
        data["input"] = fingerprint(options.input)
    path = identity_path(work)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError(f"{path}: cannot write: {exc.strerror}") from None


def remove_identity(work: str) -> None:
    """An output replaced by a job that keeps its identity elsewhere (a sharded run's plan)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(identity_path(work))


def claim_output(work: str, options: BoostOptions, resumed: int, output: ResumableOutput) -> None:
    """An output with ``resumed`` records must be this run's (else refused). A new or
    overwritten one gets this run's identity just before its first record replaces the old
    file (not before: an --overwrite that fails first leaves the old job and its identity
    together), an empty one continued gets it now."""
    if resumed:
        if refuse_other_run(work, options):
            save_identity(work, options)  # (the input may have grown: records appended)
        return
    output.before_create = lambda: save_identity(work, options)
    if output.is_open:
        save_identity(work, options)


def refuse_other_run(work: str, options: BoostOptions) -> bool:
    """``work`` holds records of a run with another input or other options: refuse (exit 2)
    and say which, so the rerun can be put right or started over with --overwrite. False
    when ``work`` has no identity to check (an output of an older midb)."""
    path = identity_path(work)
    try:
        saved = jsonio.loads(path.read_bytes())
    except FileNotFoundError:
        return False  # by a midb without run identities: its first and last ids are checked
    except (OSError, jsonio.JSONError) as exc:
        raise InputError(f"{path}: unreadable: {exc}; use --overwrite to start over") from None
    if not isinstance(saved, dict) or saved.get("version") != VERSION:
        return False
    advice = "rerun the command that started it, or use --overwrite to start over"
    old_input = saved.get("input")
    if (
        isinstance(old_input, dict)
        and _fingerprintable(options.input)
        and not input_continues(old_input, options.input)
    ):
        raise UsageError(
            f"{work} was started from another input, or {options.input} changed since (it "
            f"was {old_input.get('path')}, {old_input.get('size', 0):,} bytes; records may "
            f"be appended, not edited); {advice}"
        )
    changed = changed_options(saved.get("options") or {}, output_options(options))
    if changed:
        raise UsageError(f"{work} was started with other {', '.join(changed)}; {advice}")
    return True


def changed_options(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The options that differ, named as the command line names them (`--lang`, `--model`,
    `--regenerate-fallbacks`), the guards' by their group."""
    names = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        if key == "engine":
            names.extend(_engine_changes(old.get(key) or {}, new.get(key) or {}))
        elif key == "guards":
            names.append("guard settings")
        else:
            names.append(_flag(key))
    return names


def _engine_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    if old.get("name") != new.get("name"):
        return ["--engine"]
    names = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):  # llm settings, backend options
            names += [_flag(k) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
        else:
            names.append(_flag(key))
    return names


def _flag(key: str) -> str:
    return "--" + key.replace("_", "-")
