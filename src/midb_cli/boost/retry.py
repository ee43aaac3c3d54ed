"""A rerun asks again for the records an earlier run left as ``error`` (a server that was down,
a request that timed out), without losing or repeating anything.

The output is append-only, so an ``error`` record in its middle cannot be replaced in place.
The retry pass rebuilds the output beside it, in ``OUT.retrying``: lines of finished records
are copied byte for byte, ``error`` records go through the booster again, records the earlier
run never reached are boosted as usual; when the whole input is done, ``OUT.retrying`` is
renamed over ``OUT`` in one step. ``OUT.retrying`` is itself a resumable output: a kill during
the pass leaves ``OUT`` untouched and the next rerun continues the pass where it stopped.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

from midb_cli.boost.output import ExistingOutput, ResumableOutput, output_meta
from midb_cli.errors import InputError

RETRY_SUFFIX = ".retrying"


def retry_path(output: str | os.PathLike[str]) -> Path:
    path = Path(output)
    return path.with_name(path.name + RETRY_SUFFIX)


def retry_pass_for(
    output_path: str | os.PathLike[str], existing: ExistingOutput, *, overwrite: bool, retry: bool
) -> RetryPass | None:
    """A pass that asks again for the `error` records of ``existing``, when there are any (or
    a pass that a kill interrupted is waiting to be continued). ``overwrite`` (starting over)
    or not ``retry`` (keeping errors) voids an old pass."""
    stale = retry_path(output_path)
    if overwrite or not retry:
        stale.unlink(missing_ok=True)
        return None
    if not existing.error_marks and not stale.exists():
        return None
    return RetryPass(output_path, existing)


class RetryPass:
    """The rebuilt output (``output``) and a reader over the old one (``next_old``)."""

    def __init__(self, output_path: str | os.PathLike[str], old: ExistingOutput) -> None:
        self.target = Path(output_path)
        self.path = retry_path(output_path)
        self.old = old
        # The lock on OUT covers OUT.retrying too: one run owns both.
        self.output = ResumableOutput(self.path, lock=False)
        self.retried = 0
        self._old: IO[bytes] | None = None
        self._old_line = 0
        try:
            self.existing = self.output.open(resume=True)
            if self.existing.records > old.records:
                raise InputError(
                    f"{self.path} holds more records than {self.target}: it is not a retry "
                    "of this output; remove it, or use --overwrite to start over"
                )
            self._old = open(self.target, "rb")  # noqa: SIM115 - closed in close()
            for _ in range(self.existing.records):  # those are already in OUT.retrying
                self._old.readline()
                self._old_line += 1
        except BaseException:
            self.close()  # the caller never gets this pass to close (review)
            raise

    def next_old(self, record_id: str) -> tuple[bytes, dict[str, Any]]:
        """The next line of the old output and its ``midb`` object, which must belong to the
        input's next record, ``record_id``."""
        assert self._old is not None
        raw = self._old.readline()
        self._old_line += 1
        if not raw.endswith(b"\n"):
            raise InputError(f"{self.target}:{self._old_line}: ended while being retried")
        meta = output_meta(self.target, self._old_line, raw.rstrip(b"\n"))
        if meta["id"] != record_id:
            raise InputError(
                f"{self.target}:{self._old_line}: has id {meta['id']!r}, the input's record "
                f"{self._old_line:,} has {record_id!r}: it is not the output of this input; use "
                "--overwrite to start over"
            )
        return raw, meta

    def finish(self) -> None:
        """Everything is written: the rebuilt output replaces the old one in one step."""
        self.output.close()
        self._close_old()
        os.replace(self.path, self.target)

    def close(self) -> None:
        try:
            self.output.close()
        finally:
            self._close_old()

    def _close_old(self) -> None:
        if self._old is not None:
            self._old.close()
            self._old = None
