"""Detectors of text in the wrong language: a whole field, or single sentences left in English.

Language ID is the costly part, so it runs on a sentence only after a cheap test (English
function words) says the sentence may be English, and on a field only when the record's own
identification disagrees with the record language.
"""

from __future__ import annotations

import re

from midb_cli.checks.finding import Finding
from midb_cli.checks.lexicon import ENGLISH_MARKERS, TRANSLATION_TASK_RE
from midb_cli.checks.surface import MOJIBAKE_CONT, MOJIBAKE_LEAD
from midb_cli.checks.text import LATIN_WORD_RE, FieldText, sentences
from midb_cli.langid import FieldLanguage, LanguageIdentifier, RecordLanguage
from midb_cli.languages import UNDETERMINED, language_name

# Pairs language ID cannot tell apart reliably on short text: never a wrong-language finding.
_CLOSE = ({"id", "ms"}, {"ja", "zh"})
MIN_FIELD_CHARS = 40
MIN_CONFIDENCE = 0.9
# Quoted spans are someone's words (titles, examples, foreign terms): never "untranslated".
QUOTED_RE = re.compile(
    r"\"[^\"\n]{1,300}\"|“[^”\n]{1,300}”|„[^“”\n]{1,300}[“”]|«[^»\n]{1,300}»|「[^」\n]{1,300}」|『[^』\n]{1,300}』|'[^'\n]{1,200}'"
)
MIN_SENTENCE_WORDS = 4


def same_language(a: str, b: str) -> bool:
    return a == b or any(a in group and b in group for group in _CLOSE)


# A re.I search costs about six plain ones. On lower-cased text the same pattern without re.I
# finds the same matches, except where a character's lower case is not what re.I equates it
# with (Turkish İ lowers to two characters; ı, ſ, µ match i, s, μ only under re.I; Greek
# variants): text holding one of those takes the re.I pattern. tests/test_checks_casefold.py
# recomputes this set from every code point.
_CASEFOLD_UNSAFE = "\u00b5\u0130\u0131\u017f\u0345\u03d5\u03f0\u03f1\u03f5\u1c80-\u1c85\u1fbe"
CASEFOLD_UNSAFE_RE = re.compile(f"[{_CASEFOLD_UNSAFE}]")
# One scan of a field for the two rare things its non-ASCII text is searched for: a
# casefold-unsafe character, or a mojibake pair (``surface.find_mojibake``'s probe). One
# character class leads (the engine scans for it in one tight loop), a lookbehind then tells
# the two apart. Most text holds neither, and then both answers come from the one scan.
_RARE_RE = re.compile(
    f"[{_CASEFOLD_UNSAFE}{MOJIBAKE_LEAD}]"
    f"(?:(?<=[{MOJIBAKE_LEAD}])[{MOJIBAKE_CONT}]|(?<=[{_CASEFOLD_UNSAFE}]))"
)


def _literal_words(pattern: str) -> list[str] | None:
    """The words an alternation of literals matches (one ``[...]`` per word allowed), or None
    when ``pattern`` uses other regex syntax."""
    plain = r"[^\\\[\]().*+?{}^$|]*"
    words: list[str] = []
    for alt in pattern.split("|"):
        m = re.fullmatch(f"({plain})(?:\\[([^\\]\\\\]+)\\]({plain}))?", alt)
        if m is None:
            return None
        head, chars, tail = m.groups()
        words += [head + c + tail for c in chars] if chars else [head]
    return words


_Tree = dict[str, "_Tree"]


def _prefix_tree_pattern(words: list[str]) -> str:
    """A pattern found wherever one of ``words`` is, with one alternative per first letter (a
    flat alternation of 40 words tries each at every common letter). Only for searching: a
    word that another word starts with stands for both."""
    tree: _Tree = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: _Tree) -> str:
        if "" in node:
            return ""
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items())]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return emit(tree)


_TRANSLATION_WORDS = _literal_words(TRANSLATION_TASK_RE.pattern)
_TRANSLATION_TASK_LOWER_RE = re.compile(
    TRANSLATION_TASK_RE.pattern
    if _TRANSLATION_WORDS is None
    else _prefix_tree_pattern(_TRANSLATION_WORDS)
)
# The same tree under re.I, for text a lower-cased search would misjudge: re.I compares
# character by character, so the tree finds what the alternation finds, at a third of the cost.
_TRANSLATION_TASK_I_RE = re.compile(_TRANSLATION_TASK_LOWER_RE.pattern, TRANSLATION_TASK_RE.flags)


def casefold_safe(text: str) -> bool:
    """No character of ``text`` is in ``CASEFOLD_UNSAFE_RE`` (all of them are non-ASCII)."""
    return text.isascii() or CASEFOLD_UNSAFE_RE.search(text) is None


def field_rare(field: FieldText) -> bool:
    """Whether the field's text holds a casefold-unsafe character or a mojibake pair, once per
    field: False answers both ``casefold_safe`` and whether ``find_mojibake`` can find a run."""
    if field.rare is None:
        field.rare = not field.text.isascii() and _RARE_RE.search(field.text) is not None
    return field.rare


