"""Detector of code that machine translation translated (`if` -> `wenn`).

Only keyword position counts: the first word of a code line followed by code syntax, or a
whole inline code span. A local-language identifier elsewhere in valid code is fine.
"""

from __future__ import annotations

import re
from functools import lru_cache

from midb_cli.checks.finding import Finding
from midb_cli.checks.lexicon import CODE_KEYWORDS, TRANSLATED_KEYWORDS
from midb_cli.checks.text import INLINE_CODE_RE, fenced_blocks, mask_code_and_urls

# Keywords that take a condition or header (`wenn x > 0:`), and ones used like calls.
_HEADER_KEYWORDS = frozenset({"if", "for", "while", "else", "return", "def", "class"})
# A "plain" code line outside fences: ends like a block header or statement and has operators.
_CODE_TAIL_RE = re.compile(r"(?:[:{]|\)\s*[:{]?|;)\s*$")
_OPERATOR_RE = re.compile(r"==|!=|<=|>=|[<>]|\+=|-=|\brange\(|\blen\(|%|\[|\(")
_CODE_OP_RE = re.compile(r"[=<>(\[%*/+]")
_ENGLISH_LINE_RE = re.compile(r"^\s*(?:" + "|".join(sorted(CODE_KEYWORDS)) + r")\b", re.M)


@lru_cache(maxsize=32)
def _line_re(lang: str) -> re.Pattern[str] | None:
    """A line starting with a translated keyword (not as a name being assigned)."""
    table = TRANSLATED_KEYWORDS.get(lang)
    if not table:
        return None
    alt = "|".join(re.escape(w) for w in sorted(table, key=len, reverse=True))
    return re.compile(
        r"^[ \t]*(" + alt + r")(?![\w])(?![ \t]*(?:[=.,\[\]]|$))([^\n]*)", re.M | re.I
    )


@lru_cache(maxsize=32)
def _after_newline_re(lang: str) -> re.Pattern[str] | None:
    """``_line_re`` for the lines after the first, led by their newline: a search for a
    literal character first costs a fraction of a ``^`` tried at every position."""
    line = _line_re(lang)
    if line is None:
        return None
    return re.compile("\n" + line.pattern.removeprefix("^"), line.flags)


def _has_keyword_line(text: str, lang: str) -> bool:
    """``_line_re(lang).search(text)`` finds a line (the first line, or one after a newline)."""
    line, after_newline = _line_re(lang), _after_newline_re(lang)
    if line is None or after_newline is None:
        return False
    return line.match(text) is not None or after_newline.search(text) is not None


def _is_keyword_use(lang: str, m: re.Match[str]) -> bool:
    """The matched line uses the word the way code uses the keyword it replaced."""
    word, rest = m.group(1), m.group(2)
    english = TRANSLATED_KEYWORDS[lang].get(word) or TRANSLATED_KEYWORDS[lang].get(word.lower(), "")
    line = m.group(0)
    if english in _HEADER_KEYWORDS and english != "return":
        return _CODE_TAIL_RE.search(line) is not None or _OPERATOR_RE.search(rest) is not None
    if english == "return":
        return (
            _CODE_TAIL_RE.search(line) is not None
            or _OPERATOR_RE.search(rest) is not None
            or (len(rest.split()) <= 3 and not rest.rstrip().endswith((".", "!", "?", "。")))
        )
    return rest.lstrip().startswith("(") or (
        english in ("import", "def", "class") and len(rest.split()) <= 3
    )


@lru_cache(maxsize=32)
def _keyword_set(lang: str) -> frozenset[str]:
    return frozenset(w.lower() for w in TRANSLATED_KEYWORDS.get(lang, {}))


def translated_code(text: str, lang: str, masked: str | None = None) -> list[str]:
    """Descriptions of translated keywords in ``text`` (empty when none). ``masked``: the
    text with code and URLs masked (``mask_code_and_urls``), when the caller has it."""
    pattern = _line_re(lang)
    if pattern is None:
        return []
    found: list[str] = []
    if "```" in text:
        for block in fenced_blocks(text):
            body = block.group(0).split("\n", 1)[1] if "\n" in block.group(0) else ""
            for m in pattern.finditer(body):
                if _is_keyword_use(lang, m) and not _defined_in(m.group(1), body):
                    found.append(f"code keyword translated: {m.group(1)!r}")
                    break
    if "`" in text:
        words = _keyword_set(lang)
        for m in INLINE_CODE_RE.finditer(text):
            inner = m.group(0)[1:-1].strip()
            if inner.lower() in words:
                found.append(f"inline code translated: {inner!r}")
                break
    if not found and "\n" in text:
        masked = mask_code_and_urls(text) if masked is None else masked
        found.extend(_plain_code_lines(masked, pattern, lang))
    return found


def _plain_code_lines(text: str, pattern: re.Pattern[str], lang: str) -> list[str]:
    """Code written without fences: two or more lines that are plainly code."""
    if not _has_keyword_line(text, lang):
        return []  # no line starts with a translated keyword (one search, not one per line)
    lines = [ln for ln in text.split("\n") if ln.strip()]
    code_like = [
        ln
        for ln in lines
        if len(ln) <= 80
        and len(ln.split()) <= 10
        and _CODE_TAIL_RE.search(ln)
        and _CODE_OP_RE.search(ln)
        and ". " not in ln
    ]
    if len(code_like) < 2:
        return []
    for ln in code_like:
        m = pattern.match(ln)
        if m and len(ln) < 120 and _is_keyword_use(lang, m) and not _defined_in(m.group(1), text):
            return [f"code keyword translated: {m.group(1)!r}"]
    return []


def _defined_in(word: str, body: str) -> bool:
    """``word`` is the code's own name (``def drucken(...)``, ``funktion = ...``)."""
    w = re.escape(word.strip())
    return (
        re.search(
            r"(?:def|function|func|fn|class|let|const|var)\s+" + w + r"\b|\b" + w + r"\s*=[^=]",
            body,
        )
        is not None
    )


def code_blocks_differ(text: str, source: str) -> bool:
    """The record's fenced blocks lost English keywords the source's aligned blocks have."""
    mine, theirs = fenced_blocks(text), fenced_blocks(source)
    if not theirs or len(mine) != len(theirs):
        return False
    for a, b in zip(mine, theirs, strict=True):
        if _keywords_of(a.group(0)) != _keywords_of(b.group(0)):
            return True
    return False


def _keywords_of(block: str) -> list[str]:
    return [m.group(0).strip() for m in _ENGLISH_LINE_RE.finditer(block)]


def describe(findings: list[str], role: str) -> list[Finding]:
    return [Finding("translated_code", role, msg, False) for msg in findings[:1]]
