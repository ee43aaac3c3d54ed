"""Cuts told by what the open revision lost of its original: the original's result, a whole
last word, the rest of an answer just started after its lead-in, a Japanese word cut in two.

Called by ``guard_truncation.cut_short`` once the revised response ends open (no closing
character) and its last line is not one of the original's lines. Each function answers one
question and is named by the rule it serves (the refusal detail is chosen by the caller).
"""

from __future__ import annotations

import re

from midb_cli.boost.guard_cut_grams import NEVER_WORD_END
from midb_cli.boost.guard_cut_syllables import KNOWN_SYLLABLES, SYLLABLE_STARTS
from midb_cli.boost.guard_endings import GRAM_SIZE, LIST_ITEM, QUOTES, line_body
from midb_cli.boost.guard_words import GIVEN_NAMES, SENTENCE_STOPS
from midb_cli.checks.lexicon import ends_on_a_japanese_noun

# the last line ends on a result after `=` ... and the units of its quantities (a word, its
# first three letters for inflection: `بوصات`/`بوصة`; a sign); not the `x` of a product
_BARE_RESULT = re.compile(r"[=≈]\s*(\d+(?:[.,]\d+)*)\Z")
_UNIT = re.compile(r"\d\s?(?![xX]\s)([^\W\d_]{1,3}|[°%²³$€£])")
_UNIT_SIGNS = frozenset("°%$€£")
# A number on its own: not inside a Latin word or a tag (`#vote2020`, `COVID-19`, `4A`; a unit
# may follow in other scripts: `3000미터`), not a list marker nor a hashtag (removed first) nor
# a label's (`Grupo 1: Anna`); never a part of one (`12` of `12.5kg`)
_NUMBER = re.compile(r"(?<![0-9A-Za-z_#/-])\d+(?:[.,]\d+)*(?![0-9A-Za-z_]|[.,]\d|\s*[:：])")
_MARKER = re.compile(r"(?m)^[ \t]*(?:[-*•]|\d{1,3}[.)])[ \t]|#\S+")
_THOUSANDS = re.compile(r"(?<=\d)[.,](?=\d{3}(?!\d))")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
# the last word of a text, letters only (`Isol`, `Saudi-Ara`: `Ara`)
_LAST_WORD = re.compile(r"[^\W\d_]+\Z")
_LETTER_RUN = re.compile(r"[^\W\d_]+")
# where a clause starts inside a line (`عملاء سعداء، نحن سعداء!`: `نحن` starts one)
_CLAUSE = re.compile(r"[,،;:]\s")
_WORD = re.compile(r"\w+")
_HASHTAG = re.compile(r"#\w+")
# Japanese: the hiragana a sentence or an item may stop on without 。 (a verb or adjective
# ending, a な-adjective, a sentence-final particle); any other one is a word cut in two
_JA_FINAL_KANA = frozenset("たるいすうなりかんよねずだ")
# a run of katakana (a loanword) or of kanji (a compound): where Japanese words begin and end
_JA_RUN = re.compile(r"[\u30a0-\u30ff]+|[\u4e00-\u9fff]+")
# the author after a quote's dash, one word (`" - Steve`, `“ – Ste`)
_ONE_WORD_AUTHOR = re.compile(r"[-–—―][ \t]*([^\W\d_]+)\Z")
#: an author this short is a name cut inside it (`Ste`, `The` for `Theodore`), in Latin
#: letters only: a whole name can be two kanji (`孔子`), two syllables (`공자`), `علي`
_NAME_STUB = 3
_LATIN_NAME = re.compile(r"[A-Za-z\u00c0-\u024f]+")
# The last line is a list marker with at most two characters after it (`- `, `3.`, `- ф`).
_BARE_ITEM = re.compile(r"(?:^|\n)[ \t]*(?:[-*•]|\d{1,3}[.)])(?:[ \t]+\S{0,2})?\Z")


def ends_on_bare_item(text: str) -> bool:
    """``_BARE_ITEM.search(text)``, read from the last line only: nothing in the pattern can
    cross a newline, so a match starts at the last one (or at the start of a one-line text)."""
    return _BARE_ITEM.match(text, max(text.rfind("\n"), 0)) is not None


