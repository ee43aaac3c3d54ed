"""Detectors of a broken record structure: empty response, placeholder input, leaked field
markers, truncated response."""

from __future__ import annotations

import re
from dataclasses import dataclass

from midb_cli.checks.finding import Finding
from midb_cli.checks.lexicon import (
    DANGLING_WORDS,
    EXAMPLE_WORDS,
    FIELD_LABELS,
    INPUT_LABELS,
    OUTPUT_LABELS,
    PLACEHOLDER_KEYS,
    ends_on_a_japanese_noun,
    placeholder_key,
)
from midb_cli.checks.text import FieldText, ends_on_a_tag_or_author, has_unclosed_fence
from midb_cli.records.pair import Pair

_LABEL_ALT = {
    role: "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    for role, words in FIELD_LABELS.items()
}
# `<|response|>` tags of the booster's own format, anywhere.
TAG_RE = re.compile(r"<\|(instruction|input|response)\|>")
# `### Response:` (Alpaca prompt headers), anywhere at a line start.
HEADER_RE = re.compile(
    r"^[ \t]*#{2,4}[ \t]*(?:" + "|".join(_LABEL_ALT.values()) + r")[ \t]*[:：]?[ \t]*$",
    re.M | re.I,
)
# A label opening the field: `Response: ...` at the very start. English only: translated
# labels there are too often the answer's own wording (`Respuesta: Sí`).
LEADING_LABEL_RE = {
    role: re.compile(r"\A[ \t]*" + role + r"[ \t]*[:：][ \t]*\n?[ \t]*", re.I)
    for role in _LABEL_ALT
}
# ... except for the input, where a translated label at the start is MT's copy of `Input:`
# (`Entrada:`, `Entrée :`, `入力:`, `Nhập:`) and never the input's own wording.
LEADING_LABEL_RE["input"] = re.compile(
    r"\A[ \t]*(?:"
    + "|".join(re.escape(w) for w in sorted(INPUT_LABELS, key=len, reverse=True))
    + r")[ \t]*[:：][ \t]*\n?[ \t]*",
    re.I,
)
# An input label inside the input after text: `napsat báseň. Vstup: Řeka …`.
INNER_INPUT_LABEL_RE = re.compile(
    r"\S[^\n]*?(?<![^\W\d_])(?:"
    + "|".join(re.escape(w) for w in sorted(INPUT_LABELS, key=len, reverse=True))
    + r")[ \t]*[:：][ \t]*\S",
    re.I,
)
# A label on a line of its own field's neighbour: `\nInput: text` inside the instruction.
LINE_LABEL_RE = {
    role: re.compile(r"\n[ \t]*(?:" + alt + r")[ \t]*[:：][ \t]*", re.I)
    for role, alt in _LABEL_ALT.items()
}
# `\nInstruction: ...` inside a response: the model went on to write a new pair.
NEW_PAIR_RE = re.compile(r"\n[ \t]*(?:#{2,4}[ \t]*)?Instruction[ \t]*[:：]", re.I)
# After a leading response label or inside a response, an `Output:` label means examples.
EXAMPLE_LABEL_RE = re.compile(
    r"^[ \t]*(?:" + "|".join(re.escape(w) for w in OUTPUT_LABELS) + r")\s*[:：]", re.I | re.M
)
# `Пример 1:`, `Example 2`, `例1：`: the task shows worked examples.
EXAMPLE_HEADING_RE = re.compile(
    r"(?:^|\n)[ \t]*(?:#+[ \t]*|\*\*)?(?:"
    + "|".join(re.escape(w) for w in EXAMPLE_WORDS)
    + r")[ \t]*\d+[ \t]*(?:\*\*)?[:：.)]",
    re.I,
)

