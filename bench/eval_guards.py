"""Guards measured on real revisions: good revisions accepted, corruptions refused.

For each language of ../shared/data/midb_train the booster's answer to a raw pair is its REAL
expert revision (the ``Revised *`` fields), or a corruption of it that small boosters really
produce (bench/guard_cases.py). The answer text goes through the real parser
(``engines.parsing.parse_answer``: an unparseable answer is refused there, upstream), then
through ``RevisionGuard.evaluate`` built as the pipeline builds it. Prints, per language and
per kind, the share of good revisions accepted and of each corruption refused, the guard's CPU
time per record, and the refusal reasons; on the tuning rows also the good revisions refused
per rule (``GuardResult.detail``: which rule of a reason fired).

    python bench/eval_guards.py [--per-lang 200] [--langs de,ja] [--show KIND] [--split tune]

Rows with an even index are for tuning (``--show KIND`` prints their failures only: a refused
good revision with its rule, an accepted corruption with its last 80 characters), odd rows are
held out; both tables are printed. Truncations are measured twice: with finish_reason "stop"
(the hard case: nothing says the answer was cut) and "length" (``KIND@length``).

Targets (issue 8): good accepted >= 97%, every corruption kind refused >= 97%, every language.
``first_sentences`` (the answer stopped after its first two whole sentences) is measured and
not counted: the text alone cannot tell it from an expert's shorter rewrite (refused ~52%;
accepting whole shorter rewrites past the length ratio would give +27 held-out goods and
refuse only ~21% of these).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

try:  # the LLM layer moved from midb_cli.engines to midb_cli.llm
    from midb_cli.llm.parsing import parse_answer
except ImportError:  # older midb
    from midb_cli.engines.parsing import parse_answer  # type: ignore[no-redef]

from guard_cases import GOOD_KINDS, KINDS, Case, Fields
from midb_cli.boost.guards import GuardSettings, RevisionGuard
from midb_cli.checks import Checker
from midb_cli.langid import LanguageIdentifier, estimate_prior
from midb_cli.records.pair import Pair

# ../shared beside the checkout (the main checkout), else the machine's shared folder
DATA_DIRS = (
    Path(__file__).resolve().parents[1].parent / "shared" / "data" / "midb_train",
    Path("/work/shared/data/midb_train"),
)
TARGET = 97.0
#: corruptions measured without a target: an answer that stops after whole sentences reads as
#: an expert's shorter rewrite (the guard cannot tell them apart from the text alone)
NO_TARGET = frozenset({"first_sentences"})
NO_TARGET_WHY = "a stop after whole sentences reads like an expert's shortening"
_TASK_REASONS = ("guard:instruction_changed", "guard:fields_swapped")
_TASK_KINDS = ("task_rewritten", "tags_swapped")
# Italian rows sometimes carry translated key names.
_KEY_ALIASES = {
    "Raw Instruction": ("Istruzione Grezza",),
    "Raw Input": ("Input Grezzo",),
    "Raw Response": ("Risposta Grezza",),
    "Revised Instruction": ("Istruzione Rivisitata",),
    "Revised Input": ("Input Rivisitato",),
    "Revised Response": ("Risposta Rivisitata",),
}


def _get(row: dict[str, str], key: str) -> str:
    for name in (key, *_KEY_ALIASES[key]):
        if isinstance(row.get(name), str):
            return row[name]
    return ""


def load(path: Path) -> list[tuple[Fields, Fields]]:
    rows = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            raw = (_get(row, "Raw Instruction"), _get(row, "Raw Input"), _get(row, "Raw Response"))
            revised = (
                _get(row, "Revised Instruction"),
                _get(row, "Revised Input"),
                _get(row, "Revised Response"),
            )
            rows.append((raw, revised))
    return rows


def sample_arguments(description: str, per_lang: int) -> argparse.ArgumentParser:
    """The options that choose the sample (shared with eval_guards_cli.py)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--per-lang", type=int, default=per_lang, help="records per language, kind")
    parser.add_argument("--langs", default="", help="comma-separated codes (default: all)")
    parser.add_argument("--kinds", default="", help="comma-separated kinds (default: all)")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--data", type=Path, help="folder of <lang>.jsonl.gz MEB files")
    return parser


