"""Is an open last line a sentence, or a list of words or a value that may end open?

Commas make a line read as a list of words (`Chance, possibilité, ouverture, avantage`) and a
colon as a label with its value (`sont : A, B`, `Title: Subtitle`); both may end open. A
sentence that has them too does not: a paragraph after closed text, a long clause after a
colon. guard_truncation reads these before it lets an open line stand.
"""

from __future__ import annotations

import re

from midb_cli.boost.guard_endings import (
    CLOSING,
    GRAM_SIZE,
    LIST_ITEM,
    ends_a_sentence,
    line_family,
    previous_line,
)

# an enumeration of short items on one line, none of them a sentence (`Chance, possibilité,
# ouverture, ...`; a Japanese line with a 。 inside is sentences joined by 、)
_ENUMERATION = re.compile(r"^[^,،、.!?。！？]{1,40}(?:[,،、][^,،、.!?。！？]{1,40}){3,}\Z")
_COMMAS = re.compile(r"[,،、]")
_CLAUSES = re.compile(r"[,;،]")
# after a colon, a sentence this long (in words of two letters or more; Vietnamese words are
# syllables) is no value: the longest subtitle after a colon among the good revisions of
# the tuning rows has 9 words (vi: 10)
_SENTENCE_WORDS = 12
_SENTENCE_WORDS_BY_LANG = {"vi": 16}
# ... and its clauses have at least this many words (not a list of words: `a, b, c`)
_CLAUSE_WORDS = 4


def list_of_words(old: str, new: str, line: str, lang: str) -> bool:
    """The last line (of ``new``; ``old`` the original response) is a list of words on one
    line, which ends open, and not a paragraph that only reads as one."""
    return bool(_ENUMERATION.match(line.strip())) and not _paragraph_after_text(
        old, new, line, lang
    )


def _paragraph_after_text(old: str, new: str, line: str, lang: str) -> bool:
    """The last line is prose opening on a phrase (not on an item: `Chance,`) after a closed
    sentence or a list, where the original closes its own ending: a sentence, though its
    commas make it read as a list of words (`Je důležité si ruce často mýt, zejména po
    použití toalety, před jídlem, po smrknutí nosu`)."""
    previous = previous_line(new[: len(new) - len(line)])
    if not previous or LIST_ITEM.match(line) or old.rstrip()[-1:] not in CLOSING:
        return False
    opening = _COMMAS.split(line, maxsplit=1)[0].split()
    if len(opening) < (3 if lang == "vi" else 2):  # (Vietnamese: a word of two syllables)
        return False
    return ends_a_sentence(previous) or line_family(previous) != "prose"


def sentence_after_colon(line: str, lang: str) -> bool:
    """What follows the line's last colon is a long sentence, not a value, a list of words or
    a subtitle: `... prvky: polonium, které pojmenovala podle své vlasti; ... a aktinium,
    které izolovala z uranového smolince v roce`. Not read in unspaced scripts."""
    if lang in GRAM_SIZE:
        return False
    value = re.split(r"[:：]", line)[-1]
    words = [w for w in value.split() if len(w) >= 2]  # (not a list of letters: `e o a`)
    clauses = len(_CLAUSES.split(value))
    need = _SENTENCE_WORDS_BY_LANG.get(lang, _SENTENCE_WORDS)
    return len(words) >= need and len(words) >= _CLAUSE_WORDS * clauses
