"""Ctrl-C and SIGTERM during a boost run: the shared ``midb_cli.signals`` (kept under this name
for the pipeline and library users that import it from here)."""

from midb_cli.signals import CtrlC, HeldBlock, Terminated, interrupt_exit_code

__all__ = ["CtrlC", "HeldBlock", "Terminated", "interrupt_exit_code"]