def main() -> int:
    parser = sample_arguments(__doc__.splitlines()[0], 200)
    parser.add_argument("--show", default="", help="print the failures of this kind")
    parser.add_argument("--max-show", type=int, default=40, help="at most this many failures")
    parser.add_argument(
        "--split", choices=("both", "tune", "heldout"), default="both", help="rows to report"
    )
    args = parser.parse_args()
    data = args.data or next((d for d in DATA_DIRS if d.is_dir()), DATA_DIRS[0])
    if not data.is_dir():
        print(f"skipped: {data} is not there (the shared MEB data)")
        return 0
    paths = sorted(data.glob("*.jsonl.gz"))
    langs = [p.name.split(".")[0] for p in paths]
    if args.langs:
        langs = [x for x in langs if x in args.langs.split(",")]
    kinds = [k for k in KINDS if not args.kinds or k in args.kinds.split(",")]
    files = {lang: load(data / f"{lang}.jsonl.gz") for lang in [p.name[:2] for p in paths]}

    identifier = LanguageIdentifier(backend="auto")
    checker = Checker(identifier)
    guard = RevisionGuard(identifier, checker, GuardSettings())
    splits = [("tune (even rows)", 0), ("held out (odd rows)", 1)]
    if args.split != "both":
        splits = [splits[args.split == "heldout"]]
    for split, parity in splits:
        stats = Stats()
        for lang in langs:
            _run_language(lang, files, kinds, parity, args, identifier, checker, guard, stats)
        print(f"\n=== {split}: --per-lang {args.per_lang}, seed {args.seed} ===")
        shown_kinds = [k for kind in kinds for k in (kind, *_length_variant(kind))]
        _print_table(langs, shown_kinds, stats)
        print("\nreasons per kind:")
        for kind in shown_kinds:
            top = ", ".join(f"{r} {n}" for r, n in stats.reasons[kind].most_common(6))
            print(f"  {kind:22} {top}")
        # the rules that cost good revisions: a rule that costs far more on the held-out rows
        # than on the tuning rows fits its tuning rows, not the language (counts only: the
        # held-out failures themselves are never printed)
        _print_rules(langs, stats, split)
        cells = [
            100 * stats.hits[kind][lang] / stats.totals[kind][lang]
            for kind in shown_kinds
            for lang in langs
            if stats.totals[kind][lang] and kind not in NO_TARGET
        ]
        below = sum(c < TARGET for c in cells)
        lowest = min(cells, default=0.0)
        print(
            f"\n{split}: {below} (kind, language) cells below {TARGET:.0f}%; lowest {lowest:.1f}%"
        )
        if any(k in NO_TARGET for k in kinds):
            print(f"({', '.join(sorted(NO_TARGET))}: measured, not counted: {NO_TARGET_WHY})")
    return 0


@dataclass
class Stats:
    # hits[kind][lang]: wanted outcomes; totals[kind][lang]: applicable records
    hits: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    totals: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    reasons: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    cpu: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    good_cpu: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    # good revisions refused per rule (reason + detail) and language
    rules: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    shown: int = 0


def rule_of(reason: str, detail: str) -> str:
    """The rule a refusal names, without its particulars (the word, the language found)."""
    detail = detail.split(" (", 1)[0].split(" in ", 1)[0]
    return f"{reason} {detail}".strip()


def _length_variant(kind: str) -> tuple[str, ...]:
    """A cut answer from a real booster says finish_reason "length"; the hard case is the
    same cut with "stop" (a stop token inside the text, a server that drops the reason)."""
    return (f"{kind}@length",) if kind.startswith("trunc_") else ()


def iter_cases(
    files: dict[str, list[tuple[Fields, Fields]]],
    lang: str,
    kinds: list[str],
    parity: int,
    per_lang: int,
    seed: int,
) -> Iterator[tuple[str, int, Fields, str]]:
    """(kind, row, original fields, the booster's answer) for ``per_lang`` rows of each kind:
    the rows of one parity (0: tuning, 1: held out) in a seeded order, those the experts
    revised, each with the answer the kind builds from its real revision."""
    rows = files[lang]
    others = [x for x in files if x != lang]
    # the same item's revision in another language (rows are aligned, give or take one)
    other_rows = files[others[sorted(files).index(lang) % len(others)]]
    order = [i for i in range(len(rows)) if i % 2 == parity]
    random.Random(f"{seed}-{lang}").shuffle(order)
    for kind in kinds:
        build = KINDS[kind]
        taken = 0
        for position, i in enumerate(order):
            if taken >= per_lang:
                break
            raw, revised = rows[i]
            if raw == revised:
                continue
            case = Case(
                raw,
                revised,
                lang,
                position,
                other_rows[min(i, len(other_rows) - 1)][1],
                rows[order[position - 1]][1][0],
            )
            built = build(case)
            if built is None:
                continue
            raw, answer = built if isinstance(built, tuple) else (raw, built)
            taken += 1
            yield kind, i, raw, answer