def field_casefold_safe(field: FieldText) -> bool:
    """``casefold_safe`` of the field's text, once per field. It holds for the prose too: the
    prose is the text with some parts blanked."""
    if field.casefold_safe is None:
        field.casefold_safe = not field_rare(field) or casefold_safe(field.text)
    return field.casefold_safe


def search_ignoring_case(
    pattern: re.Pattern[str],
    lower_pattern: re.Pattern[str],
    text: str,
    lowered: str,
    safe: bool | None = None,
) -> bool:
    """``pattern`` (re.I) found in ``text``, decided on ``lowered`` (= ``text.lower()``) with
    ``lower_pattern`` (the same lower-case pattern without re.I) where that is exact.
    ``safe``: ``casefold_safe`` of ``text`` (or of a text ``text`` is part of), if known."""
    if safe if safe is not None else casefold_safe(text):
        return lower_pattern.search(lowered) is not None
    return pattern.search(text) is not None


def is_translation_task(instruction: str | FieldText) -> bool:
    """The instruction asks for a translation. Given the instruction's ``FieldText``, it
    shares the lower-cased text and ``field_casefold_safe`` with the other detectors."""
    if isinstance(instruction, str):
        return search_ignoring_case(
            _TRANSLATION_TASK_I_RE, _TRANSLATION_TASK_LOWER_RE, instruction, instruction.lower()
        )
    text = instruction.text
    lowered = instruction.lowered_prose() if instruction.prose is text else text.lower()
    return search_ignoring_case(
        _TRANSLATION_TASK_I_RE,
        _TRANSLATION_TASK_LOWER_RE,
        text,
        lowered,
        field_casefold_safe(instruction),
    )


def wrong_language(
    field: FieldText,
    record_lang: RecordLanguage,
    identifier: LanguageIdentifier,
    translation_task: bool,
    input_lang: str,
) -> Finding | None:
    """The field's language differs from the record's (a different script is certain; the same
    script needs a confident identification of a long enough text)."""
    lang = record_lang.lang
    if lang == UNDETERMINED or field.role == "input" or translation_task:
        return None
    known = record_lang.fields.get(field.role)
    if known is None or known.lang == UNDETERMINED or same_language(known.lang, lang):
        return None
    text = field.prose
    if len(text.strip()) < 10:
        return None
    # Identify again on the prose alone: code and URLs look English to every identifier.
    found = identifier.identify_text(text) if text is not field.text else known
    if found.lang == UNDETERMINED or same_language(found.lang, lang):
        return None
    expected = SCRIPTS.get(lang)
    other_script = expected is not None and dominant_script(text) not in (expected, None)
    if not other_script and not _confident(found, text, record_lang, field.role):
        return None
    # A task about foreign text (fix this English sentence...): its language is expected.
    if same_language(input_lang, found.lang if field.role == "response" else lang):
        return None
    return Finding(
        "wrong_language",
        field.role,
        f"{field.role} is in {language_name(found.lang)}, the record in {language_name(lang)}",
        False,
    )


def _confident(found: FieldLanguage, text: str, record_lang: RecordLanguage, role: str) -> bool:
    if found.confidence >= MIN_CONFIDENCE and len(text) >= MIN_FIELD_CHARS:
        return True
    # A shorter or less certain field still counts when the other field is plainly in the
    # record language.
    other = record_lang.fields.get("response" if role == "instruction" else "instruction")
    return (
        found.confidence >= 0.75
        and len(text) >= MIN_SCRIPT_CHARS
        and other is not None
        and other.lang == record_lang.lang
        and other.confidence >= 0.95
    )


SCRIPTS = {
    "ru": "cyrillic", "el": "greek", "ar": "arabic", "ko": "hangul", "ja": "kana",
    "zh": "han", "th": "thai",
}  # fmt: skip
for _code in ("it", "es", "fr", "de", "tr", "pt", "cs", "id", "vi", "ms", "en"):
    SCRIPTS[_code] = "latin"
