"""Per-field and per-record language identification.

A field is identified in four steps, the way a person would do it:

1. **Script.** When Hangul, kana, Han, Thai, Greek, Cyrillic or Arabic letters make up at least
   half of the field's letters, the script names the language (``scripts.py``).
2. **Model.** Otherwise a statistical model ranks the 18 supported languages. The default
   ("auto") asks fastText's compressed lid.176 model first and, when it is less than
   ``SECOND_OPINION_BELOW`` sure, averages in py3langid's ranking. A long field is read in
   two steps: a first look at its head settles a clear case (``FIRST_LOOK_CHARS``).
3. **Prior.** The file's dominant language (or ``--lang``) counts only for fields too short
   to tell (fewer than ``MIN_LETTERS`` letters), for close languages (id/ms, es/pt/it) and when
   the model already agrees; there it multiplies the odds of its language by ``PRIOR_ODDS``.
   A near-tie goes to the prior, a clear verdict does not: an English response in a German
   file stays ``en``.
4. **Indonesian or Malay.** When the answer is one of the two, marker words decide
   (``malay.py``); the prior only breaks a tie of marker words, then the model does.

The backend names the statistical model of step 2 ("auto", "fasttext", "py3langid",
"langdetect"); steps 1, 3 and 4 apply to every backend, so even langdetect, which has no Malay
profile, can answer ``ms``.

A field is ``und`` (undetermined, never a guess shown as a fact) when it has fewer than
``MIN_PRIOR_LETTERS`` letters, or fewer than ``MIN_LETTERS`` and no prior the model accepts,
or when its best language scores below ``MIN_CONFIDENCE``.

**Field confidence** (0..1) is the probability of the chosen language among the 18 supported
ones: fastText's, or the mean of fastText's and py3langid's when both were asked; raised by the
prior's odds where the prior applies; for id/ms the model's probability of "Indonesian or
Malay" (the words choose between them); for a script rule the share of the field's letters in
that script. ``und`` fields have confidence 0.

**Record language** is a vote of the identified fields: each weighs its confidence times its
length in characters (capped at ``VOTE_CHAR_CAP``; characters of ja/zh/ko/th count 2.5), and the
instruction counts triple. With a prior, a record whose prior-language fields get at least
``PRIOR_VOTE_SHARE`` of the winning vote is a prior-language record: in a French file, an
untranslated English instruction over a French response is a French record with an English
field (the field says ``en`` and ``mixed`` is true), which is what stats and boosting need.
Measured on the 13-language MIDB training data (bench/bench_langid.py) the vote beats "the
instruction's language, else the longest field" (99.4% vs 98.8% macro before the prior's
share, 99.6% with it): machine translation often leaves a short instruction in English, and a
Korean instruction about an English sentence is still a Korean record. All fields ``und`` ->
the record is ``und``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from midb_cli.errors import UsageError
from midb_cli.langid.malay import SCAN_CHARS, malay_score
from midb_cli.langid.models import MODEL_FACTORIES, LanguageModel, Scores
from midb_cli.langid.scripts import script_profile
from midb_cli.languages import SUPPORTED_LANGUAGES, UNDETERMINED
from midb_cli.records.pair import Pair

BACKENDS: tuple[str, ...] = ("auto", "fasttext", "py3langid", "langdetect")

# Identification reads the head of a field: past a few hundred characters accuracy stops
# improving while cost keeps growing (bench/bench_langid.py measures it).
MAX_CHARS = 200
# A sample longer than this (plus a fifth) is read in two steps: its first FIRST_LOOK_CHARS
# decide alone when the model gives them at least FIRST_LOOK_SURE to a language not in
# _READ_IN_FULL (a Portuguese list can open like Spanish), else the whole sample is read.
# fastText's cost grows with the text (bench/bench_langid.py: no record language changes).
# With a prior in _READ_IN_FULL there is no first look: in such a file it is the prior's
# language, which no first look settles (MIDB data: 0 of 4,330 long fields with an es, it, pt,
# id or ms prior were settled by it; the fastText call was wasted).
FIRST_LOOK_CHARS = 100
FIRST_LOOK_SURE = 0.95
# Below this many letters a field is "too short to tell" unless the prior agrees.
MIN_LETTERS = 12
# Fewer letters than this: not even the prior decides (numbers, symbols, code).
MIN_PRIOR_LETTERS = 3
MIN_CONFIDENCE = 0.5
# fastText below this probability asks py3langid too.
SECOND_OPINION_BELOW = 0.8
# Where the prior applies (short fields, close languages) it multiplies the odds of its
# language by this factor: a near-tie goes to the prior, a clear verdict does not.
PRIOR_ODDS = 4.0
# A short field (fewer letters than this) that the model gives to a third language, neither
# the prior nor English, goes to the prior when the prior's odds times this reach it.
THIRD_LANGUAGE_LETTERS = 80
THIRD_LANGUAGE_ODDS = 20.0
# In the id/ms decision the prior outweighs one weak marker word, not one clear one
# (measured: a prior worth 1.5 words gains 0.5 point in the right file and loses 25 in a
# wrong one).
PRIOR_MARKER_WEIGHT = 0.75
# Record-language vote: a field weighs confidence x characters (capped, so one long response
# cannot outvote the rest); the instruction states the task and counts triple; a character of
# an unspaced or syllabic script carries about as much as 2.5 Latin letters.
VOTE_CHAR_CAP = 400
INSTRUCTION_VOTE_WEIGHT = 3.0
DENSE_LANGUAGES = frozenset({"ja", "zh", "ko", "th"})
DENSE_CHAR_WEIGHT = 2.5
# With a prior, a record whose prior-language fields get this share of the winning vote is a
# prior-language record with an untranslated field (the fields still say so, and ``mixed``).
PRIOR_VOTE_SHARE = 0.25

# Languages a model confuses with each other on short text; a prior may choose among them.
CLOSE_LANGUAGES: dict[str, frozenset[str]] = {
    "id": frozenset({"ms"}),
    "ms": frozenset({"id"}),
    "es": frozenset({"pt", "it"}),
    "pt": frozenset({"es", "it"}),
    "it": frozenset({"es", "pt"}),
}
_NO_CLOSE: frozenset[str] = frozenset()
# No first look settles these: close languages, and English, the language a machine translation
# leaves untranslated (an English sentence at the head of a Malay answer is a finding, not the
# field's language).
_READ_IN_FULL = frozenset(CLOSE_LANGUAGES) | {"en"}
_ID_MS = ("id", "ms")

# A field's language depends only on its head (the model reads MAX_CHARS, the Malay marker
# words SCAN_CHARS) and the prior, so answers are cached by head: the prior's window identifies
# its first 1,000 records twice, 6% of field heads repeat in the MIDB data, and the guards
# re-identify the fields a revision left alone. Bounded, so memory stays flat on any file size
# (a few MB: keys are at most HEAD_CHARS long).
HEAD_CHARS = max(MAX_CHARS, SCAN_CHARS)
CACHE_SIZE = 4096

_K = TypeVar("_K")
_V = TypeVar("_V")


@dataclass(frozen=True, slots=True)
class FieldLanguage:
    """One field's language and how sure the identifier is (0..1; 0 for ``und``)."""

    lang: str
    confidence: float


