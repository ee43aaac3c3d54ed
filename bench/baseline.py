"""The revision issue 11 measured, for benchmarks that judge a floor by a ratio.

Issue 11 set its one-core floors in records/s and ms of the machine it measured on, where main
as it then was (``ISSUE_BASELINE_REV``, the commit before the first speed change) ran the rules
engine at 4,335 records/s and the LLM path at 0.474 ms CPU per record. The shared machine's
speed varies by about 2x between sessions, so a raw rate says little: a benchmark runs that
revision beside the current code, on the same core in the same run, and scales by the ratio.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

ISSUE_BASELINE_REV = "6ad9654"
ISSUE_RULES_RECORDS_PER_S = 4335
ISSUE_LLM_MS_PER_RECORD = 0.474


def extract_source(rev: str, tmp: Path) -> Path:
    """midb's ``src`` (and the ``prompts`` it reads) at git revision ``rev``, unpacked under
    ``tmp``; returns the ``src`` folder, for PYTHONPATH."""
    repo = Path(__file__).resolve().parents[1]
    dest = tmp / f"src-{rev}"
    dest.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", rev, "src", "prompts"], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest / "src"
