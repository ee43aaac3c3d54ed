"""Was the revised response cut short? Judged against the original response.

A booster's cut answer normally says finish_reason "length" (refused before this module); what
is left are cuts that end in "stop": a stop token inside the text, a server that drops the
reason. Those end anywhere: after a list marker, inside an item, mid-sentence, mid-word. Expert
revisions end open too (titles, short list items, an answer after a colon, verse), so every
rule reads the ending against the text around it and against the original.
"""

from __future__ import annotations

import re

from midb_cli.boost.guard_cut_signals import (
    answer_just_started,
    author_cut,
    bare_item,
    cut_inside_a_word,
    explanation_cut,
    goes_on,
    hashtag_cut,
    japanese_cut,
    restates_the_task,
    result_missing,
    syllable_cut,
    unit_missing,
)
from midb_cli.boost.guard_cut_words import NEVER_FINAL
from midb_cli.boost.guard_endings import (
    CLOSING,
    LIST_ITEM,
    QUOTES,
    answer_missing,
    cut_against_itself,
    cut_against_original,
    ends_a_sentence,
    ends_like_an_original_line,
    is_stump,
    line_family,
    note_left_open,
    previous_line,
    verse_left_open,
)
from midb_cli.boost.guard_endings import (
    GRAM_SIZE as GRAM_SIZE,  # (guards.py reads it here)
)
from midb_cli.boost.guard_open_prose import list_of_words, sentence_after_colon
from midb_cli.boost.guard_words import DANGLING
from midb_cli.checks.lexicon import ends_on_a_japanese_noun
from midb_cli.checks.text import ATTRIBUTION_RE

# (quotes differ by language: „…“ in cs and de, so only brackets and the straight quote count)
_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ("「", "」"), ("（", "）"))
_WORD = re.compile(r"\w+")
_LETTERS = re.compile(r"[^\W\d_]{2}")  # a word, not a unit letter or a variable
# a formula that stops before its right-hand side (`45 km x 0,62 =`, `(6 × 4`)
_OPERATORS = frozenset("=+×÷*/<>≈")
# ... or a product by a factor without its result (`48 fl. oz. x 0.0295735`; not a size,
# `1920 x 1080`)
_PRODUCT = re.compile(r"\d\D{0,12}\s[×x*÷]\s*\d+[.,]\d+\Z")
# an original this short on one line is an answer the revision must still give
_SHORT_ANSWER = 100
_TITLE = re.compile(r":\s*[A-ZÀ-Þ]|\A\W")  # `Title: Subtitle`, a quoted title
_ANSWER_SHARE = 0.25
# languages whose nouns are capitalised: capitals do not make a title there
_CAPITALISED_NOUNS = frozenset({"de"})