# A line ends a sentence when its last character is one of these (or a closing bracket/quote).
TERMINAL_CHARS = frozenset(".!?;:…。！？；：؟۔।॥)]}»”’\"'」』）】>*`_~|-–—=+%$€£¥°0123456789")
SENTENCE_END_INSIDE_RE = re.compile(r"(?<!\d)[.!?。！？؟](?:\s|$)")
LIST_ITEM_RE = re.compile(r"\s*(?:[-*•]|\d+[.)]|[a-zA-Z][.)])\s")
ATTRIBUTION_RE = re.compile(r"[\"”»]\s*[-–—]\s*\S[^\n]{0,50}$")
UNSPACED = frozenset({"ja", "zh", "th"})


@dataclass(frozen=True, slots=True)
class Leak:
    """Where a leaked marker sits and what fixing it means."""

    role: str
    start: int  # where the marker starts
    marker_end: int  # where the text after the marker starts
    end: int  # where the leaked part ends
    target: str | None  # the field the text after the marker belongs to, None: just drop it
    what: str


def find_leaks(pair: Pair) -> list[Leak]:
    leaks: list[Leak] = []
    for role, text in (
        ("instruction", pair.instruction),
        ("input", pair.input),
        ("response", pair.response),
    ):
        if not text:
            continue
        if "<|" in text:
            leaks.extend(_tag_leaks(role, text))
            if leaks and leaks[-1].role == role:
                continue
        if role == "response":
            m = NEW_PAIR_RE.search(text)
            if m:
                # the response runs on into a new pair: everything from the label on is junk
                leaks.append(
                    Leak(role, m.start(), m.end(), len(text), "instruction", "runs into a new pair")
                )
                continue
        if "#" in text:
            m = HEADER_RE.search(text)
            if m:
                leaks.append(Leak(role, m.start(), m.end(), m.end(), None, "prompt header"))
                continue
        m = LEADING_LABEL_RE[role].match(text)
        if m and not (role != "instruction" and EXAMPLE_LABEL_RE.search(text)):
            leaks.append(
                Leak(
                    role,
                    m.start(),
                    m.end(),
                    m.end(),
                    None,
                    f"starts with {'an' if role[0] in 'aeiou' else 'a'} {role} label",
                )
            )
            continue
        if role == "instruction" and not pair.input.strip():
            m = LINE_LABEL_RE["input"].search(text)
            if m and text[m.end() :].strip() and not _shows_examples(text, m):
                leaks.append(Leak(role, m.start(), m.end(), len(text), "input", "holds the input"))
                continue
        if role in ("instruction", "input") and not pair.response.strip():
            m = LINE_LABEL_RE["response"].search(text)
            if m and text[m.end() :].strip():
                leaks.append(
                    Leak(role, m.start(), m.end(), len(text), "response", "holds the response")
                )
    return leaks


def _shows_examples(text: str, label: re.Match[str]) -> bool:
    """The input label belongs to a worked example of the task (a programming problem with
    `Example 1:` blocks), not to a leaked input: the text goes on to an output label, names
    its examples, or holds more than one input label."""
    return (
        EXAMPLE_LABEL_RE.search(text, label.end()) is not None
        or EXAMPLE_HEADING_RE.search(text) is not None
        or LINE_LABEL_RE["input"].search(text, label.end()) is not None
    )


def _tag_leaks(role: str, text: str) -> list[Leak]:
    matches = list(TAG_RE.finditer(text))
    if not matches:
        return []
    first = matches[0]
    if first.group(1) == role and not text[: first.start()].strip():
        # `<|response|>answer`: drop the tag (and a later tag's tail, handled next time)
        return [Leak(role, first.start(), first.end(), first.end(), None, f"<|{role}|> tag")]
    tag = first.group(1)
    return [Leak(role, first.start(), first.end(), len(text), tag, f"<|{tag}|> tag")]


def placeholder_input(pair: Pair) -> Finding | None:
    text = pair.input
    if not text or len(text) > 60 or not text.strip():
        return None
    if placeholder_key(text) in PLACEHOLDER_KEYS:
        return Finding(
            "placeholder_input", "input", f"input is a placeholder ({text.strip()!r})", True
        )
    return None


