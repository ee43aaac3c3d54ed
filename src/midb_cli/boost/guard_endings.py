"""Open endings read against the original's shape: cuts that leave a well-formed start.

A cut answer that ends on a whole word and a plausible line still gives itself away against
the original pair: the list stops before the original's last items, an item of a `label:
value` list has its label only, the list or the enumeration after a colon has fewer items
than its lead-in announces, a lead-in is followed by one open item or an open line where the
original gave a sentence, or a new sentence starts after a full stop and stops. Called by
``guard_truncation.cut_short`` once the response ends open (no closing character) and its last
line is not one of the original's lines; each rule returns its name (the refusal detail).
"""

from __future__ import annotations

import re

from midb_cli.boost.guard_words import COUNT_WORDS

#: a sentence stop after a word, then the next sentence, not in lower case (`Tokio. Es la
#: ciu`; `Dr. Martin`, `etc. und` are no stops); in Japanese no space follows 。
_STOP_INSIDE = re.compile(r"(?<=[^\W\d_]{3})[.!?。！？؟]\s+(?=\w)|[。！？](?=\w)")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*•]|\d{1,3}[.)])[ \t]")
_LABELLED = re.compile(r"[ \t]*(?:[-*•]|\d{1,3}[.)])[ \t]+[^:：\n]{1,40}[:：][ \t]*\S")
_WORD = re.compile(r"\w+")
_SEPARATORS = re.compile(r"[,،、]")
_QUOTES = "\"'“”„«»「」『』"
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


def cut_against_original(old: str, new: str, line: str, lang: str) -> str | None:
    """The rule by which ``new`` (stripped at the end, open; ``line`` its last line) was cut,
    read against the original response ``old``; None when nothing says so."""
    if _fewer_than_announced(new, line, lang):
        return "fewer_than_announced"
    if _LIST_ITEM.match(line):
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
    marker = _LIST_ITEM.match(line)
    assert marker is not None
    body = line[marker.end() :]
    earlier = [x for x in new.splitlines()[:-1] if _LIST_ITEM.match(x)]
    if earlier and ":" not in body and "：" not in body:
        siblings = earlier[-3:]
        if all(_LABELLED.match(x) for x in siblings):
            return "label_without_value"
    if not earlier and _after_lead_in(new):
        return "first_item_only"  # a list of one item after `Here are the nouns:`
    old_items = sum(1 for x in old.splitlines() if _LIST_ITEM.match(x))
    if old_items < 3 or len(earlier) + 1 >= old_items:
        return None
    if not earlier:
        return "first_item_only"
    low = old.lower()
    followed = sum(_in_original(x, low, lang) for x in earlier)
    if followed >= _MIRRORED_ITEMS * len(earlier):
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
    if (len(line.strip()) < 8) if lang in _NO_SPACES else len(line.split()) < 2:
        return False
    old = old.strip()
    if not old or old[-1] not in ".!?。！？؟" or old[0] in _QUOTES:
        return False
    if lang in _UNSPACED:
        return True
    words = old[old.rfind("\n") + 1 :].split()
    return sum(w[:1].isupper() for w in words) < _TITLE_CAPITALS * len(words)


def _in_original(item: str, low: str, lang: str) -> bool:
    """Most of the item's words (their first five letters: inflection) are in the original."""
    marker = _LIST_ITEM.match(item)
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
    if _LIST_ITEM.match(line):
        lead, items = "", 0
        for x in reversed(new.splitlines()):
            if _LIST_ITEM.match(x):
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
    three words or more without a colon (the answer's lead-in). A label of three words or more makes a title (`Tema: Subtítulo`)."""
    old = old.strip()
    if not old or len(old) > _SHORT_ANSWER:
        return False
    low = new.lower()
    lines = [x for x in old.splitlines() if x.strip()]
    values = [v for label, _, v in (x.partition(":") for x in lines) if len(label.split()) <= 2]
    if len(values) == len(lines) and all(":" in x for x in lines):
        words = {w for v in values for w in _WORD.findall(v.lower()) if len(w) >= 3 or w.isdigit()}
        return bool(words) and not any(w in low for w in words)
    if lang in _UNSPACED or " " in old or "\n" in old or "\n" in new or ":" in new:
        return False
    return len(new.split()) >= 3 and old.lower().rstrip(".") not in low
