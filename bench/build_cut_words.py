"""Build the learned cut tables: src/midb_cli/boost/guard_cut_words.py, guard_cut_grams.py and
guard_cut_syllables.py.

The cut guards read a response that stops on a word no line ends on as cut off (`... Las
entidades en la`), and one that stops on three letters no word ends on as cut inside a word
(`... Ostr`). Both tables are learned from the EVEN rows of ../shared/data/midb_train only (raw
and revised fields); the odd rows stay held out for bench/eval_guards.py.

Words: a word is listed when it occurs at least ``--min-count`` times and ends a line, or comes
before punctuation, in at most ``--max-final`` of them, unless it is a word that ends sentences
in everyday text (``_CAN_END``: "also", interrogatives). Unspaced scripts (ja, zh) have no words
to list.

Word ends: three lower-case letters are listed when, of the (at least ``--min-grams``) times a
run of letters reaches them, the word ends there at most ``--max-gram-end`` of the time (`ostr`
goes on: `ostrý`, `ostrov`). Not for scripts whose every syllable can end a word (ko, vi) or that
have no word bounds (ja, zh).

Syllables (Vietnamese, one syllable a token): the tokens seen at least ``--min-syllable``
times (known) and ``--common-syllable`` times (common), for guard_cut_syllables.py.

    python bench/build_cut_words.py --check     # the committed tables are what the data gives
    python bench/build_cut_words.py --write     # regenerate the modules' tables

Exit code 1 when ``--check`` finds a difference (the entries that differ are printed).
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from eval_guards import DATA_DIRS, load

BOOST = Path(__file__).resolve().parents[1] / "src" / "midb_cli" / "boost"
MODULE = BOOST / "guard_cut_words.py"
GRAMS_MODULE = BOOST / "guard_cut_grams.py"
SYLLABLES_MODULE = BOOST / "guard_cut_syllables.py"
#: languages of one syllable a token: their syllables are listed (guard_cut_syllables.py)
_SYLLABIC = ("vi",)
_LETTERS = re.compile(r"[^\W\d_]+")
_NO_WORD_ENDS = ("ja", "zh", "ko", "vi")
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


def even_rows(path: Path) -> Iterator[list[str]]:
    """The raw and revised texts of each even row of ``path``: the odd rows are held out for
    bench/eval_guards.py, so no table may learn from them."""
    for i, (raw, revised) in enumerate(load(path)):
        if i % 2 == 0:
            yield [*raw, *revised]


def build(data: Path, min_count: int, max_final: float) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for path in sorted(data.glob("*.jsonl.gz")):
        lang = path.name.split(".")[0]
        if lang in _UNSPACED:
            continue
        final: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for texts in even_rows(path):
            count_words(texts, final, total)
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


def count_grams(texts: list[str], ends: Counter[str], reached: Counter[str]) -> None:
    """Count, for every three letters of a word of ``texts``, how often a word reaches them
    and how often it ends there."""
    for text in texts:
        for word in _LETTERS.findall(text.lower()):
            for j in range(3, len(word) + 1):
                reached[word[j - 3 : j]] += 1
            if len(word) >= 3:
                ends[word[-3:]] += 1


def build_grams(data: Path, min_count: int, max_end: float) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for path in sorted(data.glob("*.jsonl.gz")):
        lang = path.name.split(".")[0]
        if lang in _NO_WORD_ENDS:
            continue
        ends: Counter[str] = Counter()
        reached: Counter[str] = Counter()
        for texts in even_rows(path):
            count_grams(texts, ends, reached)
        table[lang] = sorted(
            g for g, n in reached.items() if n >= min_count and ends[g] <= max_end * n
        )
    return table


def build_syllables(data: Path, min_count: int) -> dict[str, list[str]]:
    """The tokens (lower-cased runs of letters) seen at least ``min_count`` times."""
    table: dict[str, list[str]] = {}
    for path in sorted(data.glob("*.jsonl.gz")):
        lang = path.name.split(".")[0]
        if lang not in _SYLLABIC:
            continue
        seen: Counter[str] = Counter()
        for texts in even_rows(path):
            for text in texts:
                seen.update(_LETTERS.findall(text.lower()))
        table[lang] = sorted(w for w, n in seen.items() if n >= min_count)
    return table


def render(table: dict[str, list[str]], start: str = _TABLE_START) -> str:
    out = [start]
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
    parser.add_argument("--min-grams", type=int, default=100)
    parser.add_argument("--max-gram-end", type=float, default=0.01)
    parser.add_argument("--min-syllable", type=int, default=2, help="a known syllable")
    parser.add_argument("--common-syllable", type=int, default=5, help="a common syllable")
    args = parser.parse_args()
    data = next((d for d in DATA_DIRS if d.is_dir()), None)
    if data is None:
        print("shared MEB data not found; nothing to build", file=sys.stderr)
        return 0
    words = build(data, args.min_count, args.max_final)
    grams = build_grams(data, args.min_grams, args.max_gram_end)
    differ = 0
    for module, table, name, start in (
        (MODULE, words, "NEVER_FINAL", _TABLE_START),
        (GRAMS_MODULE, grams, "NEVER_WORD_END", _GRAMS_START),
        (SYLLABLES_MODULE, build_syllables(data, args.min_syllable), "_KNOWN", "_KNOWN = {"),
        (SYLLABLES_MODULE, build_syllables(data, args.common_syllable), "_COMMON", "_COMMON = {"),
    ):
        differ += _write_or_check(module, table, name, start, write=args.write)
    return 1 if differ else 0


_GRAMS_START = "_GRAMS = {"


def _write_or_check(
    module: Path, table: dict[str, list[str]], name: str, table_start: str, *, write: bool
) -> int:
    """Write ``table`` into ``module`` or compare it with the committed one (the number of
    languages that differ)."""
    source = module.read_text(encoding="utf-8")
    start = source.index(table_start)
    end = source.index(_TABLE_END, start) + len(_TABLE_END)
    if write:
        text = source[:start] + render(table, table_start) + source[end:]
        module.write_text(text, encoding="utf-8")
        print(f"wrote {module}: {sum(map(len, table.values()))} entries")
        return 0
    namespace: dict[str, object] = {}
    exec(compile(source, str(module), "exec"), namespace)
    committed = namespace[name]
    assert isinstance(committed, dict)
    differ = 0
    for lang in sorted(set(table) | set(committed)):
        value = committed.get(lang, ())
        kept = set(value.split()) if isinstance(value, str) else set(value)
        built = set(table.get(lang, ()))
        if built != kept:
            differ += 1
            print(
                f"{lang}: only built {sorted(built - kept)[:20]}; only committed "
                f"{sorted(kept - built)[:20]}"
            )
        else:
            print(f"{lang}: {len(built)} entries, identical")
    return differ


if __name__ == "__main__":
    sys.exit(main())
