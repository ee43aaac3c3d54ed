"""Evaluate `midb check` detectors and fixes on planted defects in real MT data.

Reads ../shared/data/midb_train/<lang>.jsonl.gz (MIDB training data, 13 languages), takes the
expert-revised pairs as the clean base, plants one defect per record (bench/planted.py) and
measures: recall per kind, the share of clean records flagged (revised and raw MT), the share
of fixable planted defects fixed to the expected text, byte-identity of clean records through
fix_pair, and the CPU time of ``Checker.check`` per record.

    python bench/eval_checks.py [--per-kind 40] [--clean 150] [--langs de,ja] [--show 3]
"""

from __future__ import annotations

import argparse
import gzip
import inspect
import json
import os
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from midb_cli.checks import KINDS, Checker
from midb_cli.checks.fixes import fix_pair
from midb_cli.langid import LanguageIdentifier
from midb_cli.records.pair import Pair
from planted import FOUND_AS, LATER_FINDINGS, PLANTERS, Planted, clean_with_code


def _data_dir() -> Path:
    """../shared/data/midb_train beside the checkout (or a git worktree of it), or $MIDB_DATA."""
    if os.environ.get("MIDB_DATA"):
        return Path(os.environ["MIDB_DATA"])
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "data" / "midb_train"
        if candidate.is_dir():
            return candidate
    return Path(__file__).resolve().parents[2] / "shared" / "data" / "midb_train"


DATA = _data_dir()
RAW = ("Raw Instruction", "Raw Input", "Raw Response")
REVISED = ("Revised Instruction", "Revised Input", "Revised Response")


