"""Open endings read against the original's shape and the revision's own lines: cuts that
leave a well-formed start.

A cut answer that ends on a whole word and a plausible line still gives itself away against
the original pair: the list stops before the original's last items, an item of a `label:
value` list has its label only, the list or the enumeration after a colon has fewer items
than its lead-in announces, a lead-in is followed by one open item or an open line where the
original gave a sentence, or a new sentence starts after a full stop and stops. Called by
``guard_truncation.cut_short`` once the response ends open (no closing character) and its last
line is not one of the original's lines; each rule returns its name (the refusal detail).
``cut_against_itself`` reads the last line against the revision's earlier lines (an item
start repeated, a stump of its siblings, a prose line after a formula); the line helpers
(``line_body``, ``line_family``, ``is_stump``) serve both modules. ``verse_left_open`` and
``note_left_open`` read a last verse line or closing note against the line above it.
"""

from __future__ import annotations

import re

from midb_cli.boost.guard_words import COUNT_WORDS, SENTENCE_STOPS

# Scripts without spaces between words: character pairs carry what trigrams carry elsewhere.
GRAM_SIZE = {"ja": 2, "zh": 2, "ko": 2}
# A response ends a sentence when its last character is one of these.
CLOSING = frozenset(".!?;:…。！？；：؟۔)]}»”’\"'」』）】*`_~|>")

#: a sentence stop after a word, then the next sentence, not in lower case (`Tokio. Es la
#: ciu`; `Dr. Martin`, `etc. und` are no stops); in Japanese no space follows 。
# a stop after a word of three letters, a number of two digits or more or bold text (`... je
# **9**. Řada`; not `Dr. Novák`, not `1. Krok`), then the next sentence
_STOP_INSIDE = re.compile(
    r"(?:(?<=[^\W\d_]{3})|(?<=\d\d)|(?<=\*\*))[.!?。！？؟]\s+(?=\w)|[。！？](?=\w)"
)
LIST_ITEM = re.compile(r"[ \t]*(?:[-*•]|\d{1,3}[.)])[ \t]")
_LABELLED = re.compile(r"[ \t]*(?:[-*•]|\d{1,3}[.)])[ \t]+[^:：\n]{1,40}[:：][ \t]*\S")
_WORD = re.compile(r"\w+")
_SEPARATORS = re.compile(r"[,،、]")
QUOTES = "\"'“”„«»「」『』"
# the quotes that may close a sentence after its stop (`."`; `.“` in cs and de: „…“)
_CLOSING_QUOTES = "\"'“”»」』"
#: an original this short is an answer (a value, labelled values, one token)
_SHORT_ANSWER = 100
#: a line with this share of capitalised words is a title
_TITLE_CAPITALS = 0.4
_UNSPACED = frozenset({"ja", "zh", "ko"})
_NO_SPACES = frozenset({"ja", "zh"})  # (Korean spaces its words)
#: an item whose words are this much in the original follows the original's list
_MIRRORED_WORDS = 0.5
#: ... and a list whose items mostly do follows it item by item
_MIRRORED_ITEMS = 0.8
#: what follows a full-width colon in a title: a subtitle, not a label's open answer
_SUBTITLE_CHARS = 15
_CLAUSE_PARTICLES = frozenset("をでがにはと")


def cut_against_original(old: str, new: str, line: str, lang: str) -> str | None:
    """The rule by which ``new`` (stripped at the end, open; ``line`` its last line) was cut,
    read against the original response ``old``; None when nothing says so."""
    if _fewer_than_announced(new, line, lang):
        return "fewer_than_announced"
    if LIST_ITEM.match(line):
        return _list_cut(old, new, line, lang)
    if "#" in line:
        return None  # a post ends on its hashtags
    if _open_line_after_lead_in(old, new, line, lang):
        return "open_line_after_lead_in"
    stop = _last_stop(line) if line[-1].isalnum() else None
    if stop is not None and ":" not in line[stop:]:
        return "open_sentence_after_a_stop"
    return None


