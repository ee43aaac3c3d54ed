"""Precision of the `rules` fixes on every record of the shared MIDB data (29,909 raw MT pairs).

Each record is checked (default kinds, the file's language as the prior) and each fix kind is
applied on its own, so every change is attributed to one kind; the invariants below are then
checked on what that fix did, and the run exits 1 with the offending records on any violation:

- no ASCII space after 、 or 。 that was not there before;
- no list half converted: a line that gained 、 has no ASCII separator comma left;
- no Arabic field half converted: a field that gained ، has no line of Arabic text left
  ending in an ASCII `,` or `;` (`عزيزي [الاسم],` … `مع خالص التحية،`);
- no text moved out of a multi-example task (an instruction with `Example 1:` headings or
  both input and output example labels keeps its text);
- digits and code (fenced blocks, inline code) unchanged, except what a cut or a collapsed
  loop removes (then what is left is a prefix / subsequence of what was there);
- letters unchanged, except the label a leak fix removes, the placeholder it empties, the
  copies a loop collapse drops (one copy is left), and encoding repairs.

    python bench/eval_rules.py [--langs ja,cs] [--show KIND] [--samples 20]
"""

from __future__ import annotations

import argparse
import gzip
import inspect
import itertools
import json
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_checks import DATA, RAW
from midb_cli.checks import Checker, Finding
from midb_cli.checks.fixes import fix_pair
from midb_cli.langid import LanguageIdentifier
from midb_cli.records.pair import ROLES, Pair

SPACE_AFTER_MARK_RE = re.compile(r"[、。][ \t]")
# an ASCII comma that separates (not inside a number such as 1,000)
SEPARATOR_COMMA_RE = re.compile(r",(?!\d)|(?<!\d),")
DIGITS_RE = re.compile(r"\d+")
CODE_RE = re.compile(r"```.*?```|`[^`\n]+`", re.S)
LETTERS_RE = re.compile(r"[^\W\d_]+")
# a line whose first letter is Arabic and that ends in an ASCII comma or semicolon
AR_ASCII_LINE_END_RE = re.compile(r"^[^\w\n]*[\u0600-\u06ff][^\n]*[,;][ \t]*$", re.M)
EXAMPLE_HEADING_RE = re.compile(
    r"(?:example|beispiel|ejemplo|exemple|esempio|exemplo|пример|örnek|contoh|příklad|"
    r"ví dụ|παράδειγμα|مثال|例|예제?|ตัวอย่าง|示例)\s*\d",
    re.I,
)
OUTPUT_LABEL_RE = re.compile(
    r"(?:output|ausgabe|salida|sortie|uscita|saída|вывод|выход|çıktı|keluaran|výstup|"
    r"đầu ra|έξοδος|الإخراج|出力|출력|เอาต์พุต|输出)\s*[:：]",
    re.I,
)


