"""The HTML diff report on the real MIDB training data: directions and time, per language.

For each of the 13 machine-translated files it writes the `midb diff --html` report of all
records (``--top 0``) and counts, in the fields shown, the lines rendered right-to-left and
left-to-right, and the changed records shown before the unchanged ones. Expected: Arabic
lines almost all right-to-left (the rest are code, URLs, numbers-only lines in English),
every other language almost all left-to-right. Also prints the seconds per report.

    python bench/bench_report.py

Skips (exit 0) when ../shared/data/midb_train is absent, e.g. on a user's clone.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from midb_cli.report.run import DiffOptions, run_diff

DATA = (
    Path(
        os.environ.get("MIDB_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
    )
    / "midb_train"
)
LINE = re.compile(r'<div dir="(rtl|ltr)">')


def main() -> int:
    files = sorted(DATA.glob("*.jsonl.gz")) if DATA.is_dir() else []
    if not files:
        print(f"skipped: {DATA} not found")
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="midb-bench-report-"))
    try:
        print(
            f"{'lang':<5}{'records':>8}{'changed':>9}{'rtl lines':>11}{'ltr lines':>11}"
            f"{'rtl %':>8}{'seconds':>9}"
        )
        for path in files:
            lang = path.name.split(".")[0]
            plain = tmp / f"{lang}.jsonl"
            plain.write_bytes(gzip.decompress(path.read_bytes()))
            html = tmp / f"{lang}.html"
            started = time.perf_counter()
            summary = run_diff(DiffOptions(str(plain), html=str(html), top=0))
            seconds = time.perf_counter() - started
            page = html.read_text(encoding="utf-8")
            rtl = ltr = 0
            for direction in LINE.findall(page):
                if direction == "rtl":
                    rtl += 1
                else:
                    ltr += 1
            changed = page.split('<details class="unchanged">')[0].count('<div class="rec">')
            share = 100 * rtl / max(1, rtl + ltr)
            print(
                f"{lang:<5}{summary.counts.compared:>8,}{changed:>9,}{rtl:>11,}{ltr:>11,}"
                f"{share:>8.1f}{seconds:>9.2f}"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