def cut_short(old: str, new: str, lang: str, context: str = "") -> str | None:
    """The rule by which the revised response stops early (None: it does not): it ends on a
    bare list marker, stops where the original goes on, or leaves a prose sentence open where
    the original closed its own. ``context``: the record's other fields (their words tell a
    word cut in two)."""
    new = new.rstrip()
    if bare_item(old, new, context):
        return "bare_list_marker"
    if new.endswith((":", "：")) and not old.rstrip().endswith((":", "：")):
        return "ends_on_a_colon"  # a lead-in or a label whose answer never came
    if not new or new[-1] in CLOSING:
        return None
    start = new.rfind("\n") + 1
    line = new[start:]
    if _original_line(old, line, short=lang in GRAM_SIZE):
        return None  # the original's own last item or line, as it was
    if _stops_where_original_goes_on(old, new, lang):
        return "original_goes_on"
    if _ends_on_a_dangling_word(line, lang) or _lone_function_word(new, line, lang):
        return "function_word"
    if _ends_mid_phrase(old, new, line, lang):
        return "word_that_ends_no_line"
    if _ends_inside_a_word(old, new, lang, context):
        return "inside_word"
    if cut_inside_a_word(old, new, lang, context):
        return "letters_that_end_no_word"
    if lang == "ja" and japanese_cut(old, new, line):
        return "japanese_cut"
    if syllable_cut(old, new, lang, context):
        return "syllable_cut"
    if _open_bracket_or_formula(line, old):
        return "open_bracket_or_formula"
    if _item_cut(old, line):
        return "item_cut"
    if answer_just_started(old, new, line):
        return "answer_just_started"
    if result_missing(old, new, context):
        return "result_missing"
    if unit_missing(old, line):
        return "unit_missing"
    if explanation_cut(old, new, line, lang):
        return "explanation_cut"
    if restates_the_task(old, new, lang, context):
        return "task_restated"
    if hashtag_cut(old, new, context):
        return "hashtag_cut"
    if ATTRIBUTION_RE.search(line):
        return "author_cut" if author_cut(line) else None  # an author ends a quote
    if "#" in line.rsplit(None, 1)[-1]:
        return None  # a hashtag ends a post
    if rule := cut_against_itself(old, new, lang) or cut_against_original(old, new, line, lang):
        return rule
    if list_of_words(old, new, line, lang):
        return None  # a list of words on one line ends open
    if _answer_never_reached(old, new, lang) or answer_missing(old, new, lang):
        return "answer_never_reached"
    earlier = new[:start].rstrip()
    item = bool(LIST_ITEM.match(line))
    siblings = [x for x in earlier.splitlines() if x.strip()][-3:]
    siblings = [x for x in siblings if line_family(x) == line_family(line)]
    if siblings and siblings[-1] == (earlier[earlier.rfind("\n") + 1 :]):
        # The writer closes this kind of line (the previous ones end a sentence): an open
        # last one was cut. A title after `Here is a title:` follows a colon, not a stop.
        closed = sum(ends_a_sentence(x) for x in siblings)
        if (
            ends_a_sentence(siblings[-1])
            and (not item or closed >= min(2, len(siblings)))  # items: two of the last three
            and len(line.strip()) >= 3
        ):
            return "open_after_closed_lines"
        if verse_left_open(old, siblings, line):
            return "verse_left_open"
        if note_left_open(old, siblings[-1], line):
            return "note_left_open"
        if ends_like_an_original_line(old, line):
            return None  # a short line that ends like one of the original's (`1924: X Y`)
        if item and is_stump(earlier, line):
            return "short_last_item"
        if not item and previous_line(earlier)[-1] not in ":：,،、" and is_stump(earlier, line):
            # (not an answer after its lead-in, nor the name under `Regards,`)
            return "short_last_line"
        return None
    previous = earlier[earlier.rfind("\n") + 1 :]
    old = old.strip()
    if old[:1] in QUOTES:
        old = old.rstrip(".").strip(QUOTES)  # a quoted title: what is inside the quotes
    if not old or old[-1] not in CLOSING:
        # The original ends open too (a title, a list of words, a verse): the revision may,
        # unless its last line stands alone under lines of another kind (an item after
        # prose, a line of prose after a list), which it does where it was cut.
        if earlier:
            return "lone_open_item" if item else "open_line_after_text"
        return None
    short = len(line) < (15 if lang in GRAM_SIZE else 30)
    # The original closed its ending and the revision's last line has no sibling of its kind
    # just before it: a lone open item under a heading (`Instructions:` / `1. Heat the oil
    # in a`), a short open line after the rest (`Therefore` after the list)
    if item:
        return "lone_open_item"
    if short and earlier:
        return "short_line_after_text"
    if short and not _lead_in(line, lang):
        return None  # one short line: experts turn sentences into a list of words
    if ":" in line or "：" in line:
        if earlier and note_left_open(old, previous_line(earlier), line):
            return "note_left_open"
        if not sentence_after_colon(line, lang):
            return None  # an answer after a colon (`sont : A, B`), a subtitle
    if previous and previous[-1] not in CLOSING and len(previous) < 100:
        return None  # lines left open on purpose: a verse, a list of lines
    if lang not in GRAM_SIZE:
        words = line.split()
        # a title (mostly capitalised words) ends open; a sentence does not
        share = 0.7 if lang in _CAPITALISED_NOUNS else 0.4
        if sum(w[:1].isupper() for w in words) >= share * len(words):
            return None
    return "open_lead_in" if short else "open_where_original_closed"


