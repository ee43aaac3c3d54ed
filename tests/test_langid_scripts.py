"""The writing-system rules' fast paths count what the plain letter count counts."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from midb_cli.langid import scripts
from midb_cli.langid.scripts import count_letters, script_profile

SAMPLES = json.loads(
    (Path(__file__).parent / "data" / "langid" / "samples.json").read_text("utf-8")
)
TEXTS = [text for texts in SAMPLES["languages"].values() for text in texts]
ENOUGH = 12


def plain_profile(text: str, prior: str | None) -> scripts.ScriptProfile:
    """The profile with every letter counted (no ``enough``)."""
    return script_profile(text, prior)


def test_ascii_letters_table_covers_every_ascii_character() -> None:
    for code in range(128):
        char = chr(code)
        assert script_profile(char).letters == count_letters(char), repr(char)
        assert script_profile(char * 30 + "a").letters == count_letters(char * 30 + "a")


def _agrees(text: str, prior: str | None) -> None:
    exact = count_letters(text)
    full = plain_profile(text, prior)
    fast = script_profile(text, prior, enough=ENOUGH)
    assert full.letters == exact
    assert (fast.lang, fast.share) == (full.lang, full.share)
    if fast.lang is None and exact >= ENOUGH:
        assert ENOUGH <= fast.letters <= exact
    else:
        assert fast.letters == exact


def test_enough_keeps_every_answer_on_samples() -> None:
    for text in TEXTS:
        for cut in (5, 11, 12, 13, 23, 24, 25, 40, 200):
            for prior in (None, "ja", "de"):
                _agrees(text[:cut], prior)
                _agrees(" 1 2 3 " * 3 + text[:cut], prior)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("aZé1 _-.\n\tßçşđ日本語かなд한ไกعα٣²½\u0301"), max_size=60),
    st.sampled_from([None, "ja", "ko"]),
)
def test_enough_keeps_every_answer_on_random_text(text: str, prior: str | None) -> None:
    _agrees(text, prior)