def _last_stop(line: str) -> int | None:
    """Where the last sentence of the line starts, if one ended before it."""
    end = None
    for stop in _STOP_INSIDE.finditer(line):
        if not line[stop.end()].islower():
            end = stop.end()
    return end


def _list_cut(old: str, new: str, line: str, lang: str) -> str | None:
    """The last item has only the label its siblings give a value (`- Kata kerja` after
    `- Subjek: kucing`), or the list follows the original's item by item and stops before
    the original's last items (one open item where the original lists three or more)."""
    marker = LIST_ITEM.match(line)
    assert marker is not None
    body = line[marker.end() :]
    earlier = [x for x in new.splitlines()[:-1] if LIST_ITEM.match(x)]
    if earlier and ":" not in body and "：" not in body:
        siblings = earlier[-3:]
        if all(_LABELLED.match(x) for x in siblings):
            return "label_without_value"
    if not earlier and _after_lead_in(new):
        return "first_item_only"  # a list of one item after `Here are the nouns:`
    old_items = sum(1 for x in old.splitlines() if LIST_ITEM.match(x))
    if old_items < 3 or len(earlier) + 1 >= old_items:
        return None
    if not earlier:
        return "first_item_only"
    low = old.lower()
    followed = sum(_in_original(x, low, lang) for x in earlier)
    if followed >= _MIRRORED_ITEMS * len(earlier) and not ends_like_an_original_line(
        previous_line(old), line
    ):  # (merged items end where the original's last one does: not dropped)
        return "dropped_last_items"
    return None


def _after_lead_in(new: str) -> bool:
    """The line before the last one (blank lines aside) announces what follows (ends on a
    colon)."""
    lines = [x for x in new.splitlines() if x.strip()]
    return len(lines) >= 2 and lines[-2].rstrip().endswith((":", "："))


def _open_line_after_lead_in(old: str, new: str, line: str, lang: str) -> bool:
    """An open prose line of words after a lead-in (`..., například:` / `Východ slunce`)
    where the original answered with a finished sentence, not a title: the answer was cut.
    One word after the lead-in is a name or a value (`Luminixia`)."""
    if not line[-1].isalnum() or ":" in line or "=" in line or not _after_lead_in(new):
        return False  # (a formula after `… is:` ends on its result, `F = mg = 9,8 N`)
    if _subtitle(line):
        return False  # a title and its short subtitle (`人工知能の未来：今知っておくべきこと`)
    if (len(line.strip()) < 8) if lang in _NO_SPACES else len(line.split()) < 2:
        return False
    old = old.strip()
    if old[:1] in QUOTES:
        old = old.strip(QUOTES)  # a quoted slogan closes inside its quotes; a title does not
    if not old or old[-1] not in ".!?。！？؟":
        return False
    if lang in _UNSPACED:
        return True
    words = old[old.rfind("\n") + 1 :].split()
    return sum(w[:1].isupper() for w in words) < _TITLE_CAPITALS * len(words)


def _subtitle(line: str) -> bool:
    """After a full-width colon, a few characters without the particles of a clause: a title's
    subtitle (`今知っておくべきこと`), not a label's answer cut (`手順：鍋で玉ねぎと肉を炒めて野菜`)."""
    head, colon, tail = line.rpartition("：")
    if not colon or not head.strip() or len(tail) > _SUBTITLE_CHARS:
        return False
    for ending in ("こと", "もの"):
        tail = tail.removesuffix(ending)
    return not any(c in _CLAUSE_PARTICLES for c in tail)


def _in_original(item: str, low: str, lang: str) -> bool:
    """Most of the item's words (their first five letters: inflection) are in the original."""
    marker = LIST_ITEM.match(item)
    body = (item[marker.end() :] if marker else item).lower()
    if lang in _UNSPACED:
        grams = [body[i : i + 2] for i in range(len(body) - 1) if body[i : i + 2].isalnum()]
    else:
        grams = [w[:5] for w in _WORD.findall(body) if len(w) >= 3]
    return bool(grams) and sum(g in low for g in grams) >= _MIRRORED_WORDS * len(grams)