def _lead_in(line: str, lang: str) -> bool:
    """A whole response of one short open line of words that ends on a word (not a value:
    `Full HD hat 1920 x 1080`), neither a list of words (no comma: `Amusant, comique et
    drôle`) nor a title (checked after): the sentence that announces
    the answer (`Zde jsou některá synonyma` for `Rozhodný, vytrvalý, ...`)."""
    if not line[-1].isalpha() or any(c in line for c in ",،、"):
        return False
    return len(line) >= 8 if lang in GRAM_SIZE else len(line.split()) >= 3


def _ends_on_a_dangling_word(line: str, lang: str) -> bool:
    """The response ends on an article, a preposition or a conjunction (`für`, `di`, `の`),
    however short it is: no sentence ends there. Not a word given as a value (`Article: il`,
    `الفاعل: هي`): a part-of-speech answer lists exactly those words."""
    words = DANGLING.get(lang)
    if not words:
        return False
    if lang in ("ja", "zh"):
        return (
            line[-1] in words
            and len(line) >= 6
            and not (lang == "ja" and ends_on_a_japanese_noun(line))
        )
    head, _, last = line.rpartition(" ")
    if lang == "ko":
        # a particle ends a word, not a sentence (`기후의`); `수` alone is `할 수` (can) cut
        if not head.strip() or head.rstrip()[-1] in ":：-":
            return False
        return (len(last) >= 2 and last[-1] in words) or last == "수"
    if not head.strip() or head.rstrip()[-1] in ":：-–—=":
        return False
    last = last.lower()
    before = head.rsplit(None, 1)[-1]
    # a lone letter after another short token is a list of letters (`o u e o`), not a cut
    return last in words and not (len(last) == 1 and len(before) <= 2)


def _lone_function_word(new: str, line: str, lang: str) -> bool:
    """The last line is one article or determiner under a line of words (`Ton` under `Avec
    une gratitude sincère,`): a line was cut after its first word. Not a value after a
    label (`La preposición es:` / `en`), nor one of a column of words (`le` / `la` /
    `les`), nor a whole answer of one word."""
    words = DANGLING.get(lang)
    if not words or lang in ("ja", "zh", "ko") or len(line) < 2 or " " in line.strip():
        return False
    earlier = previous_line(new[: len(new) - len(line)])
    return len(earlier.split()) >= 3 and earlier[-1] not in ":：" and line.strip().lower() in words


# what may stand before a word or after it without making it another word
_LEADING = "\"'“”„«»(¿¡[*"
_TRAILING = " .,;:!?…)\"'»”"


def _ends_mid_phrase(old: str, new: str, line: str, lang: str) -> bool:
    """The last word is one the language's texts (almost) never end a line or a sentence on
    (``guard_cut_words``: learned from the MEB data, `beberapa`, `aufgrund`, `memiliki`): the
    response stopped inside a phrase. Not a value after a label (`- Verbo: aprender`), not a
    post's hashtags, not a prose line left open like the one before it (verse ends `... and
    we wonder how`), and not a word the original or the revision's earlier lines end a line on
    themselves (`- Produzir algo` / `- Gerar algo`)."""
    words = NEVER_FINAL.get(lang)
    if not words:
        return False
    marker = LIST_ITEM.match(line)
    body = line[marker.end() :] if marker else line
    head, _, last = body.rpartition(" ")
    last = last.lstrip(_LEADING).lower()
    if not head.strip() or last not in words or "#" in body:
        return False
    if ":" in body and len(body.rpartition(":")[2].split()) <= 2:
        return False
    previous = previous_line(new[: len(new) - len(line)])
    if (
        previous
        and previous[-1] not in CLOSING
        and line_family(previous) == line_family(line) == "prose"
    ):
        return False  # a line left open like the one before: verse
    for text in (old, new[: len(new) - len(line)]):
        for x in text.lower().splitlines():
            tail = x.rstrip(_TRAILING).rpartition(" ")[2].lstrip(_LEADING)
            if tail == last:
                return False
    return True


