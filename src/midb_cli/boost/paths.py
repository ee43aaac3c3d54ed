"""Where a boost run writes, and the checks that keep it from overwriting what it reads."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from midb_cli.errors import InputError, UsageError
from midb_cli.records.paths import refuse_clashes

if TYPE_CHECKING:
    from midb_cli.boost.options import BoostOptions


def default_rejects_path(output: str) -> str:
    """``out.jsonl`` -> ``out.rejects.jsonl`` (beside the output)."""
    base = output[: -len(".jsonl")] if output.endswith(".jsonl") else output
    return base + ".rejects.jsonl"


def validate_paths(
    output: str,
    inputs: list[str],
    rejects: str | None,
    report: str | None = None,
    cache: str | None = None,
) -> None:
    """Refuse outputs that cannot be written resumably, missing inputs, and outputs that would
    overwrite an input or each other (the rejects file, the report)."""
    if output == "-":
        raise UsageError("-o must be a file (the output is resumable, not a stream)")
    if output.endswith(".gz"):
        raise UsageError(
            f"-o {output}: write plain JSONL (a resumable output cannot be gzipped); compress it "
            "after the run"
        )
    if output.lower().endswith(".json"):
        # (a JSON array cannot be appended to and resumed; `.json` readers expect one)
        raise UsageError(
            f"-o {output}: boost writes JSON Lines, one record a line, so that a rerun resumes: "
            "name it X.jsonl (or X.parquet); `midb export X.jsonl -o Y.json` makes a JSON array"
        )
    if Path(output).is_dir():
        raise UsageError(f"-o {output} is a directory; give a file path")
    for path in inputs:
        if path != "-" and not Path(path).exists():
            raise InputError(f"{path}: no such file")
    refuse_clashes(
        {
            "-o": output,
            "--rejects": rejects or default_rejects_path(output),
            "--report": report,
            "--cache": cache,
        },
        inputs,
    )


def validate_run_paths(options: BoostOptions) -> None:
    """``validate_paths`` of a boost run: a plain run, and a sharded one before its plan;
    a Parquet output needs pyarrow, checked before the run starts."""
    from midb_cli.records.parquet import require_parquet_output

    require_parquet_output(options.output)
    validate_paths(
        options.output,
        [options.input] + ([options.source] if options.source else []),
        options.rejects,
        options.report,
        options.engine.llm.cache_path,
    )


def work_path(output: str) -> str:
    """The resumable JSONL a run appends to: ``output``, or ``X.parquet.jsonl`` for a Parquet
    output (Parquet cannot be appended to, so it is written whole from the finished work file,
    which stays beside it for reruns)."""
    from midb_cli.records.parquet import is_parquet_file  # (no pyarrow import)

    return output + ".jsonl" if is_parquet_file(output) else output


def write_parquet(work: str, output: str, arrow_schema: object) -> None:
    """The finished work file as Parquet (atomically), columns typed like the input's when it
    was Parquet too."""
    from midb_cli.jsonio import loads
    from midb_cli.records.parquet import ParquetWriter

    with ParquetWriter(output, arrow_schema=arrow_schema) as writer, open(work, "rb") as fh:
        for line in fh:
            writer.write(loads(line))


def remove_file(path: str) -> None:
    """Remove ``path`` if it is there; a file that cannot be removed is an input error."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise InputError(f"{path}: cannot replace: {exc.strerror}") from None
