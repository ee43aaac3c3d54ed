"""Text helpers shared by the detectors and the fixes: code and URL masking, sentence splits.

Masking replaces code (fenced blocks, inline code) and URLs with NUL characters of the same
length, so that prose-only detectors see positions that still match the original text and a
fix can edit the original at those positions without ever touching code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MASK = "\x00"

# A fenced block: an opening ``` line up to the next ``` line (or the end: unclosed fence).
FENCE_RE = re.compile(r"^[ \t]*```[^\n]*\n(?:.*?\n)??[ \t]*```[^\n]*$|^[ \t]*```.*\Z", re.M | re.S)
FENCE_LINE_RE = re.compile(r"^[ \t]*```", re.M)
INLINE_CODE_RE = re.compile(r"`[^`\n]+`")
URL_RE = re.compile(r"(?:https?://|www\.)\S+|\b[\w.+-]+@[\w-]+\.[\w.]+")
# Sentence ends: Latin/Greek/Cyrillic punctuation followed by space, CJK/Arabic marks, newlines.
SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?;:؟।])\s+|(?<=[。！？])|\n+")
LATIN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z']*")
LETTER_RE = re.compile(r"[^\W\d_]")


# A post ends on its hashtags or handles (`... #教育の重要性`, written without a space after
# 。 in Japanese); a quote on its author (`"..." - Albert Einstein`, `」―夏目漱石`).
_CLOSING_TAG_RE = re.compile(r"(?:\A|[\s。！？、.!?])[#＃@][^\s#＃@]{1,60}\Z")
# (a dash on the next line only after a closing quote: a list item after a sentence is no author)
ATTRIBUTION_RE = re.compile(r"(?:[\"'“”»」』][ \t]*\n?|[.!?。])[ \t]*[-–—―][ \t]*\w[^\n]{0,60}\Z")


def ends_on_a_tag_or_author(text: str) -> bool:
    """``text`` (stripped at the end) ends on a hashtag or handle, or on a quote's author:
    an ending that needs no stop."""
    return bool(_CLOSING_TAG_RE.search(text) or ATTRIBUTION_RE.search(text))


def fenced_blocks(text: str) -> list[re.Match[str]]:
    if "```" not in text:
        return []
    return list(FENCE_RE.finditer(text))


def has_unclosed_fence(text: str) -> bool:
    return "```" in text and len(FENCE_LINE_RE.findall(text)) % 2 == 1


def _blank(match: re.Match[str]) -> str:
    return MASK * (match.end() - match.start())


def mask_code_and_urls(text: str) -> str:
    """``text`` with code and URLs replaced by NULs (same length, same offsets)."""
    if "`" in text:
        text = FENCE_RE.sub(_blank, text) if "```" in text else text
        text = INLINE_CODE_RE.sub(_blank, text)
    if "://" in text or "www." in text or "@" in text:
        text = URL_RE.sub(_blank, text)
    return text


def prose(text: str) -> str:
    """The text outside code and URLs (masked parts dropped)."""
    masked = mask_code_and_urls(text)
    return masked.replace(MASK, " ") if MASK in masked else masked


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_SPLIT_RE.split(text) if s and not s.isspace()]


@dataclass(slots=True)
class FieldText:
    """One field, with its prose (code and URLs blanked) computed once for all detectors, and
    what several detectors derive from it, computed on first use."""

    role: str
    text: str
    masked: str
    prose: str
    #: ``prose.lower()``, once asked for (``lowered_prose``)
    prose_lower: str | None = None
    #: whether ``text`` holds no character that makes a search of lower-cased text differ from
    #: a re.I search (``checks.language.casefold_safe``), once asked for
    casefold_safe: bool | None = None
    #: whether ``text`` holds a casefold-unsafe character or a mojibake pair
    #: (``checks.language.field_rare``), once asked for
    rare: bool | None = None
    #: whether the instruction asks for a translation (``CheckContext.translation_task``)
    translation: bool | None = None
    #: whether the prose holds an English marker word (``checks.language.english_probe``)
    english: bool | None = None

    def lowered_prose(self) -> str:
        if self.prose_lower is None:
            self.prose_lower = self.prose.lower()
        return self.prose_lower

    @classmethod
    def of(cls, role: str, text: str) -> FieldText:
        """The field's ``FieldText``: the one made before for the same role and text when it
        is still remembered (a guard re-checking a revision meets the fields it left alone,
        with what the original's check derived from them)."""
        if not text:  # an empty field (most inputs): nothing to mask
            return cls(role, text, text, text)
        key = (role, text)
        found = _recent.get(key)
        if found is None:
            masked = mask_code_and_urls(text)
            prose = masked.replace(MASK, " ") if MASK in masked else masked
            found = cls(role, text, masked, prose)
            _recent.remember(key, found)
        return found


# Recent FieldTexts by (role, text): everything a FieldText holds or derives depends on these
# two only, so the one made for the original serves a revision's unchanged fields (a guard
# checks a record an in-flight window after it was read). Bounded in fields and characters: a
# full memo starts over, so memory stays flat.
RECENT_FIELDS = 4096
RECENT_CHARS = 4_000_000


class _RecentFields:
    def __init__(self) -> None:
        self.found: dict[tuple[str, str], FieldText] = {}
        self.chars = 0

    def get(self, key: tuple[str, str]) -> FieldText | None:
        return self.found.get(key)

    def remember(self, key: tuple[str, str], field: FieldText) -> None:
        size = len(key[1])
        if len(self.found) >= RECENT_FIELDS or self.chars + size > RECENT_CHARS:
            self.found.clear()
            self.chars = 0
        if size <= RECENT_CHARS:
            self.found[key] = field
            self.chars += size


_recent = _RecentFields()