def _numbers_text(text: str) -> str:
    """``text`` without list markers and hashtags, its numbers written one way: thousands
    without a separator (`1,500`, `1.500` and `1500` are one number; separators differ by
    language), decimal commas as points (`25,13` is `25.13`)."""
    return _DECIMAL_COMMA.sub(".", _THOUSANDS.sub("", _MARKER.sub("", text)))


def result_missing(old: str, new: str, context: str) -> bool:
    """The original gives a number the task does not (its result: `… is 25.13 cm.` for a
    circle of radius 4), the revision is worked with numbers too, and none of the original's
    results is anywhere in it: the revision stopped before its result (`C = 2π x 4`, `278 /
    16 = 17`). ``context``: the task's fields (their numbers are given, not results)."""
    if not any(c.isdigit() for c in new):
        return False
    given = _numbers_text(context)
    results = {x for x in _NUMBER.findall(_numbers_text(old)) if x not in given}
    if not results:
        return False
    text = _numbers_text(new)
    return not any(x in text for x in results)


def unit_missing(old: str, line: str) -> bool:
    """The revision's last line ends on a bare result where the line's quantities carry a unit
    and the original gives that result with one: the revision stopped just before the unit
    (`Povrchová plocha = 6 x 4 cm² = 24` for `... je 24 cm².`, `= 3 × 180 درجة = 540` for
    `540°`)."""
    match = _BARE_RESULT.search(line)
    if match is None:
        return False
    units = {u.lower() for u in _UNIT.findall(line, 0, match.start())}
    if not units:
        return False
    number = re.escape(_numbers_text(match.group(1)))
    for found in re.finditer(r"(?<![\d.])" + number + r"\s?(\S{1,3})", _numbers_text(old)):
        unit = _UNIT.match("0" + found.group(1))
        # the original's unit is one the line uses (not `4 fois` for `20 cm / 5 cm = 4`)
        if unit and (unit.group(1).lower() in units or unit.group(1) in _UNIT_SIGNS):
            return True
    return False


# an explanation this long after the answer is a sentence (characters in unspaced scripts)
_EXPLANATION_WORDS = 4
_EXPLANATION_CHARS = 12
_SHORT_ANSWER = 80


def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)


def explanation_cut(old: str, new: str, line: str, lang: str) -> bool:
    """The original is a short answer, the revision gives it on an earlier line and goes on to
    explain it, and the explanation stops open: `13, 21, 34` / `Urutan ini mengikuti corak di
    mana setiap istilah adalah jumlah`, `C. Nitrogen` / `Nitrogen menyumbang sekitar 78%`."""
    answer = old.strip().rstrip(".。").lower()
    if not answer or len(answer) > _SHORT_ANSWER or "\n" in answer or LIST_ITEM.match(line):
        return False
    if lang in GRAM_SIZE:
        if len(line.strip()) < _EXPLANATION_CHARS:
            return False
    elif len(line.split()) < _EXPLANATION_WORDS:
        return False
    lowered = line.lower()
    if answer in lowered or any(c in line for c in "=:：") or _letters(line) < len(line) / 2:
        return False  # the answer itself, a formula, a label (`Sumber: ...`): no explanation
    earlier = new[: new.rfind("\n") + 1].lower()
    return answer in earlier


# a one-line revision this much made of the task's words restates the task
_REQUEST_END = re.compile(r"[:：\n]")
_TASK_SHARE = 0.7
# ... unless it is a title (this share of its words capitalised; nouns in German)
_TITLE_CAPITALS = {"de": 0.7}
_TITLE_SHARE = 0.4


def _words(text: str, lang: str) -> list[str]:
    """The words of ``text`` that carry content: character pairs in Korean, Japanese,
    Chinese; words of three letters or more elsewhere."""
    text = text.lower()
    if lang in GRAM_SIZE:
        return [text[i : i + 2] for i in range(len(text) - 1) if text[i : i + 2].isalnum()]
    return [w for w in _WORD.findall(text) if len(w) >= 3]


