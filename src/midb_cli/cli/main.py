"""The ``midb`` command: builds the Typer app and turns domain errors into exit codes.

Each command lives in its own module and registers itself on ``app``; this module only wires
them together and owns the single place where errors become ``Error: ...`` and an exit code.
"""

from __future__ import annotations

import functools
import os
import sys
import typing
from collections.abc import Callable
from typing import Annotated, Any

import typer
from typer.models import ArgumentInfo, OptionInfo

from midb_cli import __version__
from midb_cli.errors import EXIT_INPUT, EXIT_INTERNAL, MidbError
from midb_cli.signals import CtrlC, interrupt_exit_code

app = typer.Typer(
    name="midb",
    help="Clean and boost multilingual instruction-tuning data (JSONL, JSON or Parquet).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"midb {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Clean and boost multilingual instruction-tuning data (JSONL, JSON or Parquet).
    `midb COMMAND --help` shows a command's options and examples."""


def _register_commands() -> None:
    # Imported here so that each command module stays independent of the others.
    from midb_cli.cli import commands

    commands.register(app)
    for command in app.registered_commands:
        if command.callback is not None:
            _name_metavars(command.callback)
            command.callback = _guarded(command.callback)


def _name_metavars(callback: Callable[..., Any]) -> None:
    """Help shows ``--top N``-style names (``--lang LANG``, ``INPUT``) instead of Typer's
    ``<str>``, ``<int range>`` and ``{input}``: every value flag without its own metavar gets
    its parameter's name."""
    # The modules use `from __future__ import annotations`: each evaluation of the hints makes
    # new Option objects, so the evaluated ones are kept as the callback's annotations.
    hints = typing.get_type_hints(callback, include_extras=True)
    for name, hint in hints.items():
        if typing.get_origin(hint) is not Annotated:
            continue
        base, *extras = typing.get_args(hint)
        if base is bool:
            continue
        for info in extras:
            if isinstance(info, (OptionInfo, ArgumentInfo)) and info.metavar is None:
                info.metavar = name.upper()
    callback.__annotations__ = hints


def _guarded(callback: Callable[..., Any]) -> Callable[..., Any]:
    """Handle what Typer would otherwise catch first with the wrong outcome: Ctrl-C (exit 130
    with a message) and a reader that went away (`midb diff ... | head`: exit 0, not 1).

    SIGTERM is turned into an interrupt (``Terminated``, exit 143) for every command, so that
    it unwinds through the command's cleanup as Ctrl-C does: a temporary file removed, a lock
    released, standard output flushed in whole lines, instead of the process dying where it
    stood."""

    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            with CtrlC():
                return callback(*args, **kwargs)
        except KeyboardInterrupt as exc:
            print("Interrupted.", file=sys.stderr)
            raise typer.Exit(interrupt_exit_code(exc)) from None
        except BrokenPipeError:
            _silence_stdout()
            raise typer.Exit(0) from None

    return run


def _silence_stdout() -> None:
    """Point stdout at /dev/null, so the flush at exit does not fail on the closed pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


_register_commands()


def main() -> None:
    try:
        app()
    except MidbError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt as exc:
        print("Interrupted.", file=sys.stderr)
        sys.exit(interrupt_exit_code(exc))
    except BrokenPipeError:
        # `midb diff ... | head`: the reader went away; not an error of ours.
        _silence_stdout()
        sys.exit(0)
    except OSError as exc:
        # The machine said no: a missing folder, no permission, a full disk. Finished work is
        # kept (outputs are appended or written atomically); fix the cause and rerun.
        if os.environ.get("MIDB_DEBUG"):
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"Error: {where}{exc.strerror or exc}", file=sys.stderr)
        sys.exit(EXIT_INPUT)
    except Exception as exc:  # a bug of ours: one clear line, the trace only on request
        if os.environ.get("MIDB_DEBUG"):
            raise
        print(
            f"Error: internal error ({type(exc).__name__}: {exc}). This is a bug in midb; "
            "please report it with the command line (MIDB_DEBUG=1 shows the traceback).",
            file=sys.stderr,
        )
        sys.exit(EXIT_INTERNAL)