def _fewer_than_announced(new: str, line: str, lang: str) -> bool:
    """The lead-in announces a number of items (`Zde jsou tři synonyma:`) and fewer follow:
    the list items after it, or the words after its colon on the same line."""
    counts = COUNT_WORDS.get(lang)
    if not counts:
        return False
    if LIST_ITEM.match(line):
        lead, items = "", 0
        for x in reversed(new.splitlines()):
            if LIST_ITEM.match(x):
                items += 1
            elif x.strip():
                lead = x.rstrip()
                break
        if not lead.endswith((":", "：")):
            return False
    else:
        lead, colon, tail = line.rpartition(":")
        if not colon:
            return False
        items = len(_SEPARATORS.split(tail))
    wanted = next((counts[w] for w in _WORD.findall(lead.lower()) if w in counts), 0)
    return items < wanted


def answer_missing(old: str, new: str, lang: str) -> bool:
    """The original is a short answer and none of it is in the open revision: its values
    after short labels (`Özne: O` / `Fiil: yazıyor`: `O`, `yazıyor`), or its one token
    (`Scaffold`, `64/1`; a list of one-word lines is no token) where the revision is a line of
    three words or more without a colon (the answer's lead-in). A label of three words or
    more makes a title (`Tema: Subtítulo`)."""
    old = old.strip()
    if not old or len(old) > _SHORT_ANSWER or old[0] in QUOTES:
        return False  # (a quoted title: a new one need not share its words)
    low = new.lower()
    lines = [x for x in old.splitlines() if x.strip()]
    values = [v for label, _, v in (x.partition(":") for x in lines) if len(label.split()) <= 2]
    if len(values) == len(lines) and all(":" in x for x in lines):
        words = {w for v in values for w in _WORD.findall(v.lower()) if len(w) >= 3 or w.isdigit()}
        return bool(words) and not any(w in low for w in words)
    if lang in _UNSPACED or " " in old or "\n" in old or "\n" in new or ":" in new:
        return False
    return len(new.split()) >= 3 and old.lower().rstrip(".") not in low


# an item (a prose line) below this share of the median length of the lines just before it
# is a stump
_STUMP_ITEM = 0.4
_STUMP_LINE = 0.3  # (verse lines vary more than items)


def is_stump(earlier: str, line: str) -> bool:
    """The last item (or prose line) is a stump of the lines of its family just before it
    (one at least, open or closed): under 0.4 of their median length for an item (`- Rychlé`
    after `- Dlouhá výdrž baterie a rychlé nabíjení`), under 0.3 for a prose line."""
    family = line_family(line)
    sizes: list[str] = []
    for x in reversed(earlier.splitlines()):
        if not x.strip():
            continue
        if line_family(x) != family or x.rstrip()[-1] in ":：":
            break  # (a lead-in is no sibling of the answer's lines)
        if family == "prose" and x.rstrip()[-1] in ",،、":
            return False  # `Regards,` / `Jane Smith` / `Manager`: a signature
        sizes.append(line_body(x)[0])
    if not sizes:
        return False
    share = _STUMP_LINE if family == "prose" else _STUMP_ITEM
    return _below(len(line_body(line)[0]), [len(x) for x in sizes], share)


def ends_like_an_original_line(old: str, line: str) -> bool:
    """The last line ends on the last two words of a line of the original (`… sont John et
    Lisa` for `John et Lisa`, `N - Neptun` for `… N Neptun`), or on the one word of one of
    its items (`…, Guyana und Suriname` for `-Suriname`): the revision ends where the
    original ends a line (its list marker aside), an answer given as the original gave it."""
    last = _WORD.findall(line.lower())[-2:]
    if not last or not last[-1].isalpha():
        return False
    for old_line in old.lower().splitlines():
        words = _WORD.findall(line_body(old_line)[0])
        if len(words) >= 2 and words[-2:] == last:
            return True
        if len(words) == 1 and len(words[0]) >= 3 and words == last[-1:]:
            return True
    return False


def previous_line(text: str) -> str:
    """The last line of ``text`` that is not blank (stripped at the end)."""
    text = text.rstrip()
    return text[text.rfind("\n") + 1 :]