def placeholder_response(pair: Pair) -> Finding | None:
    """The whole response is a placeholder (`<noinput>`, `<keine Eingabe>`): MT copied the
    empty input's marker into the answer."""
    text = pair.response.strip()
    if not text or len(text) > 60:
        return None
    key = placeholder_key(text)
    if text[0] not in "<`[(\"'«„“" and key != "noinput":
        return None
    if key in PLACEHOLDER_KEYS:
        return Finding(
            "placeholder_response", "response", f"response is a placeholder ({text!r})", False
        )
    return None


def split_instruction(pair: Pair) -> Finding | None:
    """MT cut the instruction short (`Vzhledem k`) and put its end, and the input label, in
    the input (`napsat báseň. Vstup: …`)."""
    instruction = pair.instruction.rstrip()
    if not pair.input or (instruction and instruction[-1] in TERMINAL_CHARS):
        return None
    if LEADING_LABEL_RE["input"].match(pair.input) or not INNER_INPUT_LABEL_RE.match(pair.input):
        return None
    return Finding(
        "split_instruction",
        "instruction",
        "the instruction breaks off and goes on in the input, before its input label",
        False,
    )


def empty_response(pair: Pair) -> Finding | None:
    if not pair.response.strip():
        return Finding("empty_response", "response", "response is empty", False)
    return None


def truncated(response: FieldText, lang: str) -> Finding | None:
    text = response.text
    if has_unclosed_fence(text):
        return Finding("truncated", "response", "code fence is never closed", False)
    tail = text.rstrip()
    if len(tail) < 40 or lang == "th":
        return None
    last = tail[-1]
    if last in TERMINAL_CHARS or (not last.isalpha() and last not in ",、"):
        return None
    words = tail.rsplit(None, 2)
    if any(w.startswith(("#", "@")) for w in words[-2:]) or ends_on_a_tag_or_author(tail):
        return None  # hashtags and handles end tweets, an author ends a quote
    line_start = tail.rfind("\n") + 1
    line = response.prose[line_start : len(tail)]
    if last in ",、":
        if len(line) >= 30:
            return Finding("truncated", "response", "response ends with a comma", False)
        return None
    if _unclosed(line):
        return Finding("truncated", "response", "response stops inside brackets or quotes", False)
    if lang in UNSPACED or lang == "ko":
        # a line ending on a particle (`の`, `を`, ...) stops inside a sentence
        if (
            tail[-1] in DANGLING_WORDS.get(lang, ())
            and len(line) >= 6
            and not (lang == "ja" and ends_on_a_japanese_noun(line))
        ):
            return Finding("truncated", "response", "response stops mid-sentence", False)
        if lang != "ko":
            # no spaces after a full stop here: any 。 before the end of the line counts
            if len(line) >= 20 and "。" in line:
                return Finding("truncated", "response", "response stops mid-sentence", False)
            earlier = response.prose[:line_start]
            marker = LIST_ITEM_RE.match(line)
            if marker:
                cut = len(line) - marker.end() >= 2 and _lines_end_with_stops(
                    earlier, list_items=True
                )
            else:
                cut = len(line) >= 20 and _lines_end_with_stops(earlier, list_items=False)
            if cut:
                return Finding("truncated", "response", "response stops mid-sentence", False)
            return None
    word = words[-1].lower()
    dangling = DANGLING_WORDS.get(lang, frozenset())
    # a single letter after another short token is a list of letters (`o u e o`), not a cut
    lettered = len(word) == 1 and len(words) > 1 and len(words[-2]) <= 2
    if not lettered and (word in dangling or (lang == "en" and word in DANGLING_WORDS["en"])):
        return Finding("truncated", "response", f"response stops mid-sentence (on {word!r})", False)
    if _cut_mid_word(words, lang):
        return Finding("truncated", "response", f"response stops mid-word (on {word!r})", False)
    # A line that already holds a finished sentence but stops without one is cut off; short
    # list items, titles and verse lines without a full stop are fine.
    after_colon = line.rsplit(":", 1)[-1] if ":" in line else None
    if after_colon is not None and (after_colon.count(",") >= 2 or len(after_colon.split()) <= 6):
        return None  # an answer after a colon (`lautet: X`) or an enumeration (`sind: A, B, C`)
    if ATTRIBUTION_RE.search(line):
        return None  # `"A quote." - Author`
    marker = LIST_ITEM_RE.match(line)  # strip a leading list marker only (`- `, `2. `, `b) `)
    body = line[marker.end() :] if marker else line
    if len(body) >= 40 and SENTENCE_END_INSIDE_RE.search(body):
        return Finding("truncated", "response", "response stops mid-sentence", False)
    earlier = response.prose[:line_start]
    if marker:
        # the earlier items all end with a full stop: this one, however short, was cut
        cut = len(body) >= 3 and _lines_end_with_stops(earlier, list_items=True)
    else:
        cut = (
            len(line) >= 100
            or (len(line) >= 40 and _lines_end_with_stops(earlier, list_items=False))
            or (len(line) >= 60 and not earlier.strip() and _is_sentence_like(line))
        )
    if cut:
        return Finding("truncated", "response", "response stops mid-sentence", False)
    return None