def restates_the_task(old: str, new: str, lang: str, task: str) -> bool:
    """The revision is one open line (no colon, not a title) made of the task's own words
    (`Entiti dalam ayat yang diberikan` for `Kenal pasti entiti dalam ayat yang diberikan`),
    with none of the words the original answers with: it stopped before the answer."""
    if "\n" in new or ":" in new or "：" in new:
        return False
    words = _words(new, lang)
    if len(words) < 3:
        return False
    spaced = new.split()
    share = _TITLE_CAPITALS.get(lang, _TITLE_SHARE)
    if lang not in GRAM_SIZE and sum(w[:1].isupper() for w in spaced) >= share * len(spaced):
        return False
    # the request, not the material it gives after a colon (`Passive voice: The cat ...`:
    # an answer made of the material's words is an answer)
    request = set(_words(_REQUEST_END.split(task, 1)[0], lang))
    if sum(w in request for w in words) < _TASK_SHARE * len(words):
        return False
    given = set(_words(task, lang))
    if set(words) & (given - request):
        return False  # it uses the material the task gives (`John và Lisa`): an answer
    answer = set(_words(old, lang)) - given
    return bool(answer) and not answer & set(words)


def cut_inside_a_word(old: str, new: str, lang: str, context: str) -> bool:
    """The last word ends on three letters that (almost) never end a word of the language
    (``guard_cut_grams``, learned: `Ostr`, `kön`, `irri`) and is no word of the texts (the
    original, the task, the revision's earlier lines: a name or a term they use is whole)."""
    grams = NEVER_WORD_END.get(lang)
    if not grams:
        return False
    found = _LAST_WORD.search(new)
    if not found:
        return False
    word = found.group().lower()
    if len(word) < 3 or word[-3:] not in grams:
        return False
    text = " ".join((old, context, new[: found.start()])).lower()
    return word not in set(_WORD.findall(text))


def bare_item(old: str, new: str, context: str) -> bool:
    """The last item is a list marker with nothing after it where the original's last item
    has something (`5. 연민`: two characters are no bare marker), or with one or two
    characters that are no word of the texts (`- ф`; not `- قط` where the original lists
    `قط`): the answer was cut at its last item."""
    if not ends_on_bare_item(new):
        return False
    body = line_body(new[new.rfind("\n") + 1 :])[0]
    old = old.rstrip()
    if not body:
        return bool(line_body(old[old.rfind("\n") + 1 :])[0]) or not ends_on_bare_item(old)
    text = " ".join((old, context, new[: new.rfind("\n")])).lower()
    return body.lower() not in _WORD.findall(text)


def hashtag_cut(old: str, new: str, context: str) -> bool:
    """The post ends on the start of a hashtag the original (or the revision before it)
    writes in full, inside one of its words (`#sứckho` for `#sứckhoetâmthần`, `#dichvuk` for
    `#DichVuKhachHang`; not `#Nature` for `#NatureIsNecessary`: a shorter tag)."""
    last = new.rsplit(None, 1)[-1]
    if not last.startswith("#"):
        return False
    tag = last.rstrip(".,;:!?")
    if len(tag) < 4 or not tag[-1].isalpha():
        return False
    folded = tag.lower()
    seen = _HASHTAG.findall("\n".join((old, context, new[: -len(last)])))
    if any(t.lower() == folded for t in seen):
        return False
    # the tag's next letter goes on in lower case: the cut is inside a word
    return any(
        len(t) > len(tag) and t.lower().startswith(folded) and t[len(tag)].islower() for t in seen
    )


