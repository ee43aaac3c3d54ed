"""Words no sentence ends on, per language: the guards read a response whose last word is one
of them as cut off (data, not logic).

Articles, prepositions, conjunctions, possessive and demonstrative determiners and subject
pronouns, for English, the 13 languages of the MIDB training data and the 16 MIDB languages.
Words that often end a sentence as well (object pronouns such as `nous`, `loro`, separable verb
particles that double as prepositions in common endings, Vietnamese `từ` "word") are left out:
a false cut costs a good revision. Unspaced scripts (ja, zh) list particles matched as the last
character; Korean lists particles matched as the last syllable of a word; Thai has no spaces
and no full stop, so no list. Then the first names no quote's author is given alone by; at
the end, what counts as a whole answer of sentences (the collapse guard spares a shorter
rewrite).
"""

from __future__ import annotations

import re

from midb_cli.checks.lexicon import DANGLING_WORDS as _CHECK_WORDS
from midb_cli.records.pair import Pair

_MORE = {
    "en": "as into onto than because while if when whose their its our your my this these those",
    "de": "zum zur vom beim ins durch gegen ohne unter zwischen wie als weil wenn ob sondern "
    "aber denn dieser diese dieses diesen diesem jeder jede jedes jeden kein keine keinen "
    "keinem mein meine meinen dein deine unser unsere euer eure ihren ihrem seinen seinem "
    "seiner ihrer wir ich du er",
    "es": "pero porque como cuando donde si sin sobre entre hacia hasta desde según durante "
    "mediante tras cada este esta estos estas ese esa esos esas nuestro nuestra nuestros "
    "nuestras tus e u",
    "fr": "mais car donc comme quand lorsque si sans sous entre vers chez depuis pendant selon "
    "dont ce cet cette ces mon ma mes ton ta tes notre nos votre vos chaque je il ils on",
    "it": "ma perché come quando se senza tra fra su sul sulla sui sulle dei delle degli dal "
    "dalla dai dalle col nei negli nelle ai agli alle ogni mio mia tuo tua nostro nostra "
    "questa queste quel quella",
    "pt": "mas porque como quando sem entre sobre até desde pelo pela pelos pelas dos das nos "
    "nas num numa este esta esse essa estes estas cada meu minha nosso nossa seus suas",
    "cs": "ale než jako když protože aby by při po před pod nad mezi bez přes u jeho jejich "
    "tento tato toto tyto každý každá každé můj moje tvůj tvoje svůj svoje",
    "tr": "ama fakat ancak çünkü hem şu olarak",
    "id": "tetapi karena bahwa sebagai oleh dalam akan serta agar supaya para sang",
    "ms": "tetapi kerana bahawa sebagai oleh dalam akan serta agar supaya para sang",
    "vi": "nhưng nếu khi theo mà thì rằng bởi tại vì sẽ đã đang bằng như hay cũng rất",
    "ru": "но чтобы если когда при без под над между через о об у этот эта эти",
    "el": "αλλά ότι όταν αν ως στο στη στην στον στα των τον τις",
    "ar": "ثم لكن بل حتى لأن إذا كما عند بين هذا هذه ذلك تلك بعض كل يمكن فإن إن بأن لذلك "
    "هو هي كان كانت",
    "ko": "의 에 와 과 로 은 되",
}

DANGLING: dict[str, frozenset[str]] = {
    lang: words | frozenset(_MORE.get(lang, "").split()) for lang, words in _CHECK_WORDS.items()
}

# Number words from two to ten (with their common inflected forms), per language: a lead-in
# that announces `tři synonyma:` and gives fewer items was cut. Digits are left out (`10
# dollars`, `ergeben 10` are values, not counts); so are words that also mean something
# else (Vietnamese `năm` "year", Turkish `on` "ten").
_COUNTS = {
    "ar": "اثنان:2 اثنين:2 اثنتين:2 ثلاثة:3 ثلاث:3 أربعة:4 أربع:4 خمسة:5 خمس:5 ستة:6 ست:6 "
    "سبعة:7 سبع:7 ثمانية:8 ثماني:8 تسعة:9 تسع:9 عشرة:10 عشر:10",
    "cs": "dva:2 dvě:2 dvou:2 tři:3 tří:3 čtyři:4 čtyř:4 pět:5 pěti:5 šest:6 šesti:6 sedm:7 "
    "sedmi:7 osm:8 osmi:8 devět:9 devíti:9 deset:10 deseti:10",
    "de": "zwei:2 drei:3 vier:4 fünf:5 sechs:6 sieben:7 acht:8 neun:9 zehn:10",
    "es": "dos:2 tres:3 cuatro:4 cinco:5 seis:6 siete:7 ocho:8 nueve:9 diez:10",
    "fr": "deux:2 trois:3 quatre:4 cinq:5 six:6 sept:7 huit:8 neuf:9 dix:10",
    "id": "dua:2 tiga:3 empat:4 lima:5 enam:6 tujuh:7 delapan:8 sembilan:9 sepuluh:10",
    "ms": "dua:2 tiga:3 empat:4 lima:5 enam:6 tujuh:7 lapan:8 sembilan:9 sepuluh:10",
    "it": "due:2 tre:3 quattro:4 cinque:5 sei:6 sette:7 otto:8 nove:9 dieci:10",
    "ko": "두:2 세:3 네:4 다섯:5 여섯:6 일곱:7 여덟:8 아홉:9 열:10",
    "pt": "dois:2 duas:2 três:3 quatro:4 cinco:5 seis:6 sete:7 oito:8 nove:9 dez:10",
    "tr": "iki:2 üç:3 dört:4 beş:5 altı:6 yedi:7 sekiz:8 dokuz:9",
    "vi": "hai:2 ba:3 bốn:4 sáu:6 bảy:7 tám:8 chín:9 mười:10",
}

