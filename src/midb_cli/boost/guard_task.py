"""The guards that judge a revised instruction against the record: another task set
(``guard:instruction_changed``) and fields written under each other's tags
(``guard:fields_swapped``). A refusal is a reason and the rule that fired (GuardResult.detail)."""

from __future__ import annotations

import re
from itertools import pairwise

from midb_cli.boost.guard_truncation import GRAM_SIZE
from midb_cli.boost.guard_words import DANGLING
from midb_cli.langid import RecordLanguage
from midb_cli.languages import UNDETERMINED
from midb_cli.records.pair import Pair

#: a refusal: the reason and which of its rules fired (GuardResult.detail)
Refusal = tuple[str, str]

_SWAP_MAX_SIMILARITY = 0.5  # fields this alike (Dice of n-grams) are the same text, rephrased
_SWAP_TASK_COPY = 0.9  # a response this alike to the original instruction is that instruction
_SIMILAR_CHARS = 300  # similarity reads the head of a field: enough to tell, cheap
_WORD = re.compile(r"\w+")
_KANA = "".join(map(chr, range(0x3000, 0x30A0)))  # CJK punctuation and hiragana
#: share of the new instruction's content words found in the record that makes it this
#: record's task (function words left out: `para`, `dans`, `eine` are in every record)
_RELATED_SHARE = 0.75
#: ... and for an instruction the MT had left in another language (translated by the expert)
_TRANSLATED_RELATED_SHARE = 0.4
#: languages whose words are syllables (`tình yêu`): pairs of syllables are the words
_SYLLABLE_LANGUAGES = frozenset({"vi"})
#: Arabic writes a conjunction, a preposition and the article onto the word (`والمعلومات`,
#: `لوصف`): the word is looked up without them (longest first; three letters must remain)
_ARABIC_PROCLITICS = ("وال", "بال", "كال", "فال", "لل", "ال", "و", "ف", "ب", "ل", "ك")
#: an instruction this alike to the original's (Dice) is the same task, rephrased; between
#: GuardSettings.min_instruction_similarity and this, the record must hold this share of its
#: content words (a template shared with another record's task is not enough)
_SURE_SIMILARITY = 0.4
_MIN_RECORD_SHARE = 0.3
#: ... and below, an instruction of three content words or more, this share of them
_RECORD_SHARE = 0.7


def instruction_changed(
    original: Pair,
    revised: Pair,
    lang: str,
    original_lang: RecordLanguage | None,
    min_similarity: float,
) -> Refusal | None:
    """``guard:instruction_changed`` when the revised instruction asks for another task than
    the original's; ``min_similarity`` is GuardSettings.min_instruction_similarity."""
    if revised.instruction == original.instruction:
        return None
    size = GRAM_SIZE.get(lang, 3)
    old_instruction = _grams(original.instruction, size)
    new_instruction = _grams(revised.instruction, size)
    similarity = _dice(old_instruction, new_instruction)
    if similarity >= _SURE_SIMILARITY:
        return None
    stems, found = _record_stems(revised.instruction, original, revised.response, lang)
    if similarity >= min_similarity:
        # alike in its template words only (`Erstellen Sie eine Liste von ...`): another
        # record's task shares few of this record's words
        if found >= _MIN_RECORD_SHARE * stems:
            return None
        return "guard:instruction_changed", "template_only"
    share = _related_share(revised.instruction, original, revised.response, lang)
    if share >= _RELATED_SHARE or (
        lang not in GRAM_SIZE and stems >= 3 and found >= _RECORD_SHARE * stems
    ):
        return None  # a new task set for this record's own content (`Was ist Liebe`)
    if original_lang is not None and share >= _TRANSLATED_RELATED_SHARE:
        # An instruction MT left in another language is rewritten on purpose (translated:
        # its words are not the original's, but the answer's words are still there).
        known = original_lang.fields.get("instruction")
        if known is not None and known.lang not in (lang, UNDETERMINED):
            return None
    return "guard:instruction_changed", ""


