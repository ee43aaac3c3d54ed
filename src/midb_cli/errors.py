"""The one family of domain errors, and the documented exit codes.

The CLI turns any ``MidbError`` into ``Error: <message>`` on stderr and its ``exit_code``;
library code raises these instead of printing or exiting.
"""

from __future__ import annotations

# Documented in README.md ("Exit codes"). Keep the two in step.
EXIT_OK = 0
EXIT_FINDINGS = 1  # `midb check` found defects (not an error)
EXIT_USAGE = 2  # bad flags or arguments (Typer's own usage errors use 2 as well)
EXIT_INPUT = 3  # unreadable input or unwritable output (missing file, bad schema, --strict)
EXIT_ENGINE = 4  # an engine could not start or is unusable (missing extra, server down)
EXIT_INTERNAL = 70  # a bug in midb: the message asks for a report (MIDB_DEBUG=1 shows the trace)
EXIT_INTERRUPTED = 130  # Ctrl-C; finished work is kept and the same command resumes
EXIT_TERMINATED = 143  # SIGTERM (kill, scancel); handled like Ctrl-C


class MidbError(Exception):
    """A failure the user can act on; the message is shown as is."""

    exit_code = EXIT_INPUT


class UsageError(MidbError):
    exit_code = EXIT_USAGE


class InputError(MidbError):
    exit_code = EXIT_INPUT

    @classmethod
    def empty(cls, path: str) -> InputError:
        """A run over an input without a single record: it did not succeed (exit 3)."""
        return cls(f"{path}: no record: the input is empty")


def refuse_no_record(paths: list[str] | tuple[str, ...], records: int, rejected: int) -> None:
    """A run that read no record and no bad line processed nothing: it did not succeed."""
    if not records and not rejected:
        raise InputError.empty(", ".join(str(p) for p in paths))


class EngineError(MidbError):
    exit_code = EXIT_ENGINE