COUNT_WORDS: dict[str, dict[str, int]] = {
    lang: {word: int(n) for word, _, n in (x.partition(":") for x in text.split())}
    for lang, text in _COUNTS.items()
}

# Whole answers: a shorter revision of two finished sentences or more, its words taken from
# the record, is a rewrite (guards.py spares it the collapse guard).
_WORD = re.compile(r"\w+")
#: marks that end a sentence (guard_endings and guard_truncation read them here)
SENTENCE_STOPS = frozenset(".!?。！？؟")
#: first names of the most quoted authors: a quote's author given as one of them alone
#: (`" - Steve`) was cut before the surname. Names also quoted alone (Oprah, Napoleon, Rumi,
#: Voltaire) are not listed: a false cut costs a good revision.
_GIVEN_NAMES = (
    "Abraham Albert Anne Audrey Barack Benjamin Bill Bob Brian Carl Charles Dale Eleanor Elon "
    "Ernest Franklin Friedrich George Helen Henry Isaac Jim John Leonardo Margaret Marie "
    "Marilyn Mark Martin Maya Michael Nelson Oscar Pablo Paulo Ralph Robert Sarah Stephen "
    "Steve Theodore Thomas Tony Vince Vincent Walt Warren Wayne William Winston Zig"
)
GIVEN_NAMES = frozenset(_GIVEN_NAMES.split())
_SIMILAR_CHARS = 300  # the head of a field is enough to tell
#: a sentence ends at a stop after a letter, before a space or the end (`3.5`, `e.g.x` do not)
_SENTENCE_END = re.compile(r"(?<=[^\W\d_])[.!?。！？؟]+[\"'»”)]*(?=\s|$)|[。！？]|[:：][ \t]*\n")
_CLOSERS = "\"'»”)*"
_WHOLE_SENTENCES = 2
_SENTENCE_WORDS = 3
#: ... and this share of its content words taken from the record
_REWRITE_SHARE = 0.4
# kana, CJK and hangul: character pairs, not words (not "everything from U+3000": emoji too)
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def whole_rewrite(original: Pair, response: str) -> bool:
    """A shorter answer that is whole and about this record: a rewrite, not a one-line or
    one-word answer in place of the original's, nor a stock text (most of its content words
    come from the record). The pair-level lower bound still holds for it."""
    if not _whole_answer(response):
        return False
    head = response[:_SIMILAR_CHARS].lower()
    text = " ".join((original.instruction, original.input, original.response)).lower()
    if _UNSPACED.search(head, 0, 40):
        new = {head[i : i + 2] for i in range(len(head) - 1) if head[i : i + 2].isalnum()}
        found = sum(g in text for g in new)
    else:
        new = {w[:5] for w in _WORD.findall(head) if len(w) >= 4}
        found = len(new & {w[:5] for w in _WORD.findall(text) if len(w) >= 4})
    return len(new) >= 2 and found >= _REWRITE_SHARE * len(new)


def _whole_answer(text: str) -> bool:
    """Two sentences or more (a lead-in line ending in a colon counts as one), the last one
    finished: what a one-line or one-word answer is not."""
    text = text.rstrip().rstrip(_CLOSERS)
    if not text or text[-1] not in SENTENCE_STOPS:
        return False
    sentences = _SENTENCE_END.split(text)
    return sum(_sentence_like(x) for x in sentences) >= _WHOLE_SENTENCES


def _sentence_like(text: str) -> bool:
    """Three words or more (six characters in unspaced scripts): `Hai!`, `EE.` are not."""
    words = text.split()
    if len(words) >= _SENTENCE_WORDS:
        return True
    return bool(words) and bool(_UNSPACED.search(text)) and len(text.strip()) >= 6


# a list of what the original names: items split at these marks, or the last joined by `and`
_ITEM_SPLIT = re.compile(r"\s*[,،、]\s*")
_EXTRACTED_ITEMS = 3
_ITEM_WORDS = 3


def extracted_list(original: str, response: str) -> bool:
    """A one-line list of three short items or more, each named in the original response
    (`Majestátní, hrdý, mocný` for `Tři přídavná jména ... jsou majestátní, hrdý a mocný.`):
    the answer taken out of the original's sentence, not a collapse."""
    if "\n" in response.strip():
        return False
    items = [x for x in _ITEM_SPLIT.split(response.strip().rstrip(".。")) if x]
    if len(items) < _EXTRACTED_ITEMS or any(len(x.split()) > _ITEM_WORDS for x in items):
        return False
    text = original.lower()
    return all(x.lower() in text for x in items)