def ends_a_sentence(line: str) -> bool:
    """The line ends on a sentence stop, inside closing quotes too (`... avec le dentiste."`)."""
    return line.rstrip().rstrip(_CLOSING_QUOTES)[-1:] in SENTENCE_STOPS


def line_family(line: str) -> str:
    """The kind of a line for its siblings: a numbered item, a bulleted item, prose (steps
    numbered after a bulleted list of ingredients are siblings of the steps only)."""
    marker = LIST_ITEM.match(line)
    if not marker:
        return "prose"
    return "numbered" if line.lstrip()[:1].isdigit() else "bulleted"


def cut_against_itself(old: str, new: str, lang: str) -> str | None:
    """The last line, read against the revision's own earlier lines, is the start of one: it
    repeats the first words of an earlier item that goes on (`- Courge` after `- Courge
    d'hiver`), it is much shorter than the open lines of its kind before it (a list item or a
    verse line cut), it is a prose line after a formula where every earlier sentence closed
    (`Proto je součet` after `… = 55`), it is a stub of a few letters on a line of its own
    (`Spr`), or the whole response is one open line announcing what the original lists."""
    lines = [x.rstrip() for x in new.splitlines() if x.strip()]
    last, item = line_body(lines[-1])
    if len(lines) == 1:
        return "lead_in_only" if _lead_in_only(old, new, lang) else None
    earlier = lines[:-1]
    if any(line_body(x)[0].rstrip(".;,") == last for x in (*earlier, *old.splitlines())):
        return None  # a line the texts already have, as it was
    gap = "" if lang in ("ja", "zh") else " "
    if len(last) >= 2 and any(
        (b := line_body(x)[0]).startswith(last + gap) and len(b) > len(last) + 1 for x in earlier
    ):
        return "repeats_an_item_start"
    kind = _line_kind(lines[-1])
    if kind != "prose" or item:
        if kind == "item" and _shorter_than_siblings(lines, kind, _SHORT_ITEM):
            return None if ends_like_an_original_line(old, lines[-1]) else "short_last_item"
        return None
    if _shorter_than_siblings(lines, kind, _SHORT_VERSE):
        return "short_last_line"
    stub = 2 if lang in GRAM_SIZE else 4
    if len(last) <= stub and last.isalpha() and last.lower() not in old.lower().split():
        return "stub"
    if ":" in last or "：" in last:
        return None
    if not _worked(earlier[-1]):
        return None
    # the sentences: prose of three words or more (not `Jablko - 2,20 $`, a value with its
    # label); one that leads into the formula below it (`..., which states that` /
    # `a^2 + b^2 = c^2`) is no sentence left open
    closed = [
        x[-1] in SENTENCE_STOPS or x[-1] in ":：" or _line_kind(below) == "formula"
        for x, below in zip(earlier, (*earlier[1:], lines[-1]), strict=True)
        if _line_kind(x) == "prose" and _words(x, lang, letters=True) >= 3
    ]
    if closed and all(closed):
        return "open_after_formula"
    if not closed and _words(last, lang, letters=True) >= 6 and old.rstrip()[-1:] in SENTENCE_STOPS:
        # no sentence before the working to say how this writer ends one, but a sentence of
        # six words after it (`Oleh karena itu, total biaya 5 barang jika ... $10`) is a
        # conclusion the original closed with a stop
        return "open_after_formula"
    return None


def _worked(line: str) -> bool:
    """A line of working: a formula, or a value with no word in it (`2020-11-25`, `9,80 $`)."""
    return _line_kind(line) == "formula" or (
        not LIST_ITEM.match(line) and any(c.isdigit() for c in line) and not _LETTERS.search(line)
    )


# the last item or verse line below this share of its open siblings' median length was cut
_SHORT_ITEM = 0.4
_SHORT_VERSE = 0.5
_FORMULA = re.compile(r"[=≈]")
_LETTERS = re.compile(r"[^\W\d_]{2}")
# a one-line revision sharing less than this of the original's words never reached its answer
_LEAD_IN_SHARE = 0.3


