"""Locale punctuation: ASCII marks where the language has its own (Japanese 。、, Arabic ؟،؛,
Greek ;), and the edits that replace them when that is certain.

Japanese is the hard case. A comma-separated list is converted whole or not at all, the
spaces after a converted mark go with it (`猫, 土` -> `猫、土`, never `猫、 土`), and a field
is left alone when its commas may not be Japanese punctuation at all: a separator between two
Latin words (`Driver, N.`: a bibliography, an English phrase), a line with numbers (addresses,
CSV-like rows, `数量 = 10, 価格 = $4`), or a full stop after Japanese text that could not be
converted (`ウィリアム. 『…』`). Such a field keeps its finding, marked not fixable.
"""

from __future__ import annotations

import re

_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f"
# ASCII `.`/`,` right after Japanese text, followed by a line end, Japanese or code.
# (Each pattern starts with the mark itself, its lookbehinds after it: the regex engine then
# scans for the marks in one tight loop instead of trying a lookbehind at every position.
# tests/test_hot_paths.py compares them with the plain lookbehind-first forms.)
JA_PUNCT_RE = re.compile(
    r"[.,](?:(?<=[" + _CJK + r"][.,])(?=[ \t]*(?:\n|$)|[ \t]*[\x00" + _CJK + r"])"
    # a comma after a Latin word or a number, before Japanese (`AI,データ`, `15,次`)
    r"|(?<=[A-Za-z0-9)）」』],)(?=[ \t]*[" + _CJK + r"]))"
)
# ASCII `?` right after a Greek word.
EL_PUNCT_RE = re.compile(r"\?(?<=[\u0370-\u03ff\u1f00-\u1fff]\?)")
# ASCII `?`, `,`, `;` right after an Arabic word, or before one.
AR_PUNCT_RE = re.compile(
    r"[?,;](?:(?<=[\u0600-\u06ff][?,;])"
    # after a Latin word or a number, before Arabic (`15, لأن`), never inside a number
    r"|(?<=[A-Za-z0-9)][?,;])(?=[ \t]*[\u0600-\u06ff]))"
)
_PUNCT = {
    "ja": (JA_PUNCT_RE, {".": "。", ",": "、"}),
    "zh": (JA_PUNCT_RE, {".": "。", ",": "，"}),
    "el": (EL_PUNCT_RE, {"?": ";"}),
    "ar": (AR_PUNCT_RE, {"?": "؟", ",": "،", ";": "؛"}),
}
# An ASCII `,`/`;` at a line end after a closing bracket or a Latin word (`عزيزي [الاسم],`,
# `عزيزي XXX,`): Arabic punctuation when the line is Arabic text, but only converted along
# with the field's other marks, so a letter does not keep one ASCII comma of many.
_AR_LINE_END_RE = re.compile(r"(?<=[\])A-Za-z])[,;](?=[ \t]*(?:\n|$))")
_AR_LETTER_RE = re.compile(r"[^\W\d_]")
_AR_SCRIPT = re.compile("[\u0600-\u06ff]")
_CJK_CHAR_RE = re.compile("[" + _CJK + "]")
# Japanese text (or a closing bracket of it) on one side of a comma, spaces aside.
_JA_BEFORE = re.compile("[" + _CJK + "」』）】]")
# Every ASCII comma and full stop with the spaces after it.
_MARK_RE = re.compile(r"[.,][ \t]*")
_DIGIT_RE = re.compile(r"\d")
# A list item this short with a digit in it is a value (a number, a size, an address part).
DATA_ITEM_CHARS = 15
_ITEM_BREAK_RE = re.compile(r"[,、\n]")

#: an edit: (start, end, replacement) of the original text
Edit = tuple[int, int, str]


def has_locale_marks(lang: str) -> bool:
    """Whether ``lang`` has marks of its own this module knows (else nothing to find)."""
    return lang in _PUNCT


