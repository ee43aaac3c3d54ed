"""Fuzz the readers through the CLI: 150 mutated JSON-array files and 12,000 mutated JSONL lines
built from the real MIDB training records, each run through `midb stats --json` and
`midb boost` (rules engine) in process (typer's CliRunner).

Prints, per input kind and mutation kind: files, lines, tracebacks (exceptions that are not
midb's clean errors), exit-70 runs, runs whose counts do not add up (read != written +
rejected, stats records + rejected != boost read) and good records lost. All must be 0.

    python bench/fuzz_reader.py [--arrays 150] [--lines 12000] [--seed 1]

Skips (exit 0) when ../shared/data/midb_train is absent.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import os
import random
import re
import sys
import tempfile
from pathlib import Path

DATA = (
    Path(
        os.environ.get("MIDB_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
    )
    / "midb_train"
)

# inserted inside the first string value: the element or line becomes a reject or stays a
# record; the records around it must not be touched
CONTENT = {
    "invalid_utf8": b"\xff",
    "cut_utf8": "ü".encode()[:1],
    "lone_surrogate": b"\\udc00",
    "bad_escape": b"\\q",
    "raw_newline": b"\n",
    "stray_quote": b'"',
    "nul": b"\x00",
}
# added as an extra key holding this value
VALUES = {
    "nan": b"NaN",
    "infinity": b"-Infinity",
    "huge_float+big_int": b"[1e999, 123456789012345678901234567]",
    "odd_numbers": b"[19.990000000000000001, 1E2, -0]",
    "not_a_value": b"nope",
}
TAILS = {
    "none": b"\n",
    "jsonl_lines": None,  # filled with good records
    "second_array": None,
    "garbage": b"] GARBAGE\n",
}

_READ = re.compile(r"read (\d+) = written (\d+) \+ rejected (\d+)")


def load_rows(rng: random.Random) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for path in sorted(DATA.glob("*.jsonl.gz")):
        with gzip.open(path, "rb") as fh:
            lines = fh.readlines()
        rows += [json.loads(line) for line in rng.sample(lines, 60)]
    return rows


def mutate(raw: bytes, kind: str) -> bytes:
    if kind in CONTENT:
        at = raw.index(b'": "') + 4
        return raw[:at] + CONTENT[kind] + raw[at:]
    return b'{"fuzz": ' + VALUES[kind] + b", " + raw[1:]


def record_bytes(row: dict[str, object], rid: str, indent: int | None) -> bytes:
    return json.dumps({"id": rid, **row}, ensure_ascii=False, indent=indent).encode()


def build_array(rng: random.Random, rows: list, n: int, tag: str) -> tuple[bytes, set[str], str]:
    kinds = sorted(CONTENT) + sorted(VALUES)
    indent = rng.choice([None, 2])
    parts, good = [], set()
    kind = rng.choice(kinds)
    for i in range(n):
        rid = f"{tag}-{i}"
        raw = record_bytes(rng.choice(rows), rid, indent)
        if rng.random() < 0.2:
            raw = mutate(raw, kind)
        else:
            good.add(rid)
        parts.append(raw)
    tail_kind = rng.choice(sorted(TAILS))
    tail = TAILS[tail_kind]
    if tail_kind == "jsonl_lines":
        extra = [f"{tag}-t{i}" for i in range(5)]
        tail = b"\n" + b"".join(record_bytes(rng.choice(rows), r, None) + b"\n" for r in extra)
        good.update(extra)
    elif tail_kind == "second_array":
        extra = [f"{tag}-a{i}" for i in range(5)]
        tail = b"\n[" + b",\n".join(record_bytes(rng.choice(rows), r, indent) for r in extra)
        tail += b"]\n"
        good.update(extra)
    return b"[\n" + b",\n".join(parts) + b"\n]" + tail, good, f"{kind}/{tail_kind}"


def build_jsonl(rng: random.Random, rows: list, n: int, tag: str) -> tuple[bytes, set[str], str]:
    kind = rng.choice(sorted(CONTENT) + sorted(VALUES))
    lines, good = [], set()
    for i in range(n):
        rid = f"{tag}-{i}"
        raw = record_bytes(rng.choice(rows), rid, None)
        if rng.random() < 0.3:
            raw = mutate(raw, kind).replace(b"\n", b"\\n" if kind != "raw_newline" else b"\n")
        else:
            good.add(rid)
        lines.append(raw + b"\n")
    return b"".join(lines), good, kind


def run_one(runner, app, path: Path, good: set[str], out_dir: Path) -> collections.Counter:  # type: ignore[no-untyped-def]
    from midb_cli.errors import MidbError

    tally: collections.Counter = collections.Counter(files=1)
    stats = runner.invoke(app, ["stats", str(path), "--json"])
    out = out_dir / (path.name + ".out.jsonl")
    boost = runner.invoke(app, ["boost", str(path), "-o", str(out)])
    for result in (stats, boost):
        exc = result.exception
        if exc is not None and not isinstance(exc, (SystemExit, MidbError)):
            tally["tracebacks"] += 1
        if result.exit_code == 70:
            tally["exit70"] += 1
    if stats.exit_code != 0 or boost.exit_code != 0:
        tally["clean_errors"] += 1
        return tally
    counted = json.loads(stats.stdout)
    m = _READ.search(boost.stderr)
    read, written, rejected = (int(g) for g in m.groups()) if m else (-1, 0, 0)
    if read != written + rejected or read != counted["records"] + counted["rejected"]:
        tally["counts_wrong"] += 1
    ids = {json.loads(line)["midb"]["id"] for line in out.read_bytes().splitlines()}
    tally["good"] += len(good)
    tally["good_lost"] += len(good - ids)
    tally["records"] += written
    tally["rejected"] += rejected
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arrays", type=int, default=150)
    parser.add_argument("--lines", type=int, default=12_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found")
        return 0
    from typer.testing import CliRunner

    from midb_cli.cli.main import app

    rng = random.Random(args.seed)
    rows = load_rows(rng)
    runner = CliRunner()
    by_kind: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        jobs = [("array", build_array, 20, f"a{i}", ".json") for i in range(args.arrays)]
        per_file = 500
        jobs += [
            ("jsonl", build_jsonl, per_file, f"l{i}", ".jsonl")
            for i in range(-(-args.lines // per_file))
        ]
        for input_kind, build, n, tag, ext in jobs:
            data, good, kind = build(rng, rows, n, tag)
            path = folder / f"{tag}{ext}"
            path.write_bytes(data)
            tally = run_one(runner, app, path, good, folder)
            tally["lines"] += n if input_kind == "jsonl" else 0
            by_kind[f"{input_kind} {kind}"] += tally
            by_kind[f"{input_kind} (all)"] += tally
    cols = ["files", "lines", "records", "rejected", "good", "good_lost", "tracebacks", "exit70"]
    cols += ["counts_wrong", "clean_errors"]
    print(f"{'input / mutation':42}" + "".join(f"{c:>13}" for c in cols))
    for name in sorted(by_kind):
        print(f"{name:42}" + "".join(f"{by_kind[name][c]:>13}" for c in cols))
    total = by_kind["array (all)"] + by_kind["jsonl (all)"]
    bad = sum(total[c] for c in ("good_lost", "tracebacks", "exit70", "counts_wrong"))
    print(
        f"tracebacks={total['tracebacks']} exit-70={total['exit70']} "
        f"counts_wrong={total['counts_wrong']} good_lost={total['good_lost']}"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
