"""midb's py3langid scorer and its decoded-model cache: exactly py3langid's rank(), cached or not."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from midb_cli.langid import LanguageIdentifier, langid_cache
from midb_cli.langid.models import Py3LangidModel
from midb_cli.langid.py3model import (
    MIRRORED_VERSIONS,
    Py3LangidScorer,
    Ranker,
    load_scorer,
    model_path,
)
from midb_cli.languages import SUPPORTED_LANGUAGES

DATA = Path(__file__).parent / "data"
EDGE_CASES = [
    "",
    " ",
    "12345 678",
    "!!! ??? ...",
    "DAS IST EIN SATZ IN GROSSBUCHSTABEN",  # all upper case: py3langid lowers it
    "Cafe\u0301 au lait et cre\u0300me bru\u0302le\u0301e",  # decomposed: NFC first
    "broken \ud800 surrogate",  # lone surrogate: surrogatepass
    "emoji 😀🎉 und Text",
    "日本語のテキストと English words",
    "x",
]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def fixture_texts(limit: int = 600) -> list[str]:
    """Distinct field heads from the fixtures (every language of tests/data), plus edge cases."""
    found: dict[str, None] = dict.fromkeys(EDGE_CASES)
    for path in sorted(DATA.rglob("*.json*")):
        text = path.read_text("utf-8")
        lines = [text] if path.suffix == ".json" else text.splitlines()
        for line in lines:
            try:
                doc = json.loads(line)
            except ValueError:  # fixtures of broken input
                continue
            for value in _strings(doc):
                for piece in (value[:200], value[:40]):
                    if len(found) < limit:
                        found.setdefault(piece)
    return list(found)


TEXTS = fixture_texts()


def reference_ranker() -> Ranker:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    model.set_languages(list(SUPPORTED_LANGUAGES))

    class Reference:
        def rank(self, text: str) -> list[tuple[str, float]]:
            return [(lang, float(p)) for lang, p in model.rank(text)]

    return Reference()


@pytest.fixture(scope="module")
def reference() -> Ranker:
    return reference_ranker()


@pytest.fixture(scope="module")
def cache_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An XDG cache home for the decoded model (tests ask for ``built_cache``, which writes it:
    any of them may run alone, ``-k``)."""
    return tmp_path_factory.mktemp("xdg")


@pytest.fixture(scope="module")
def built_cache(cache_home: Path) -> Path:
    """``cache_home`` with the decoded model written in its midb/langid folder."""
    load_scorer(SUPPORTED_LANGUAGES, cache_home / "midb" / "langid")
    return cache_home


def _key() -> dict[str, Any]:
    import py3langid

    return langid_cache.cache_key(model_path(), py3langid.__version__, SUPPORTED_LANGUAGES)


def test_fixtures_cover_many_texts() -> None:
    assert len(TEXTS) >= 400


def test_scorer_equals_py3langid_cold_and_warm(reference: Ranker, tmp_path: Path) -> None:
    folder = tmp_path / "midb" / "langid"
    cold = load_scorer(SUPPORTED_LANGUAGES, folder)  # decodes the model, writes the cache
    assert len(list(folder.glob("py3langid-*.bin"))) == 1
    warm = load_scorer(SUPPORTED_LANGUAGES, folder)  # reads it back
    assert isinstance(warm, Py3LangidScorer)
    for text in TEXTS:
        expected = reference.rank(text)
        assert cold.rank(text) == expected, text
        assert warm.rank(text) == expected, text


def test_the_installed_py3langid_is_mirrored() -> None:
    """A new py3langid falls back to its own rank(): this names the version to check."""
    import py3langid

    assert py3langid.__version__ in MIRRORED_VERSIONS


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage"])
def test_a_damaged_cache_is_not_used(
    reference: Ranker, built_cache: Path, tmp_path: Path, damage: str
) -> None:
    [built] = (built_cache / "midb" / "langid").glob("py3langid-*.bin")
    raw = bytearray(built.read_bytes())
    if damage == "flip":
        raw[len(raw) // 2] ^= 0x40  # inside the DFA: wrong states, silently, if it were read
    elif damage == "truncate":
        del raw[-100:]
    else:
        raw[:8] = b"garbage!"
    (tmp_path / built.name).write_bytes(bytes(raw))
    assert langid_cache.read(tmp_path, _key()) is None
    if damage == "flip":
        scorer = load_scorer(SUPPORTED_LANGUAGES, tmp_path)  # decodes again and rewrites
        assert all(scorer.rank(t) == reference.rank(t) for t in TEXTS[:50])
        assert langid_cache.read(tmp_path, _key()) is not None


def test_the_key_names_what_the_arrays_depend_on(built_cache: Path) -> None:
    folder = built_cache / "midb" / "langid"
    key = _key()
    assert langid_cache.read(folder, key) is not None
    for change in ({"size": key["size"] + 1}, {"mtime_ns": 1}, {"version": "0.0.1"}):
        assert langid_cache.read(folder, {**key, **change}) is None
    assert langid_cache.read(folder, {**key, "langs": ["de", "en"]}) is None


def test_a_new_entry_replaces_the_stale_one(tmp_path: Path) -> None:
    old, new = {**_key(), "version": "0.0.1"}, _key()
    arrays = {"a": np.arange(5, dtype=np.uint32), "b": np.array(["x", "yz"])}
    assert langid_cache.write(tmp_path, old, arrays)
    (old_file,) = tmp_path.iterdir()
    # a copy written just now may be another environment's: it stays
    other = {**_key(), "version": "0.0.2"}
    assert langid_cache.write(tmp_path, other, arrays)
    assert langid_cache.read(tmp_path, old) is not None
    week_ago = time.time() - langid_cache.STALE_SECONDS - 60
    for path in tmp_path.iterdir():
        os.utime(path, (week_ago, week_ago))
    assert langid_cache.write(tmp_path, new, arrays)
    assert langid_cache.read(tmp_path, old) is None
    assert not old_file.exists()
    back = langid_cache.read(tmp_path, new)
    assert back is not None and back["a"].tolist() == [0, 1, 2, 3, 4]
    assert back["b"].tolist() == ["x", "yz"]
    assert len(list(tmp_path.iterdir())) == 1  # no temporary file left behind


def test_an_unwritable_cache_only_costs_time(reference: Ranker, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder would go")
    scorer = load_scorer(SUPPORTED_LANGUAGES, blocker / "langid")
    assert all(scorer.rank(t) == reference.rank(t) for t in TEXTS[:50])
    assert list(tmp_path.iterdir()) == [blocker]


def test_default_cache_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert langid_cache.default_cache_dir() == tmp_path / "midb" / "langid"


def test_py3langid_backend_goes_through_the_scorer(
    reference: Ranker, monkeypatch: pytest.MonkeyPatch, built_cache: Path
) -> None:
    """``--detector py3langid``: the answers py3langid's own ranking gives."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(built_cache))
    model = Py3LangidModel()
    for text in TEXTS[:100]:
        assert model.scores(text) == reference.rank(text)[:10]
    assert LanguageIdentifier("py3langid").identify_text("Das ist ein deutscher Satz.").lang == "de"