def answer_just_started(old: str, new: str, line: str) -> bool:
    """After a lead-in (`La phrase corrigée est :`, on the line before or on the same line),
    the answer is the first word or two, in any case, of a line or clause of the original
    that goes on for two words or more (`Il` for `Il a fini son repas.`, `Toplam` for
    `Toplam maliyet $6'dır.`, `نحن` in `عملاء سعداء، نحن سعداء!`; not `Rot` for `... ist rot
    mit Punkten`: a word in the middle of a sentence may be the whole answer), or one word
    on the line after the lead-in where the original answers in
    sentences of six words or more and not with this word (`Potřebujeme` for a reworded
    sentence): it was cut after its first words."""
    if LIST_ITEM.match(line):
        return False
    head, colon, answer = line.rpartition(":")
    words = answer.split()
    if len(words) > 2:
        return False
    lines = [x.rstrip() for x in new.splitlines() if x.strip()]
    # a lead-in on the same line has words of its own (`La réponse est : Il`), not a label
    # (`Capital: Paris` is a whole answer)
    if not (colon and len(head.split()) >= 3) and (
        len(lines) < 2 or not lines[-2].endswith((":", "："))
    ):
        return False
    start = " ".join(words).lower() + " "
    for old_line in old.lower().splitlines():
        # the original's line or clause starts with the answer's words and goes on
        for at in (0, *(m.end() for m in _CLAUSE.finditer(old_line))):
            body = old_line[at:].strip().lstrip(QUOTES)
            if body.startswith(start) and len(body.split()) >= len(words) + 2:
                return True
    if len(words) != 1 or not words[0].isalpha() or colon or words[0].lower() in old.lower():
        # (`Fisch, Fluss`; a title of its own `Tema: Subtítulo`; the answer the original
        # gives, shortened to its word: `Paris` for `Paris, la ville lumière, est ...`)
        return False
    old_lines = [x.strip() for x in old.splitlines() if x.strip()]
    return bool(old_lines) and all(
        len(x.split()) >= 6 and x[-1] in SENTENCE_STOPS for x in old_lines
    )


def goes_on(old: str, tail: str, whole: bool = False) -> bool:
    """``tail`` is in ``old`` (``whole``: from the start of a word), and every time with more
    of the same sentence after it."""
    at = old.find(tail)
    found = False
    while at >= 0:
        after = old[at + len(tail) : at + len(tail) + 2]
        if whole and at and old[at - 1].isalnum():
            pass  # inside another word
        elif not (after[:1].isalnum() or (after[:1] == " " and after[1:2].isalnum())):
            return False  # the original too ends these words somewhere: a legal ending
        else:
            found = True
        at = old.find(tail, at + 1)
    return found


def syllable_cut(old: str, new: str, lang: str, context: str = "") -> bool:
    """Vietnamese: the response stops on lower-case letters that are no syllable the texts
    use but the start of a common one (`tru` of `truyền`, `kang` of `kangaroo`), and no
    word of the record either: it was cut inside that syllable. A hashtag, a handle or a
    path may end on anything; a capitalised name (`Luminixia`) is no syllable to know."""
    starts = SYLLABLE_STARTS.get(lang)
    found = _LAST_WORD.search(new) if starts else None
    if found is None or starts is None:
        return False
    token = found.group()
    if token not in starts or not token.islower() or token in KNOWN_SYLLABLES[lang]:
        return False
    if any(c in new.rsplit(None, 1)[-1] for c in "#@/"):
        return False
    text = " ".join((old, context, new[: found.start()])).lower()
    return token not in set(_LETTER_RUN.findall(text))


def japanese_cut(old: str, new: str, line: str) -> bool:
    """A Japanese line stops on a hiragana no sentence or item ends on (`次のようになりま`),
    or on the start of a loanword or compound the texts write in full (`オルタナ` where the
    original lists `オルタナティブ`)."""
    last = line[-1]
    if "\u3040" <= last <= "\u309f":
        return last not in _JA_FINAL_KANA and len(line) >= 4 and not ends_on_a_japanese_noun(line)
    runs = _JA_RUN.findall(line)
    if not runs or not line.endswith(runs[-1]):
        return False
    tail = runs[-1]
    seen = set(_JA_RUN.findall(old)) | set(_JA_RUN.findall(new[: len(new) - len(tail)]))
    return tail not in seen and any(len(r) > len(tail) and r.startswith(tail) for r in seen)


def author_cut(line: str) -> bool:
    """The last line ends on a quote's author (``ATTRIBUTION_RE``) who is a first name alone
    (`„Věřte, že to dokážete, a jste na půli cesty.“ - Theodore`) or three Latin letters
    (`- Ste`): the name was cut before its surname or inside it."""
    match = _ONE_WORD_AUTHOR.search(line)
    if match is None:
        return False
    name = match.group(1)
    stub = len(name) <= _NAME_STUB and _LATIN_NAME.fullmatch(name) is not None
    return name in GIVEN_NAMES or stub
