"""The judgments file: one line per judged pair, appended as pairs finish (any order), kept by a
rerun of the same command. It is the boost output's ``ResumableOutput`` (kill -9 safe, torn
last line cut off), written line by line so that a killed run loses no finished judgment.

A line: ``{"id", "lang", "outcome", "flip", "verdicts": [ab, ba], "raw": [ab, ba], "midb":
{"id", "task", "judge"}}``; ``midb.judge`` identifies the judge (backend, model, prompt,
comparison), so a rerun with another judge refuses to mix its verdicts into the old file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from midb_cli.boost.output import ResumableOutput
from midb_cli.errors import InputError, UsageError
from midb_cli.jsonio import JSONError, loads
from midb_cli.records.output_names import refuse_misnamed_output
from midb_cli.signals import Cleanup


@dataclass(frozen=True, slots=True)
class PastJudgment:
    lang: str
    outcome: str | None
    flip: bool


def validate_output_path(output: str) -> None:
    if output == "-":
        raise UsageError("-o must be a file (the judgments file is resumable, not a stream)")
    if output.endswith(".gz"):
        raise UsageError(f"-o {output}: write plain JSONL (a resumable output cannot be gzipped)")
    refuse_misnamed_output(output, why="one record a line so that a rerun resumes")
    if Path(output).is_dir():
        raise UsageError(f"-o {output} is a directory; give a file path")


def open_judgments(
    path: str, *, overwrite: bool, judge: str, task: str, cleanup: Cleanup
) -> tuple[ResumableOutput, dict[str, PastJudgment]]:
    """Open the output for appending (``cleanup`` closes it, and removes it if the run wrote
    nothing); returns what an earlier run of this judge left in it."""
    output = ResumableOutput(path, flush_bytes=1)  # every finished pair reaches the OS at once
    with cleanup.ctrl_c.held():  # the lock is taken and handed to cleanup, whole
        # only once the lock is ours: a run refused by another's lock must not remove the
        # (still empty) file that run is writing
        existing = output.open(resume=not overwrite)
        cleanup.add(lambda: remove_if_empty(path))
        cleanup.add(output.close)
    past = read_judgments(Path(path), judge, task) if existing.records else {}
    return output, past


def read_judgments(path: Path, judge: str, task: str) -> dict[str, PastJudgment]:
    past: dict[str, PastJudgment] = {}
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, 1):
            try:
                obj = loads(raw)
            except JSONError:
                obj = None
            meta = obj.get("midb") if isinstance(obj, dict) else None
            if not isinstance(meta, dict) or meta.get("task") != task:
                raise InputError(
                    f"{path}:{number}: the output exists but is not a midb {task} output; use "
                    "--overwrite to replace it, or choose another path"
                )
            if meta.get("judge") != judge:
                raise InputError(
                    f"{path}: was written by another judge ({meta.get('judge')}); use "
                    "--overwrite to start over, or choose another path"
                )
            assert isinstance(obj, dict)
            outcome = obj.get("outcome")
            past[str(meta.get("id"))] = PastJudgment(
                str(obj.get("lang")),
                outcome if outcome in ("win", "tie", "loss") else None,
                bool(obj.get("flip")),
            )
    return past


def judgment_line(
    key: str,
    record_id: str,
    lang: str,
    outcome: str | None,
    flip: bool,
    verdicts: list[int | None],
    raw: list[str],
    judge: str,
) -> dict[str, Any]:
    return {
        "id": record_id,
        "lang": lang,
        "outcome": outcome or "missing",
        "flip": flip,
        "verdicts": verdicts,
        "raw": raw,
        "midb": {"id": key, "task": "judge", "judge": judge},
    }


def remove_if_empty(path: str) -> None:
    try:
        if os.path.getsize(path) == 0:
            os.unlink(path)
    except OSError:
        pass