def _related_share(instruction: str, original: Pair, response: str, lang: str) -> float:
    """The share of the new instruction's content words that come from the record itself:
    experts rewrite a vague task into one that fits the answer; an instruction of another
    task does not share this record's words. Character pairs in unspaced scripts, pairs of
    syllables in Vietnamese (a syllable alone, `được`, `trong`, is in every record)."""
    text = " ".join((original.instruction, original.input, original.response, response)).lower()
    if lang in GRAM_SIZE:
        head = instruction[:_SIMILAR_CHARS]
        words = {head[i : i + 2] for i in range(len(head) - 1) if head[i : i + 2].isalnum()}
    elif lang in _SYLLABLE_LANGUAGES:
        syllables = _WORD.findall(instruction[:_SIMILAR_CHARS].lower())
        words = {f"{a} {b}" for a, b in pairwise(syllables)}
        text = " ".join(_WORD.findall(text))
    else:
        function = DANGLING.get(lang, frozenset())
        head = instruction[:_SIMILAR_CHARS].lower()
        words = {
            _without_clitics(w, lang)
            for w in _WORD.findall(head)
            if len(w) >= 4 and w not in function
        }
    if len(words) < 2:
        return 0.0
    return sum(w in text for w in words) / len(words)


def _record_stems(instruction: str, original: Pair, response: str, lang: str) -> tuple[int, int]:
    """How many content words the new instruction has (their first five letters, for
    inflection; character pairs in unspaced scripts) and how many of them the record holds
    (its original fields and the revised response)."""
    text = " ".join((original.instruction, original.input, original.response, response)).lower()
    head = instruction[:_SIMILAR_CHARS].lower()
    if lang in GRAM_SIZE:
        new = {head[i : i + 2] for i in range(len(head) - 1) if head[i : i + 2].isalnum()}
        known = {text[i : i + 2] for i in range(len(text) - 1) if text[i : i + 2].isalnum()}
    else:
        new = {w[:5] for w in _WORD.findall(head) if len(w) >= 4}
        words = _WORD.findall(text)
        known = {w[:5] for w in words if len(w) >= 3} | set(words)
    return len(new), len(new & known)


def _without_clitics(word: str, lang: str) -> str:
    if lang == "ar":
        for clitic in _ARABIC_PROCLITICS:
            if word.startswith(clitic) and len(word) - len(clitic) >= 3:
                return word[len(clitic) :]
    return word


def swapped(original: Pair, revised: Pair, lang: str) -> Refusal | None:
    """The instruction no longer reads like the original's and the response reads like the
    original instruction (the model wrote the fields under each other's tags)."""
    if revised.instruction == original.instruction or revised.response == original.response:
        return None
    size = GRAM_SIZE.get(lang, 3)
    old_instruction = _grams(original.instruction, size)
    new_instruction = _grams(revised.instruction, size)
    kept_task = _dice(new_instruction, old_instruction)
    new_response = _grams(revised.response, size)
    as_task = _dice(new_response, old_instruction)
    if as_task >= _SWAP_TASK_COPY and as_task > kept_task:
        # the task itself under the response tag; the answer above restates the task
        # (`Los dos personajes principales ... son John y Lisa`), so it reads alike too
        return "guard:fields_swapped", "task_under_response"
    if kept_task >= _SWAP_MAX_SIMILARITY:
        return None  # the instruction is still the task: whatever the response restates
    old_response = _grams(original.response, size)
    if as_task <= _dice(new_response, old_response):
        return None
    if as_task >= _SWAP_MAX_SIMILARITY or kept_task < _dice(new_instruction, old_response):
        return "guard:fields_swapped", "fields_exchanged"
    return None


def _grams(text: str, size: int) -> frozenset[str]:
    text = text[:_SIMILAR_CHARS].lower()
    grams = frozenset(text[i : i + size] for i in range(len(text) - size + 1))
    if size == 2:
        # Japanese requests all end in `してください`: pairs of kana say how, not what
        grams = frozenset(g for g in grams if g.strip(_KANA)) or grams
    return grams


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))