def _lines_end_with_stops(text: str, *, list_items: bool) -> bool:
    """Every earlier line of the same sort (list items, or prose lines) ends with a full stop:
    the writer finishes lines with punctuation, so a last line without one was cut."""
    lines = [ln.rstrip() for ln in text.split("\n") if len(ln.strip()) >= 20]
    same = [ln for ln in lines if bool(LIST_ITEM_RE.match(ln)) == list_items]
    if not list_items:
        same = [ln for ln in same if len(ln) >= 40]
    return len(same) >= (2 if list_items else 1) and all(ln[-1] in ".!?。！？؟" for ln in same)


_PAIRS = (
    ("(", ")"), ("«", "»"), ("„", "“"), ("「", "」"), ("『", "』"), ("（", "）"), ("“", "”"),
)  # fmt: skip


# Languages where a lone letter is an everyday word (Vietnamese syllables) or where we have no
# list of the one-letter words: the mid-word rule stays out of them.
_ONE_LETTER_WORDS = {
    "de": "", "en": "ai", "es": "yoaeu", "pt": "aeoéàá", "it": "eaoèi", "fr": "aày",
    "cs": "aikosuvz", "tr": "o", "id": "", "ms": "",
}  # fmt: skip


def _cut_mid_word(words: list[str], lang: str) -> bool:
    """A line that ends on a lone lower-case letter after a long word (`para mitigar s`) was cut
    inside a word: such a letter is no word of the language (one-letter words are left alone,
    and a letter after a short token is taken for a variable or a list of letters)."""
    if lang not in _ONE_LETTER_WORDS or len(words) < 2:
        return False
    last, before = words[-1], words[-2]
    return (
        len(last) == 1
        and last.isalpha()
        and last.islower()
        and last not in _ONE_LETTER_WORDS[lang]
        and len(before) >= 4
        and before[-1:].isalpha()
    )


def _unclosed(line: str) -> bool:
    """The line opened a bracket or a quote it never closed (`"Il est un`)."""
    if line.count('"') % 2 == 1 and line.rstrip()[-1:] != '"':
        last_open = line.rfind('"')
        return len(line) - last_open > 8
    return any(
        line.rfind(a) > line.rfind(b) and len(line) - line.rfind(a) > 8
        for a, b in _PAIRS
        if a in line
    )


def _is_sentence_like(line: str) -> bool:
    """Not a title (mostly capitalised words), an enumeration or a `label: value` line."""
    words = line.split()
    capitalised = sum(w[:1].isupper() for w in words)
    return ":" not in line and line.count(",") < 2 and capitalised < 0.4 * len(words)