def find_punctuation(masked: str, lang: str) -> list[tuple[int, str]]:
    """(offset, replacement) for each ASCII mark wrong for ``lang`` outside code and URLs."""
    spec = _PUNCT.get(lang)
    if spec is None:
        return []
    pattern, table = spec
    return [(m.start(), table[m.group(0)]) for m in pattern.finditer(masked)]


def punctuation_edits(masked: str, lang: str) -> list[Edit] | None:
    """The edits that fix the field's marks, or None when a fix is not certain."""
    marks = find_punctuation(masked, lang)
    if not marks:
        return []
    if lang == "ar":
        return _ar_edits(masked, marks)
    if lang not in ("ja", "zh"):
        return [(i, i + 1, repl) for i, repl in marks]
    return _cjk_edits(masked, _PUNCT[lang][1])


def _ar_edits(masked: str, marks: list[tuple[int, str]]) -> list[Edit]:
    """The detected marks, and a line-end comma of an Arabic line the pattern cannot see
    (after `]`, `)` or a Latin word) when nothing else on that line stays ASCII."""
    table = _PUNCT["ar"][1]
    edits = [(i, i + 1, repl) for i, repl in marks]
    detected = {i for i, _ in marks}
    for m in _AR_LINE_END_RE.finditer(masked):
        i = m.start()
        if i in detected:
            continue
        start = masked.rfind("\n", 0, i) + 1
        line = masked[start:i]
        first = _AR_LETTER_RE.search(line)
        if first is None or not _AR_SCRIPT.match(first.group(0)):
            continue  # a Latin line (an English greeting, a list of names)
        if any(c in ",;?" and start + k not in detected for k, c in enumerate(line)):
            continue  # another ASCII mark on the line stays: converting this one half-converts it
        edits.append((i, i + 1, table[masked[i]]))
    return edits


def _cjk_edits(masked: str, table: dict[str, str]) -> list[Edit] | None:
    detected = {i for i, _ in find_punctuation(masked, "ja")}
    edits: list[Edit] = []
    commas: list[int] = []
    for m in _MARK_RE.finditer(masked):
        i, mark = m.start(), masked[m.start()]
        before = masked[:i].rstrip(" \t")[-1:]
        after = masked[m.end() : m.end() + 1]
        if mark == ".":
            if i in detected:
                edits.append((i, m.end() if after not in ("\n", "") else i + 1, table["."]))
            elif before and _JA_BEFORE.match(before) and after not in ("\n", ""):
                return None  # a full stop after Japanese that cannot be converted
            continue
        if before.isdigit() and after.isdigit() and m.end() == i + 1:
            continue  # inside a number (1,000)
        if not (_JA_BEFORE.match(before or " ") or _CJK_CHAR_RE.match(after or " ")):
            return None  # a separator between non-Japanese words: not Japanese punctuation
        commas.append(i)
        edits.append((i, m.end() if after not in ("\n", "") else i + 1, table[","]))
    if any(_data_item(masked, i) for i in commas):
        return None  # numbers: an address, a data row, a reference, values to compute
    return edits


def _data_item(masked: str, comma: int) -> bool:
    """The comma separates short items that hold numbers or `=` (`数量 = 10, 価格 = $4`,
    `田中, 30, 東京`, `1メートル, 3メートル`): data, where the ASCII comma may be meant."""
    start = max(masked.rfind(c, 0, comma) for c in ",、\n") + 1
    m = _ITEM_BREAK_RE.search(masked, comma + 1)
    end = m.start() if m else len(masked)
    return any(
        "=" in item or (len(item) <= DATA_ITEM_CHARS and _DIGIT_RE.search(item) is not None)
        for item in (masked[start:comma].strip(), masked[comma + 1 : end].strip())
    )


def apply_edits(text: str, edits: list[Edit]) -> str:
    for start, end, repl in sorted(edits, reverse=True):
        text = text[:start] + repl + text[end:]
    return text