UNDETERMINED_FIELD = FieldLanguage(UNDETERMINED, 0.0)


@dataclass(frozen=True, slots=True)
class RecordLanguage:
    lang: str
    fields: dict[str, FieldLanguage] = field(default_factory=dict)

    @property
    def mixed(self) -> bool:
        """True when two identified fields disagree."""
        langs = {f.lang for f in self.fields.values() if f.lang != UNDETERMINED}
        return len(langs) > 1


class LanguageIdentifier:
    """Identifies fields and records; ``lang`` forces the prior (the user's ``--lang``)."""

    def __init__(
        self, backend: str = "auto", lang: str | None = None, *, cache_size: int = CACHE_SIZE
    ) -> None:
        if backend not in BACKENDS:
            raise UsageError(
                f"unknown language-ID backend {backend!r}; choose from: {', '.join(BACKENDS)}"
            )
        if lang is not None and lang not in SUPPORTED_LANGUAGES:
            raise UsageError(
                f"unknown language {lang!r}; choose from: {', '.join(SUPPORTED_LANGUAGES)}"
            )
        self.backend = backend
        self.forced_prior = lang
        primary = "fasttext" if backend == "auto" else backend
        self._primary: LanguageModel = MODEL_FACTORIES[primary]()
        # "auto" asks py3langid only about uncertain fields; it loads on the first one (~0.5 s).
        self._second: LanguageModel | None = None
        self._wants_second = backend == "auto"
        self._looks_first = primary == "fasttext"  # measured for fastText only
        # Two levels of plain dicts (bounded: ``_remember``): answers by (head, prior), and the
        # models' scores by sample, which the same text identified with and without a prior
        # shares (the prior's window). One call per field, no wrapper layers: this runs for
        # every field of every record.
        self._cache_size = cache_size
        self._fields: dict[tuple[str, str | None, bool], FieldLanguage] = {}
        self._scores: dict[str, Scores] = {}
        # scores of samples read in full (no first look): what a prior in _READ_IN_FULL asks
        self._full_scores: dict[str, Scores] = {}
        self._second_scores: dict[str, Scores] = {}
        self._field_hits = self._field_misses = 0
        self._score_hits = self._score_misses = 0

    def identify_text(self, text: str, prior: str | None = None) -> FieldLanguage:
        # A slice as long as the text is the text itself: no copy for most fields.
        return self._field(text[:HEAD_CHARS], self.forced_prior or prior, False)

    def cache_info(self) -> dict[str, tuple[int, int]]:
        """(hits, misses) of each cache level; empty when caching is off (benchmarks)."""
        if self._cache_size <= 0:
            return {}
        return {
            "fields": (self._field_hits, self._field_misses),
            "scores": (self._score_hits, self._score_misses),
        }

    def _field(self, head: str, prior: str | None, of_file: bool) -> FieldLanguage:
        """``of_file``: ``prior`` is the language of the file the record is in (``identify``),
        not a language a field is checked against (a guard's ``identify_text``)."""
        key = (head, prior, of_file)
        found = self._fields.get(key)
        if found is not None:
            self._field_hits += 1
            return found
        found = self._identify_head(head, prior, of_file)
        if self._cache_size > 0:
            self._field_misses += 1
            _remember(self._fields, key, found, self._cache_size)
        return found

    def _identify_head(self, head: str, prior: str | None, of_file: bool) -> FieldLanguage:
        sample = head[:MAX_CHARS]
        profile = script_profile(sample, prior, enough=MIN_LETTERS)
        if profile.lang is not None:
            return FieldLanguage(profile.lang, round(profile.share, 3))
        letters = profile.letters
        if letters < MIN_PRIOR_LETTERS or (letters < MIN_LETTERS and prior is None):
            return UNDETERMINED_FIELD
        scores = self._ranked_in_full(sample) if prior in _READ_IN_FULL else self._ranked(sample)
        if not scores:
            return UNDETERMINED_FIELD
        lang, confidence = scores[0]
        short = letters < MIN_LETTERS
        if prior is not None and (
            short or lang == prior or prior in CLOSE_LANGUAGES.get(lang, _NO_CLOSE)
        ):
            prior_p = _probability(scores, prior)
            if prior_p * PRIOR_ODDS >= confidence or lang == prior:
                lang, confidence = prior, _with_prior(prior_p)
        elif of_file and prior is not None and lang != "en" and letters < THIRD_LANGUAGE_LETTERS:
            # MT leaves English behind, not a third language: a short field the model calls
            # German in a Spanish file (`Convierte ... de Fahrenheit a Celsius`) is Spanish
            # unless the model is much surer. (Not when a guard asks whether a revised field
            # is still in its record's language: a short Spanish answer in German is not.)
            prior_p = _probability(scores, prior)
            if prior_p * THIRD_LANGUAGE_ODDS >= confidence:
                # (its confidence with the odds that chose it: with the ordinary ones a tiny
                # prior_p made the field `und`, too unsure, where it had just been chosen)
                lang, confidence = prior, _with_prior(prior_p, THIRD_LANGUAGE_ODDS)
        if lang in _ID_MS:
            lang = _marker_decision(head, prior) or self._model_decision(sample, scores)
            confidence = _probability(scores, "id") + _probability(scores, "ms")
        if (short and lang != prior) or confidence < MIN_CONFIDENCE:
            return UNDETERMINED_FIELD
        return FieldLanguage(lang, round(min(confidence, 1.0), 3))

    def identify(self, pair: Pair, prior: str | None = None) -> RecordLanguage:
        prior = self.forced_prior or prior
        field = self._field
        fields: dict[str, FieldLanguage] = {}
        for role, text in (
            ("instruction", pair.instruction),
            ("input", pair.input),
            ("response", pair.response),
        ):
            # isspace() stops at the first visible character; strip() would copy a huge field.
            blank = not text or text.isspace()
            fields[role] = UNDETERMINED_FIELD if blank else field(text[:HEAD_CHARS], prior, True)
        return RecordLanguage(_record_language(pair, fields, prior), fields)

    def _model_decision(self, sample: str, scores: Scores) -> str:
        """Indonesian or Malay by the model, for text without marker words. fastText leans
        hard towards Indonesian there (it calls 88% of such Malay fields Indonesian), so "auto"
        asks py3langid, which leans less (65%)."""
        if self._wants_second:
            scores = self._second_ranked(sample)
        return "ms" if _probability(scores, "ms") > _probability(scores, "id") else "id"

    def _second_model(self) -> LanguageModel:
        if self._second is None:
            self._second = MODEL_FACTORIES["py3langid"]()
        return self._second

    def _second_ranked(self, sample: str) -> Scores:
        scores = self._second_scores.get(sample)
        if scores is None:
            scores = self._second_model().scores(sample)
            if self._cache_size > 0:
                _remember(self._second_scores, sample, scores, self._cache_size)
        return scores

    def _first_look(self, sample: str) -> Scores | None:
        """The model's scores of a long sample's first ``FIRST_LOOK_CHARS`` when they settle it
        (see ``FIRST_LOOK_SURE``); None: read it all."""
        if not self._looks_first or len(sample) <= FIRST_LOOK_CHARS + FIRST_LOOK_CHARS // 5:
            return None
        scores = self._primary.scores(sample[:FIRST_LOOK_CHARS])
        if scores and scores[0][1] >= FIRST_LOOK_SURE and scores[0][0] not in _READ_IN_FULL:
            return scores
        return None

    def _ranked(self, sample: str) -> Scores:
        """The model's scores (cached: callers must not mutate them)."""
        scores = self._scores.get(sample)
        if scores is not None:
            self._score_hits += 1
            return scores
        scores = self._first_look(sample)
        if scores is None:
            scores = self._full_scores.get(sample)
            if scores is None:
                scores = self._read_in_full(sample)
        if self._cache_size > 0:
            self._score_misses += 1
            _remember(self._scores, sample, scores, self._cache_size)
        return scores

    def _ranked_in_full(self, sample: str) -> Scores:
        """The model's scores of the whole sample, without a first look (cached: callers must
        not mutate them). Scores by sample are shared with ``_ranked`` where they are the
        same: a sample its first look did not settle was read in full there too."""
        scores = self._full_scores.get(sample)
        if scores is not None:
            self._score_hits += 1
            return scores
        scores = self._read_in_full(sample)
        if self._cache_size > 0:
            self._score_misses += 1
        return scores

    def _read_in_full(self, sample: str) -> Scores:
        scores = self._primary.scores(sample)
        if self._wants_second and scores and scores[0][1] < SECOND_OPINION_BELOW:
            scores = _average(scores, self._second_ranked(sample))
        if self._cache_size > 0:
            _remember(self._full_scores, sample, scores, self._cache_size)
        return scores


