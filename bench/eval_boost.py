"""Evaluate the planted-defect set through `midb boost` (the default `rules` engine): the share
of fixable defects fixed to the expected text, and whether clean records come out
byte-identical. The set comes from `bench/eval_checks.py --write FILE`:

    python bench/eval_checks.py --per-kind 10 --clean 60 --write /tmp/planted.jsonl
    python bench/eval_boost.py /tmp/planted.jsonl
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROLES = ("instruction", "input", "response")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("planted", type=Path, help="JSONL written by eval_checks.py --write")
    args = parser.parse_args()
    rows = [
        json.loads(line) for line in args.planted.read_text(encoding="utf-8").split("\n") if line
    ]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.jsonl"
        subprocess.run(
            [sys.executable, "-m", "midb_cli", "boost", str(args.planted), "-o", str(out),
             "--fields", "instruction=instruction,input=input,response=response",
             "--source-key", "source", "--quiet"],
            check=True,
        )  # fmt: skip
        written = {
            r["id"]: r
            for r in map(json.loads, filter(None, out.read_text(encoding="utf-8").split("\n")))
        }
    fixed, fixable, clean_same, clean = Counter(), Counter(), 0, 0
    changed_clean = []
    statuses: Counter[str] = Counter()
    for row in rows:
        got = written[row["id"]]
        statuses[
            got["midb"]["status"] + (":" + got["midb"]["reason"] if got["midb"]["reason"] else "")
        ] += 1
        if row["planted"] is None:
            clean += 1
            same = all(got[r] == row[r] for r in ROLES)
            clean_same += same
            if not same:
                changed_clean.append((row["id"], got["midb"].get("fixes")))
        elif row.get("expected") is not None:
            fixable[row["planted"]] += 1
            fixed[row["planted"]] += all(got[r] == row["expected"][r] for r in ROLES)
    print(f"{len(rows):,} records through `midb boost` (rules)")
    for kind in sorted(fixable):
        print(f"  {kind:20} fixed to the expected text {fixed[kind]:4}/{fixable[kind]:<4}")
    total = sum(fixable.values())
    print(
        f"fixable defects fixed: {sum(fixed.values())}/{total} = {sum(fixed.values()) / max(total, 1):.1%}"
    )
    print(f"clean records byte-identical: {clean_same}/{clean}")
    print(f"statuses: {dict(statuses.most_common(8))}")
    for rid, fixes in changed_clean:
        print(f"  clean record changed: {rid}: {fixes}")


if __name__ == "__main__":
    main()