def _run_language(
    lang: str,
    files: dict[str, list[tuple[Fields, Fields]]],
    kinds: list[str],
    parity: int,
    args: argparse.Namespace,
    identifier: LanguageIdentifier,
    checker: Checker,
    guard: RevisionGuard,
    stats: Stats,
) -> None:
    rows = files[lang]
    order = [i for i in range(len(rows)) if i % 2 == parity]
    random.Random(f"{args.seed}-{lang}").shuffle(order)
    prior = estimate_prior((Pair(*rows[i][0]) for i in order[:200]), identifier)
    for kind, i, raw, answer in iter_cases(files, lang, kinds, parity, args.per_lang, args.seed):
        original = Pair(*raw)
        # as LLMBooster parses: a pair sent without an instruction may come back without one
        parsed = parse_answer(answer, "tagged", empty_instruction=not raw[0].strip())
        for name, finish in ((kind, "stop"), *((v, "length") for v in _length_variant(kind))):
            stats.totals[name][lang] += 1
            detail = ""
            if parsed.pair is None:
                reason: str | None = parsed.reason
            else:
                lang_of = identifier.identify(original, prior)
                findings = checker.check(original, lang_of, file_lang=prior)
                started = time.process_time()
                verdict = guard.evaluate(
                    original,
                    parsed.pair,
                    lang_of.lang,
                    findings,
                    original_lang=lang_of,
                    finish_reason=finish,
                    file_lang=prior,
                )
                spent = time.process_time() - started
                if finish == "stop":
                    stats.cpu[lang].append(spent)
                    if kind in GOOD_KINDS:
                        stats.good_cpu[lang].append(spent)
                reason = verdict.reason
                detail = getattr(verdict, "detail", "")  # (older midb: none)
            wanted = reason is None if kind in GOOD_KINDS else reason is not None
            stats.hits[name][lang] += wanted
            stats.reasons[name][reason or "accepted"] += 1
            if reason and kind in GOOD_KINDS:
                stats.rules[rule_of(reason, detail)][lang] += 1
            # failures are shown from the tuning rows only: the held-out rows stay unseen
            if not wanted and name == args.show and parity == 0 and stats.shown < args.max_show:
                stats.shown += 1
                got = parsed.pair.response if parsed.pair else answer
                # a task refused or accepted: the two instructions tell why
                if parsed.pair and (reason in _TASK_REASONS or kind in _TASK_KINDS):
                    print(f"--- {lang} row {i} {reason or 'accepted'} {detail}")
                    print(f"    original instruction: {raw[0][:200]!r}")
                    print(f"    revised instruction:  {parsed.pair.instruction[:200]!r}")
                elif reason:
                    print(f"--- {lang} row {i} refused ({reason} {detail}): {got[-300:]!r}")
                else:
                    print(f"--- {lang} row {i} accepted: {got[-80:]!r}")
                print(f"    raw response tail: {raw[2][-160:]!r}")


def _print_table(langs: list[str], kinds: list[str], stats: Stats) -> None:
    hits, totals, cpu, good_cpu = stats.hits, stats.totals, stats.cpu, stats.good_cpu
    print("good*: % accepted; other kinds: % refused (n per cell in the last column)")
    print("(kind@length: the same cut answer with finish_reason 'length'; others 'stop')")
    print(f"{'kind':22}" + "".join(f"{x:>6}" for x in langs) + f"{'all':>7}{'n':>6}")
    for kind in kinds:
        cells = []
        for lang in langs:
            n = totals[kind][lang]
            cells.append(f"{100 * hits[kind][lang] / n:6.1f}" if n else f"{'-':>6}")
        n_all = sum(totals[kind].values())
        share = 100 * sum(hits[kind].values()) / n_all if n_all else 0.0
        print(f"{kind:22}" + "".join(cells) + f"{share:7.1f}{n_all:6}")

    def micros(values: list[float]) -> str:
        return f"{1e6 * sum(values) / len(values):6.0f}" if values else f"{'-':>6}"

    all_cpu = [v for lang in langs for v in cpu[lang]]
    all_good = [v for lang in langs for v in good_cpu[lang]]
    print(f"{'µs/record (all)':22}" + "".join(micros(cpu[x]) for x in langs) + micros(all_cpu))
    print(
        f"{'µs/record (good)':22}" + "".join(micros(good_cpu[x]) for x in langs) + micros(all_good)
    )


def _print_rules(langs: list[str], stats: Stats, split: str) -> None:
    print(f"\ngood revisions (good, good_code) refused per rule, {split}:")
    print(f"  {'rule':58}" + "".join(f"{x:>4}" for x in langs) + f"{'all':>5}")
    for rule, counts in sorted(stats.rules.items(), key=lambda x: -sum(x[1].values())):
        cells = "".join(f"{counts[x]:4}" for x in langs)
        print(f"  {rule[:58]:58}{cells}{sum(counts.values()):5}")


if __name__ == "__main__":
    sys.exit(main())