def _remember(cache: dict[_K, _V], key: _K, value: _V, size: int) -> None:
    """Store ``value``; a full cache starts over. Dropping the oldest entry instead would cost
    more than it saves: a dict finds its first live entry by scanning past the deleted ones, and
    the hits that count (the prior's window, a guard re-reading a field) are recent."""
    if len(cache) >= size:
        cache.clear()
    cache[key] = value


def _probability(scores: Scores, lang: str) -> float:
    for candidate, p in scores:
        if candidate == lang:
            return p
    return 0.0


def _with_prior(p: float, odds: float = PRIOR_ODDS) -> float:
    """Probability ``p`` after multiplying its odds by ``odds``."""
    return p * odds / (1 + p * (odds - 1))


def _average(first: Scores, second: Scores) -> Scores:
    if not second:
        return first
    if not first:
        return second
    merged: dict[str, float] = {}
    for lang, p in first:
        merged[lang] = p / 2
    for lang, p in second:
        merged[lang] = merged.get(lang, 0.0) + p / 2
    return sorted(merged.items(), key=lambda item: item[1], reverse=True)


def _marker_decision(text: str, prior: str | None) -> str | None:
    """Indonesian or Malay by marker words (the prior breaks a near-tie); None on a tie."""
    score: float = malay_score(text)
    if prior == "ms":
        score += PRIOR_MARKER_WEIGHT
    elif prior == "id":
        score -= PRIOR_MARKER_WEIGHT
    if score > 0:
        return "ms"
    if score < 0:
        return "id"
    return None