def load(lang: str) -> list[tuple[Pair, Pair]]:
    out = []
    with gzip.open(DATA / f"{lang}.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if all(k in row for k in RAW + REVISED):
                out.append((Pair(*(row[k] for k in RAW)), Pair(*(row[k] for k in REVISED))))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--per-kind", type=int, default=40, help="planted records per kind and language"
    )
    ap.add_argument("--clean", type=int, default=150, help="clean records per language")
    ap.add_argument("--langs", default="", help="comma-separated subset of languages")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--show", type=int, default=0, help="print N misses/false flags per kind")
    ap.add_argument("--write", type=Path, help="also write the planted set as JSONL here")
    ap.add_argument(
        "--no-file-lang",
        action="store_true",
        help="do not tell the checker the file's language (as before untranslated_record)",
    )
    args = ap.parse_args()
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found (the shared MIDB data is not on this machine)")
        return 0
    langs = [x for x in args.langs.split(",") if x] or sorted(
        p.name.split(".")[0] for p in DATA.glob("*.jsonl.gz")
    )
    identifier = LanguageIdentifier()
    checker = Checker(identifier)
    # the same script measures older versions of midb too (the before/after figures)
    takes_file_lang = "file_lang" in inspect.signature(checker.check).parameters
    known_kinds = set(KINDS)

    found: Counter[str] = Counter()
    planted_n: Counter[str] = Counter()
    fixable_n = fixed_ok = 0
    clean_n = {"revised": 0, "raw": 0, "code": 0}
    clean_flagged = {"revised": Counter(), "raw": Counter(), "code": Counter()}
    clean_records_flagged = Counter()
    clean_old_flagged = Counter()
    fixable_by_kind: Counter[str] = Counter()
    fixed_by_kind: Counter[str] = Counter()  # by the kinds the first figures had
    not_identical = 0
    check_seconds = 0.0
    langid_seconds = 0.0
    checks = 0
    misses: dict[str, list] = defaultdict(list)
    false_flags: dict[str, list] = defaultdict(list)
    out = args.write.open("w", encoding="utf-8") if args.write else None
    by_lang_data = {lang: load(lang) for lang in langs}

    def run(pair: Pair, lang: str, source: Pair | None = None):
        nonlocal check_seconds, langid_seconds, checks
        file_lang = {} if args.no_file_lang or not takes_file_lang else {"file_lang": lang}
        t0 = time.process_time()
        record_lang = identifier.identify(pair, lang)
        t1 = time.process_time()
        findings = checker.check(pair, record_lang, source, **file_lang)
        t2 = time.process_time()
        langid_seconds += t1 - t0
        check_seconds += t2 - t1
        checks += 1
        return findings

    for lang in langs:
        rows = by_lang_data[lang][:]
        # one random stream per language and one per (language, kind): a change in what one
        # kind plants or finds cannot move the samples of another
        rng = random.Random(f"{args.seed}-{lang}")
        rng.shuffle(rows)
        clean_rows, base_rows = rows[: args.clean], rows[args.clean :]
        for variant, pairs in (
            ("revised", [r for _, r in clean_rows]),
            ("raw", [r for r, _ in clean_rows]),
        ):
            for pair in pairs:
                fs = run(pair, lang)
                clean_n[variant] += 1
                if [f for f in fs if f.kind not in LATER_FINDINGS]:
                    clean_old_flagged[variant] += 1
                if fs:
                    clean_records_flagged[variant] += 1
                    for f in fs:
                        clean_flagged[variant][f.kind] += 1
                    if variant == "revised" and len(false_flags[fs[0].kind]) < args.show:
                        false_flags[fs[0].kind].append((lang, fs[0].message, pair))
                if variant == "revised":
                    res = fix_pair(pair, lang, [])
                    not_identical += res.pair is not pair
                    if out:
                        out.write(
                            json.dumps(
                                {
                                    "id": f"{lang}-clean-{clean_n[variant]}",
                                    "lang": lang,
                                    "planted": None,
                                    **pair.as_dict(),
                                },
                                ensure_ascii=False,
                            )
                            + "\n"
                        )
        for pair in [r for _, r in clean_rows[:50]]:
            coded = clean_with_code(pair, lang, rng)
            fs = run(coded, lang)
            clean_n["code"] += 1
            if [f for f in fs if f.kind not in LATER_FINDINGS]:
                clean_old_flagged["code"] += 1
            if fs:
                clean_records_flagged["code"] += 1
                for f in fs:
                    clean_flagged["code"][f.kind] += 1
        # planted: base records the checker finds clean, so a fix can be compared exactly
        bases = []
        for _, pair in base_rows:
            if len(bases) >= args.per_kind * 3:
                break
            # the later kinds flag real defects of the revised data; a base that only has
            # those stays a base, so the older kinds are planted into the same records
            if not [f for f in run(pair, lang) if f.kind not in LATER_FINDINGS]:
                bases.append(pair)
        others = [p for other in langs if other != lang for _, p in by_lang_data[other][:300]]
        for kind, planter in PLANTERS.items():
            made = 0
            if FOUND_AS.get(kind, kind) not in known_kinds:
                continue  # a kind this version of midb does not have
            kind_rng = random.Random(f"{args.seed}-{lang}-{kind}")
            for pair in kind_rng.sample(bases, len(bases)):
                if made >= args.per_kind:
                    break
                extra = (kind_rng.choice(others),) if kind == "wrong_language" else ()
                planted: Planted | None = planter(pair, lang, kind_rng, *extra)
                if planted is None:
                    continue
                made += 1
                planted_n[kind] += 1
                fs = run(planted.pair, lang, planted.source)
                if any(f.kind == FOUND_AS.get(kind, kind) for f in fs):
                    found[kind] += 1
                elif len(misses[kind]) < args.show:
                    misses[kind].append((lang, [f.kind for f in fs], planted.pair))
                if planted.expected is not None:
                    fixable_n += 1
                    res = fix_pair(planted.pair, lang, fs, planted.source)
                    ok = res.pair == planted.expected
                    fixed_ok += ok
                    fixable_by_kind[kind] += 1
                    fixed_by_kind[kind] += ok
                    if not ok and args.show and len(misses[kind + ":fix"]) < args.show:
                        misses[kind + ":fix"].append((lang, res.applied, res.pair))
                if out:
                    out.write(
                        json.dumps(
                            {
                                "id": f"{lang}-{kind}-{made}",
                                "lang": lang,
                                "planted": kind,
                                **planted.pair.as_dict(),
                                "expected": (
                                    planted.expected.as_dict()
                                    if planted.expected is not None
                                    else None
                                ),
                                # the English source pair, when the plant has one (code)
                                "source": (
                                    planted.source.as_dict() if planted.source is not None else None
                                ),
                            },
                            ensure_ascii=False,
                        )
                        + "\n"
                    )
    if out:
        out.close()

    total_found = sum(found.values())
    total_planted = sum(planted_n.values())
    print(f"languages: {','.join(langs)}")
    print(f"{'kind':22} {'recall':>8}  found/planted  fixed to the expected text")
    for kind in [*KINDS, *FOUND_AS]:
        if planted_n[kind]:
            print(
                f"{kind:22} {found[kind] / planted_n[kind]:8.1%}  "
                f"{f'{found[kind]}/{planted_n[kind]}':13}"
                + (
                    f"  {fixed_by_kind[kind]}/{fixable_by_kind[kind]}"
                    if fixable_by_kind[kind]
                    else ""
                )
            )
    print(
        f"{'overall':22} {total_found / max(total_planted, 1):8.1%}  {total_found}/{total_planted}"
    )
    for variant in ("revised", "raw", "code"):
        n = clean_n[variant]
        print(
            f"clean {variant:8} flagged: {clean_records_flagged[variant] / max(n, 1):6.1%} of {n}"
            f" (older kinds only: {clean_old_flagged[variant] / max(n, 1):.1%})"
            f"  {dict(clean_flagged[variant])}"
        )
    print(
        f"fixable planted fixed to the expected text: {fixed_ok}/{fixable_n} = {fixed_ok / max(fixable_n, 1):.1%}"
    )
    print(f"clean records changed by fix_pair(findings=[]): {not_identical}")
    print(
        f"CPU per record: checks {check_seconds / checks * 1000:.3f} ms, language ID {langid_seconds / checks * 1000:.3f} ms ({checks} records)"
    )
    for title, table in (("MISSES", misses), ("FALSE FLAGS (revised)", false_flags)):
        for kind, items in table.items():
            for item in items:
                print(
                    f"--- {title} {kind}: {item[0]} {item[1]}\n{json.dumps(item[2].as_dict(), ensure_ascii=False)[:600]}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