def load_raw(lang: str) -> list[Pair]:
    """Every raw pair of a language file, including rows whose keys MT translated (it row 283
    holds `Istruzione Grezza`, ...: the keys keep their order)."""
    out = []
    with gzip.open(DATA / f"{lang}.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            values = [row[k] for k in RAW] if all(k in row for k in RAW) else list(row.values())[:3]
            out.append(Pair(*values))
    return out


def joined(pair: Pair) -> str:
    return "\n".join(pair.get(r) for r in ROLES)


def is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


def max_run(text: str) -> int:
    words = [w.casefold() for w in LETTERS_RE.findall(text)]
    best = run = 1 if words else 0
    for a, b in itertools.pairwise(words):
        run = run + 1 if a == b else 1
        best = max(best, run)
    return best


def violations(kind: str, before: Pair, after: Pair, applied: list[str]) -> list[str]:
    out: list[str] = []
    for role in ROLES:
        if len(SPACE_AFTER_MARK_RE.findall(after.get(role))) > len(
            SPACE_AFTER_MARK_RE.findall(before.get(role))
        ):
            out.append(f"space after 、。 in {role}")
        b_lines, a_lines = before.get(role).split("\n"), after.get(role).split("\n")
        if kind == "punctuation_locale" and len(b_lines) == len(a_lines):
            for b, a in zip(b_lines, a_lines, strict=True):
                if a.count("、") > b.count("、") and SEPARATOR_COMMA_RE.search(CODE_RE.sub("", a)):
                    out.append(f"list half converted in {role}: {a[:80]!r}")
        if (
            kind == "punctuation_locale"
            and after.get(role).count("،") > before.get(role).count("،")
            and AR_ASCII_LINE_END_RE.search(CODE_RE.sub("", after.get(role)))
        ):
            out.append(f"Arabic field half converted in {role}")
    moved = any("moved input text out of instruction" in x for x in applied)
    if moved and (
        EXAMPLE_HEADING_RE.search(before.instruction) or OUTPUT_LABEL_RE.search(before.instruction)
    ):
        out.append("text moved out of a multi-example task")
    # an emptied placeholder takes its own code span (`<noinput>`) with it
    b = joined(before.with_field("input", "") if kind == "placeholder_input" else before)
    a = joined(after)
    cut = any("cut a new pair" in x for x in applied)
    shrinks = cut or kind == "repetition"
    for what, rx in (("digits", DIGITS_RE), ("code", CODE_RE)):
        bs, as_ = rx.findall(b), rx.findall(a)
        if shrinks:
            if not is_subsequence(as_, bs):
                out.append(f"{what} changed")
        elif bs != as_:
            out.append(f"{what} changed")
    bl = LETTERS_RE.findall(unicodedata.normalize("NFC", b))
    al = LETTERS_RE.findall(unicodedata.normalize("NFC", a))
    if kind in ("punctuation_locale", "whitespace", "unicode_form", "translated_code"):
        if bl != al:
            out.append("letters changed")
    elif kind == "placeholder_input":
        if al != LETTERS_RE.findall(joined(before.with_field("input", ""))):
            out.append("letters changed outside the placeholder")
    elif kind == "field_leak":
        if not is_subsequence(al, bl) or (not cut and len(bl) - len(al) > 3):
            out.append("letters changed beyond a label")
    elif kind == "repetition":
        if not is_subsequence(al, bl) or {w.casefold() for w in al} != {w.casefold() for w in bl}:
            out.append("a loop collapse dropped every copy")
        if max_run(b) >= 4 and max_run(a) > 1:
            out.append("a loop collapse left more than one copy")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--langs", default="", help="comma-separated subset of languages")
    ap.add_argument(
        "--show", default="", help="print the changes (or the findings left) of this kind"
    )
    ap.add_argument("--samples", type=int, default=20, help="how many changes --show prints")
    args = ap.parse_args()
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found (the shared MIDB data is not on this machine)")
        return 0
    langs = [x for x in args.langs.split(",") if x] or sorted(
        p.name.split(".")[0] for p in DATA.glob("*.jsonl.gz")
    )
    identifier = LanguageIdentifier()
    checker = Checker(identifier)
    # the same script measures older versions of midb too (before/after figures)
    file_lang = "file_lang" in inspect.signature(checker.check).parameters
    changed: dict[str, Counter[str]] = defaultdict(Counter)  # kind -> lang -> records
    flagged_unfixed: dict[str, Counter[str]] = defaultdict(Counter)
    records: Counter[str] = Counter()
    any_change: Counter[str] = Counter()
    bad: list[str] = []
    shown = 0
    t0 = time.process_time()
    for lang in langs:
        for index, raw in enumerate(load_raw(lang)):
            records[lang] += 1
            record_lang = identifier.identify(raw, lang)
            kw = {"file_lang": lang} if file_lang else {}
            findings = checker.check(raw, record_lang, **kw)
            by_kind: dict[str, list[Finding]] = defaultdict(list)
            for f in findings:
                by_kind[f.kind].append(f)
                if not f.fixable:
                    flagged_unfixed[f.kind][lang] += 1
            if fix_pair(raw, lang, findings).pair != raw:
                any_change[lang] += 1
            for kind, fs in by_kind.items():
                result = fix_pair(raw, lang, fs)
                if result.pair == raw:
                    if kind == args.show and shown < args.samples:
                        shown += 1  # a finding left in place: what it flagged
                        print(f"--- {lang} row {index} flagged: {fs[0].message}")
                        for role in ROLES:
                            print(f"  {role}: {raw.get(role)[:160]!r}")
                    continue
                changed[kind][lang] += 1
                for v in violations(kind, raw, result.pair, result.applied):
                    bad.append(f"{lang} row {index}: {kind}: {v}")
                if kind == args.show and shown < args.samples:
                    shown += 1
                    print(f"--- {lang} row {index} {result.applied}")
                    for role in ROLES:
                        if raw.get(role) != result.pair.get(role):
                            print(f"  {role} before: {raw.get(role)[:400]!r}")
                            print(f"  {role} after:  {result.pair.get(role)[:400]!r}")
    seconds = time.process_time() - t0
    kinds = sorted(set(changed) | set(flagged_unfixed))
    print(f"records: {sum(records.values()):,} in {len(langs)} languages ({seconds:.0f} s CPU)")
    print("records changed by each fix kind (flagged but left alone in brackets)")
    print(f"{'kind':20}" + "".join(f"{lang:>10}" for lang in langs) + f"{'total':>10}")
    for kind in kinds:
        cells = [f"{changed[kind][lang]}({flagged_unfixed[kind][lang]})" for lang in langs]
        total = f"{sum(changed[kind].values())}({sum(flagged_unfixed[kind].values())})"
        print(f"{kind:20}" + "".join(f"{c:>10}" for c in cells) + f"{total:>10}")
    print(
        f"{'any fix':20}"
        + "".join(f"{any_change[lang]:>10}" for lang in langs)
        + f"{sum(any_change.values()):>10}"
    )
    if bad:
        print(f"\nINVARIANT VIOLATIONS: {len(bad)}", file=sys.stderr)
        for line in bad[:50]:
            print("  " + line, file=sys.stderr)
        return 1
    print("invariants: all hold")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