def _open_bracket_or_formula(line: str, old: str) -> bool:
    """The last line opens a bracket, a quote or bold it never closes, or a formula stops at an
    operator or before its result: the answer was cut inside them (unless the original's last
    line does too)."""
    tail = old.rstrip()
    old_line = tail[tail.rfind("\n") + 1 :]
    for left, right in _PAIRS:
        if line.count(left) > line.count(right) and old_line.count(left) <= old_line.count(right):
            return True
    if line.count('"') % 2 and not old_line.count('"') % 2:
        return True
    if line.count("**") % 2 and not old_line.count("**") % 2:
        return True  # bold opened, never closed (`- Canada: **Otta`)
    head, _, last = line.rpartition(" ")
    if len(last) == 1 and last in _OPERATORS:
        return True
    if last == "x" and head.rstrip()[-1:].isdigit() and ("=" in head or not _LETTERS.search(head)):
        return True  # `(5 - 2) x 180 = 3 x`, `- 45 x`: a product without its second factor
    product = "=" not in line and "≈" not in line and bool(_PRODUCT.search(line))
    return product and not _PRODUCT.search(old_line)


def legal_open_ending(old: str, new: str) -> bool:
    """The revised response ends open the way the original shows is meant: on a line of the
    original as it was, as one line in place of a quoted title or quote, or on a one-word
    value after a label (`- Artículo: el`). A generic cut detector's finding yields to this."""
    new = new.rstrip()
    if not new or "```" in new[-3:]:
        return False
    line = new[new.rfind("\n") + 1 :]
    if _original_line(old, line):
        return True
    old = old.strip()
    if "\n" not in new and old[:1] in QUOTES and old.rstrip(".")[-1:] in QUOTES:
        return True
    label, colon, value = line.rpartition(":")
    if colon and LIST_ITEM.match(label) and len(value.split()) == 1:
        return True
    return ends_like_an_original_line(old, line)


def _original_line(old: str, line: str, *, short: bool = False) -> bool:
    """The last line is a line of the original (its list marker aside); ``short``: even one
    of one or two characters (a whole word in Korean, Japanese, Chinese: `- 팝`)."""
    marker = LIST_ITEM.match(line)
    body = (line[marker.end() :] if marker else line).strip()
    if len(body) < (1 if short else 3):
        return False
    for old_line in old.splitlines():
        old_marker = LIST_ITEM.match(old_line)
        old_body = (old_line[old_marker.end() :] if old_marker else old_line).strip()
        if body == old_body or (old_marker and body == old_body.rstrip(".;")):
            return True
    return False


def _answer_never_reached(old: str, new: str, lang: str) -> bool:
    """The original is a short answer (a value, a name, a few words, no closing stop) and
    almost none of its words are in the revision: the revision stopped before the answer
    (`Verilen cümledeki özne` for the original `Özne: kedi`)."""
    old = old.strip()
    if not old or "\n" in old or len(old) > _SHORT_ANSWER or old[-1] in CLOSING:
        return False
    if lang in GRAM_SIZE:
        words = {old[i : i + 2] for i in range(len(old) - 1) if old[i : i + 2].isalnum()}
    else:
        words = {w for w in _WORD.findall(old.lower()) if len(w) >= 3 or w.isdigit()}
    if not words or (len(words) < 2 and not old.isdigit()):
        return False  # one word (a name, a password) may be replaced by another
    if "#" in old or _TITLE.search(old):
        return False  # a post or a title: a new one need not share its words
    text = new.lower()
    return sum(w in text for w in words) < _ANSWER_SHARE * len(words)