def line_body(line: str) -> tuple[str, bool]:
    marker = LIST_ITEM.match(line)
    return (line[marker.end() :] if marker else line).strip(), marker is not None


def _line_kind(line: str) -> str:
    if LIST_ITEM.match(line):
        return "item"
    return "formula" if _FORMULA.search(line) else "prose"


def _words(line: str, lang: str, *, letters: bool = False) -> int:
    """Words in ``line`` (a four-character stretch in unspaced scripts); ``letters``: only
    those with letters (not `-`, `2,20`, `$`)."""
    if lang in GRAM_SIZE:
        return len(line) // 4
    words = line.split()
    return sum(bool(_LETTERS.search(w)) for w in words) if letters else len(words)


def _shorter_than_siblings(lines: list[str], kind: str, share: float) -> bool:
    """The last line is much shorter than the open lines of its kind just before it (two at
    least): lists and verse keep their lines alike; a cut one is a stump."""
    sizes: list[str] = []
    for x in reversed(lines[:-1]):
        if _line_kind(x) != kind or x[-1] in CLOSING:
            break
        sizes.append(line_body(x)[0])
    if len(sizes) < 2:
        return False
    return _below(len(line_body(lines[-1])[0]), [len(x) for x in sizes], share)


def _below(size: int, sizes: list[int], share: float) -> bool:
    """``size`` is under ``share`` of the median of ``sizes``."""
    sizes = sorted(sizes)
    return size < share * sizes[len(sizes) // 2]


def _lead_in_only(old: str, new: str, lang: str) -> bool:
    """One open line where the original has several, sharing almost none of their words:
    the revision stopped in the sentence that announces the answer (`Hier sind vier
    Beispiele`)."""
    if sum(1 for x in old.splitlines() if x.strip()) < 2:
        return False
    if lang in GRAM_SIZE:
        words = {old[i : i + 2] for i in range(len(old) - 1) if old[i : i + 2].isalnum()}
    else:
        words = {w for w in _WORD.findall(old.lower()) if len(w) >= 3}
    if len(words) < 2:
        return False
    text = new.lower()
    return sum(w in text for w in words) < _LEAD_IN_SHARE * len(words)


# a verse line that goes on in the next one ends on one of these
_VERSE_COMMAS = frozenset(",،;")
#: a note's label (`Tip:`, `Poznámka:`) has at most this many words ...
_NOTE_LABEL_WORDS = 2
#: ... and a sentence after it at least this many
_NOTE_WORDS = 6


def verse_left_open(old: str, siblings: list[str], line: str) -> bool:
    """A verse whose line above ends on a comma (`Trávy se houpají v jemném vánku,` / `Když
    slunce vítá`), the one above that on a comma or a stop, and whose last line ends on a
    letter, where the original's text ends on a stop: the poem's last line was cut, for the
    original closed its own poem. (An original that ends open, a song or a list of lines,
    lets the revision end open too.)"""
    if line_family(line) != "prose" or not line[-1:].isalpha() or not siblings:
        return False
    if old.rstrip()[-1:] not in SENTENCE_STOPS:
        return False
    ends = [x.rstrip()[-1] for x in siblings[-2:]]
    return ends[-1] in _VERSE_COMMAS and all(
        e in _VERSE_COMMAS or e in SENTENCE_STOPS for e in ends
    )


def note_left_open(old: str, previous: str, line: str) -> bool:
    """A closing note (`Tip: Pokud máte čas, nechte těsto odpočinout`) after a line that ends a
    sentence, stopping on a letter where the original's text ends on a stop: the note's
    sentence was cut. Its label has at most two words and its sentence at least six, so a
    `label: value` line (`Čas: 20 minut`) or a title's subtitle is no note."""
    if line_family(line) != "prose" or not line[-1:].isalpha():
        return False
    label, colon, rest = line.partition(":")
    if not colon or len(label.split()) > _NOTE_LABEL_WORDS or len(rest.split()) < _NOTE_WORDS:
        return False
    return ends_a_sentence(old) and ends_a_sentence(previous)