_SCRIPT_RES = (
    ("kana", re.compile(r"[\u3040-\u30ff]")),
    ("hangul", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("han", re.compile(r"[\u4e00-\u9fff]")),
    ("cyrillic", re.compile(r"[\u0400-\u04ff]")),
    ("greek", re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")),
    ("arabic", re.compile(r"[\u0600-\u06ff]")),
    ("thai", re.compile(r"[\u0e00-\u0e7f]")),
    ("latin", re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")),
)
MIN_SCRIPT_CHARS = 20


def dominant_script(text: str) -> str | None:
    """The script most letters of ``text`` are in (Japanese kana wins over kanji)."""
    counts = {name: len(rx.findall(text)) for name, rx in _SCRIPT_RES}
    if counts["kana"] >= 3:
        return "kana"
    name, n = max(counts.items(), key=lambda kv: kv[1])
    return name if n >= 10 else None


def untranslated_segments(
    field: FieldText,
    lang: str,
    identifier: LanguageIdentifier,
    others: str,
) -> Finding | None:
    """An English sentence inside a field in another language. ``others`` is the text of the
    other fields: a sentence quoted from them (an English input, say) is not a defect."""
    if lang in ("en", UNDETERMINED) or field.role == "input":
        return None
    if not english_probe(field):
        return None
    text = field.prose
    if '"' in text or "“" in text or "«" in text or "「" in text or "'" in text or "„" in text:
        text = QUOTED_RE.sub(" ", text)
    for sentence in sentences(text):
        words = LATIN_WORD_RE.findall(sentence)
        if len(words) < MIN_SENTENCE_WORDS:
            continue
        if sum(w[0].isupper() for w in words) >= 0.6 * len(words):
            continue  # Title Case: a name, a title, a slogan
        markers = [w for w in words if w.lower() in ENGLISH_MARKERS]
        if len(set(markers)) < 2 or len(markers) < 0.2 * len(words):
            continue
        # Most of the sentence must be Latin-script words (not one English phrase in Greek).
        latin_chars = sum(len(w) for w in words)
        if latin_chars < 0.6 * len(sentence.strip()) and lang not in _LATIN_SCRIPT:
            continue
        stripped = sentence.strip()
        if stripped in others:
            continue
        english = _english_part(stripped, words, identifier)
        if english:
            snippet = english if len(english) <= 40 else english[:37] + "..."
            return Finding(
                "untranslated_segment",
                field.role,
                f"English sentence left untranslated: {snippet!r}",
                False,
            )
    return None


def _english_part(sentence: str, words: list[str], identifier: LanguageIdentifier) -> str | None:
    """The sentence, or its part from the first English function word on (an English
    sentence glued to the end of a line), when language ID calls it English."""
    if identifier.identify_text(sentence).lang == "en":
        return sentence
    first = next((w for w in words if w.lower() in ENGLISH_MARKERS), None)
    if first is None:
        return None
    at = sentence.find(first)
    tail = sentence[at:]
    if at > 0 and len(tail.split()) >= MIN_SENTENCE_WORDS + 1:
        found = identifier.identify_text(tail)
        if found.lang == "en" and found.confidence >= 0.9:
            return tail
    return None


_LATIN_SCRIPT = frozenset({"it", "es", "fr", "de", "tr", "pt", "cs", "id", "vi", "ms"})
_MARKER_PROBE_RE = re.compile(r"\b(?:the|and|is|are|of|with|you|this|that)\b", re.I)
# The same words on lower-cased text, each led by its first letter so that the regex engine
# scans for those letters (a leading \b leaves it nothing to scan for): `t(?<!\wt)` is a `t`
# with no word character before it. tests/test_hot_paths.py compares it with the plain form.
_MARKER_PROBE_LOWER_RE = re.compile(
    r"t(?<!\wt)(?:he|his|hat)\b|a(?<!\wa)(?:nd|re)\b|i(?<!\wi)s\b|o(?<!\wo)f\b"
    r"|w(?<!\ww)ith\b|y(?<!\wy)ou\b"
)


def english_probe(field: FieldText) -> bool:
    """Whether the field's prose holds an English marker word (a cheap test before looking for
    English sentences), once per field."""
    if field.english is None:
        lowered = field.lowered_prose()
        field.english = "the " in lowered or _marker_probe(
            field.prose, lowered, field_casefold_safe(field)
        )
    return field.english


def _marker_probe(text: str, lowered: str, safe: bool) -> bool:
    """``_MARKER_PROBE_RE`` found in ``text`` (``safe``: ``casefold_safe`` of the field)."""
    return search_ignoring_case(_MARKER_PROBE_RE, _MARKER_PROBE_LOWER_RE, text, lowered, safe)


# A record left in English: both the instruction and the response confidently English (with
# quoted text removed: `Edita la frase: "I likes reading"` is a Spanish task about English).
MIN_ENGLISH_CONFIDENCE = 0.8
MIN_ENGLISH_LETTERS = 15


def record_left_in_english(
    fields: dict[str, FieldText],
    record_lang: RecordLanguage,
    identifier: LanguageIdentifier,
    file_lang: str | None,
) -> bool:
    if file_lang in (None, "en", UNDETERMINED) or record_lang.lang not in ("en", file_lang):
        return False
    known = record_lang.fields
    for role in ("instruction", "response"):
        found = known.get(role)
        if found is None or found.lang != "en" or found.confidence < MIN_ENGLISH_CONFIDENCE:
            return False
    input_lang = known.get("input")
    if input_lang is not None and input_lang.lang not in ("en", UNDETERMINED):
        return False
    for role in ("instruction", "response"):
        text = QUOTED_RE.sub(" ", fields[role].prose)
        if (
            len(LATIN_WORD_RE.findall(text)) < 3
            or sum(c.isalpha() for c in text) < MIN_ENGLISH_LETTERS
        ):
            return False
        found = identifier.identify_text(text) if text != fields[role].text else known[role]
        if found.lang != "en" or found.confidence < MIN_ENGLISH_CONFIDENCE:
            return False
    return True
