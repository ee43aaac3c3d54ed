"""The identifier's cache: answers with it are exactly the answers without it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from midb_cli.langid import LanguageIdentifier
from midb_cli.langid.identify import HEAD_CHARS, MAX_CHARS
from midb_cli.languages import SUPPORTED_LANGUAGES
from midb_cli.records.pair import Pair

SAMPLES = json.loads(
    (Path(__file__).parent / "data" / "langid" / "samples.json").read_text("utf-8")
)
TEXTS = [text for texts in SAMPLES["languages"].values() for text in texts]
PRIORS = [None, "id", "ms", "es", "ja", "de"]


@pytest.fixture(scope="module")
def pair_of_identifiers() -> tuple[LanguageIdentifier, LanguageIdentifier]:
    return LanguageIdentifier(), LanguageIdentifier(cache_size=0)


def test_cached_answers_equal_uncached(
    pair_of_identifiers: tuple[LanguageIdentifier, LanguageIdentifier],
) -> None:
    cached, plain = pair_of_identifiers
    for _ in range(2):  # the second round answers from the cache
        for text in TEXTS:
            for prior in PRIORS:
                assert cached.identify_text(text, prior) == plain.identify_text(text, prior)
    hits, _misses = cached.cache_info()["fields"]
    assert hits >= len(TEXTS) * len(PRIORS)
    assert plain.cache_info() == {}


def test_the_prior_is_part_of_the_key(
    pair_of_identifiers: tuple[LanguageIdentifier, LanguageIdentifier],
) -> None:
    cached, plain = pair_of_identifiers
    text = "Saya suka makan nasi goreng"  # id/ms: the prior breaks the tie
    assert cached.identify_text(text, "ms") == plain.identify_text(text, "ms")
    assert cached.identify_text(text, "id") == plain.identify_text(text, "id")


def test_marker_words_past_the_model_sample_still_count(
    pair_of_identifiers: tuple[LanguageIdentifier, LanguageIdentifier],
) -> None:
    """The key holds everything the answer reads: Malay marker words after MAX_CHARS."""
    cached, plain = pair_of_identifiers
    head = "Sila baca teks ini dengan teliti dan jawab soalan yang diberikan. " * 4
    for tail in (" boleh kerana bahawa " * 5, " bisa karena bahwa " * 5):
        text = head[:MAX_CHARS] + tail
        assert len(text) < HEAD_CHARS
        assert cached.identify_text(text) == plain.identify_text(text)


def test_text_past_the_head_is_not_read() -> None:
    cached = LanguageIdentifier()
    head = "Dies ist ein ganz gewöhnlicher deutscher Satz über das Wetter. " * 20
    assert len(head) > HEAD_CHARS
    first = cached.identify_text(head + " one")
    assert cached.identify_text(head + " two") == first
    assert cached.cache_info()["fields"][0] == 1


def test_records_and_forced_prior(
    pair_of_identifiers: tuple[LanguageIdentifier, LanguageIdentifier],
) -> None:
    cached, plain = pair_of_identifiers
    forced, forced_plain = (
        LanguageIdentifier(lang="ms"),
        LanguageIdentifier(lang="ms", cache_size=0),
    )
    by_lang = SAMPLES["languages"]
    for lang in SUPPORTED_LANGUAGES:
        texts = by_lang[lang]
        pair = Pair(texts[0], "", texts[-1])
        for prior in PRIORS:
            assert cached.identify(pair, prior) == plain.identify(pair, prior)
        assert forced.identify(pair, "de") == forced_plain.identify(pair, "de")
