"""Build the table of words that (almost) never end a line: src/midb_cli/boost/guard_cut_words.py.

The cut guards read a response that stops on such a word as cut off (`... Las entidades en la`).
The table is learned from the EVEN rows of ../shared/data/midb_train only (raw and revised
fields); the odd rows stay held out for bench/eval_guards.py. A word is listed when it occurs
at least ``--min-count`` times and ends a line, or comes before punctuation, in at most
``--max-final`` of them, unless it is a word that ends sentences in everyday text (``_CAN_END``:
"also", interrogatives). Unspaced scripts (ja, zh) have no words to list.

    python bench/build_cut_words.py --check     # the committed table is what the data gives
    python bench/build_cut_words.py --write     # regenerate the module's table

Exit code 1 when ``--check`` finds a difference (the words that differ are printed).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from collections import Counter
from pathlib import Path

from eval_guards import DATA_DIRS, load

MODULE = Path(__file__).resolve().parents[1] / "src" / "midb_cli" / "boost" / "guard_cut_words.py"
_LEAD = "\"'“”„«»(¿¡[*-•"
_TRAIL = ".,;:!?…)\"'»”。、！？؟،"
_UNSPACED = ("ja", "zh")
# Words that end sentences in everyday text though the MEB answers (formal, complete) rarely
# end on them: "also/too" (`Yo también.`, `Saya juga.`) and interrogatives that can only be one
# and close an indirect question (`no sabemos por qué`); ambiguous ones (`como`, `wie`: also
# "as") stay listed. Linguistic knowledge, not data: a false cut costs a good revision.
_CAN_END = {
    "es": "también tampoco qué quién quiénes cómo cuándo dónde cuál",  # accented: questions
    "pt": "também quê porquê",
    "it": "anche",
    "fr": "aussi pourquoi quoi",
    "de": "auch",
    "id": "juga",
    "ms": "juga",
    "cs": "také taky",
    "vi": "nữa",
    "ar": "أيضا أيضًا",
}
_TABLE_START = "_WORDS = {"
_TABLE_END = "\n}\n"


def count_words(texts: list[str], final: Counter[str], total: Counter[str]) -> None:
    """Count every word of ``texts`` and how often it ends a line or precedes punctuation."""
    for text in texts:
        for line in text.split("\n"):
            tokens = line.split()
            for j, token in enumerate(tokens):
                word = token.lstrip(_LEAD)
                ends = j == len(tokens) - 1 or (word[-1:] in _TRAIL if word else True)
                word = word.rstrip(_TRAIL).lower()
                if not word or not any(c.isalpha() for c in word):
                    continue
                total[word] += 1
                final[word] += ends


def build(data: Path, min_count: int, max_final: float) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for path in sorted(data.glob("*.jsonl.gz")):
        lang = path.name.split(".")[0]
        if lang in _UNSPACED:
            continue
        final: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for i, (raw, revised) in enumerate(load(path)):
            if i % 2 == 0:  # even rows only: the odd rows are held out
                count_words([*raw, *revised], final, total)
        can_end = set(_CAN_END.get(lang, "").split())
        table[lang] = sorted(
            w
            for w, n in total.items()
            if n >= min_count
            and final[w] <= max_final * n
            and len(w) >= 2
            and w.isalpha()
            and w not in can_end
        )
    return table


def render(table: dict[str, list[str]]) -> str:
    out = [_TABLE_START]
    for lang, words in table.items():
        lines = textwrap.wrap(" ".join(words), 88, break_long_words=False, break_on_hyphens=False)
        out.append(f'    "{lang}": (')
        out.extend(
            f'        "{line}{" " if i < len(lines) - 1 else ""}"' for i, line in enumerate(lines)
        )
        out.append("    ),")
    return "\n".join(out) + _TABLE_END


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="compare with the committed table")
    mode.add_argument("--write", action="store_true", help="rewrite the module's table")
    parser.add_argument("--min-count", type=int, default=20)
    parser.add_argument("--max-final", type=float, default=0.02)
    args = parser.parse_args()
    data = next((d for d in DATA_DIRS if d.is_dir()), None)
    if data is None:
        print("shared MEB data not found; nothing to build", file=sys.stderr)
        return 0
    table = build(data, args.min_count, args.max_final)
    source = MODULE.read_text(encoding="utf-8")
    start = source.index(_TABLE_START)
    end = source.index(_TABLE_END, start) + len(_TABLE_END)
    if args.write:
        MODULE.write_text(source[:start] + render(table) + source[end:], encoding="utf-8")
        print(f"wrote {MODULE}: {sum(map(len, table.values()))} words")
        return 0
    namespace: dict[str, object] = {}
    exec(compile(source, str(MODULE), "exec"), namespace)
    committed = namespace["NEVER_FINAL"]
    assert isinstance(committed, dict)
    differ = 0
    for lang in sorted(set(table) | set(committed)):
        built, kept = set(table.get(lang, ())), set(committed.get(lang, ()))
        if built != kept:
            differ += 1
            print(
                f"{lang}: only built {sorted(built - kept)[:20]}; only committed "
                f"{sorted(kept - built)[:20]}"
            )
        else:
            print(f"{lang}: {len(built)} words, identical")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