def _item_cut(old: str, line: str) -> bool:
    """The last list item is the start of an item or a line of the original, words or letters
    missing (`- Opalovací` where the original lists `Opalovací krém`)."""
    marker = LIST_ITEM.match(line)
    body = (line[marker.end() :] if marker else line).strip()
    if len(body) < 3 or (not marker and len(body.split()) < 2):
        return False
    longer = False
    for old_line in old.splitlines():
        old_marker = LIST_ITEM.match(old_line)
        old_body = (old_line[old_marker.end() :] if old_marker else old_line).strip()
        if old_body.rstrip(".;,") == body:
            return False  # the original's own item, as it was
        # ... cut after a word of it, or inside one (`- Verbo: s` for `Verbo: sta scrivendo`)
        if old_body.startswith(body + " ") or (
            old_body.startswith(body) and old_body[len(body) : len(body) + 1].isalpha()
        ):
            longer = True
    return longer


def _ends_inside_a_word(old: str, new: str, lang: str, context: str = "") -> bool:
    """The last word is no word of the texts but the start of one of them (`Isol` where the
    original says `Isolieren`, `phr` where the instruction says `phrase`, `law` in Korean
    for `lawyer`): the response was cut inside that word."""
    head, _, last = new.rpartition(" ")
    last = last.rpartition("\n")[2].lower()  # `Nouri` for `nourishing`
    if lang in GRAM_SIZE:
        # only a word in Latin letters has its bounds here (`- 명사: law` for `lawyer`)
        last = last.lstrip("#@")
        if not last.isascii():
            return False
    old, head, context = old.lower(), head.lower(), context.lower()
    if len(last) < 2 or not last.isalpha():
        return False
    words = set(_WORD.findall(old))
    words.update(_WORD.findall(head))
    words.update(_WORD.findall(context))
    if last in words:
        return False
    return any(len(w) > len(last) + 1 and w.startswith(last) for w in words)


def _stops_where_original_goes_on(old: str, new: str, lang: str) -> bool:
    """The revision's last words appear in the original with more of the same sentence after
    them: the revision was cut there (mid-word when the original goes on with a letter). Read
    on the last three words (four when they are short: Vietnamese syllables), else on the last
    two words of letters (`Carly Rae` for `Carly Rae Jepsen`), in any case, or on the one word
    of a list item (`- Tatlı` where the original lists `tatlı patates`)."""
    if lang in GRAM_SIZE:
        return len(new) >= 8 and goes_on(old, new[-8:])
    words = new.rsplit(None, 4)
    tail = " ".join(words[-3:]) if len(words) >= 3 else ""
    if len(tail) < 12 and len(words) >= 4:
        tail = " ".join(words[-4:])
    if len(tail) >= 12 and goes_on(old, tail):
        return True
    tail = " ".join(words[-2:]).lstrip("-*•:").strip()
    # a list item of one word is read from four letters (`- Tatlı` for `tatlı patates`,
    # `2. Mutfak` for `Mutfak bıçağı`)
    last_line = new[new.rfind("\n") + 1 :]
    marker = LIST_ITEM.match(last_line)
    if marker and " " not in last_line[marker.end() :].strip():
        tail = last_line[marker.end() :].strip()
    one_word_item = " " not in tail and marker
    if (
        len(words) < 2
        or len(tail) < (4 if one_word_item else 6)
        or not tail.replace(" ", "").replace("-", "").isalpha()
    ):
        return False  # (a value may drop its unit: `1920 x 1080` for `1920 x 1080 Pixel`)
    # (an item capitalises what the original's running text writes in lower case)
    return goes_on(old, tail, True) or goes_on(old.lower(), tail.lower(), True)