def _record_language(pair: Pair, fields: dict[str, FieldLanguage], prior: str | None) -> str:
    votes: dict[str, float] = {}
    for role, found in fields.items():
        lang = found.lang
        if lang == UNDETERMINED:
            continue
        size = len(getattr(pair, role))
        if lang in DENSE_LANGUAGES:
            size = int(size * DENSE_CHAR_WEIGHT)
        weight = found.confidence * min(size, VOTE_CHAR_CAP)
        if role == "instruction":
            weight *= INSTRUCTION_VOTE_WEIGHT
        votes[lang] = votes.get(lang, 0.0) + weight
    if not votes:
        return UNDETERMINED
    lang, weight = max(votes.items(), key=lambda item: item[1])
    if prior is not None and votes.get(prior, 0.0) >= PRIOR_VOTE_SHARE * weight:
        return prior
    english = [role for role, found in fields.items() if found.lang == "en"]
    if prior is None and lang == "en" and len(votes) > 1 and english == ["instruction"]:
        # MT leaves English behind: an English instruction beside a translated answer is the
        # translation's record with its task left untranslated (the same share as a prior's).
        # Not an English input too: `Translate into French:` + its English sentence is English.
        other, other_weight = max(
            ((k, v) for k, v in votes.items() if k != "en"), key=lambda item: item[1]
        )
        if other_weight >= PRIOR_VOTE_SHARE * weight:
            return other
    return lang


def estimate_prior(
    pairs: Iterable[Pair], identifier: LanguageIdentifier, min_share: float = 0.6
) -> str | None:
    """The dominant record language of a sample, or None when no language dominates."""
    return dominant_language((identifier.identify(p).lang for p in pairs), min_share)


def dominant_language(langs: Iterable[str], min_share: float = 0.6) -> str | None:
    """The language of at least ``min_share`` of the identified records, else None."""
    counts = Counter(langs)
    counts.pop(UNDETERMINED, None)
    total = sum(counts.values())
    if not total:
        return None
    lang, n = counts.most_common(1)[0]
    return lang if n / total >= min_share else None
