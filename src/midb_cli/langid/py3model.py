"""py3langid's model, scored by midb over py3langid's own arrays.

py3langid ships its model as an LZMA-compressed npz (4.5 MB that decode to 68 MB): decoding it
costs 0.6-0.8 s of CPU per process, about as much as ranking 10,000 uncertain fields (what a
boost of the 29,909 shared records asks). ``load_scorer`` therefore keeps a decoded copy of the
part midb uses (the byte DFA and the columns of the supported languages, ~44 MB) in the user
cache dir (``langid_cache.py``) and reads that (~0.04 s) whenever it is valid.

``Py3LangidScorer.rank`` repeats py3langid 0.4's ``rank()`` step by step: the same text encoding,
the same DFA walk, the same numpy operations on the same dtypes in the same order, so its
probabilities are bit-identical (tests/test_langid_py3.py and bench/bench_langid.py compare
them). What it saves per call is small (row offsets in a compact buffer, no ``np.fromiter``, no
merge of duplicate labels when there are none). For a py3langid version it was not checked
against, ``load_scorer`` returns py3langid's own identifier instead.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from midb_cli.langid import langid_cache

# py3langid releases whose rank() this scorer mirrors (others use py3langid itself).
MIRRORED_VERSIONS = frozenset({"0.4.0"})

Ranking = list[tuple[str, float]]


class Ranker(Protocol):
    def rank(self, text: str) -> Ranking:
        """Every language with its probability, best first."""
        ...


@dataclass(frozen=True, slots=True)
class ModelArrays:
    """The parts of a py3langid model that ranking a restricted set of languages reads."""

    nextmove: Sequence[int]  # DFA rows of 256 next states, shared between states
    row: Sequence[int]  # state -> its row in ``nextmove``
    output: Sequence[int]  # state -> the feature it emits, or -1
    ptc: npt.NDArray[np.float16]  # feature x class log-probabilities
    pc: npt.NDArray[np.float32]  # class priors
    classes: list[str]


class Py3LangidScorer:
    """py3langid's ``rank()`` with ``norm_probs=True`` over ``ModelArrays``."""

    def __init__(self, arrays: ModelArrays) -> None:
        self._nextmove = arrays.nextmove
        # state -> offset of its row; compact (4 bytes a state, not a list of int objects):
        # the walk reads it once a byte, and in a busy process it is rarely still in cache.
        self._rowbase: Sequence[int] = (np.asarray(arrays.row, dtype=np.uint32) << 8).data
        if len(arrays.nextmove) >= 1 << 32:
            self._rowbase = [r << 8 for r in arrays.row]
        self._output = arrays.output
        self._ptc = arrays.ptc
        self._pc = arrays.pc
        self._classes = arrays.classes
        self._featureless = np.full(len(arrays.classes), 0.0, dtype=np.float32)
        first: dict[str, int] = {}
        self._alias_pairs: list[tuple[int, int]] = []
        for i, lang in enumerate(arrays.classes):
            if lang in first:
                self._alias_pairs.append((first[lang], i))
            else:
                first[lang] = i

    def rank(self, text: str) -> Ranking:
        if text.isupper():
            text = text.lower()
        data = unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")
        nextmove, rowbase, output = self._nextmove, self._rowbase, self._output
        state = 0
        features: list[int] = []
        append = features.append
        for byte in data:
            state = nextmove[rowbase[state] + byte]
            feature = output[state]
            if feature >= 0:
                append(feature)
        if features:
            visits = Counter(features)  # first-seen order: the order of the float sums
            idx = np.array(list(visits), dtype=np.intp)
            counts = np.array(list(visits.values()), dtype=np.float32)
            scores = np.log1p(counts) @ self._ptc[idx] + self._pc
        else:
            scores = self._featureless.copy()
        scores *= 1.0 / math.sqrt(len(data) or 1)
        np.exp(scores - scores.max(), out=scores)
        scores /= scores.sum()
        if not self._alias_pairs:
            return sorted(
                zip(self._classes, scores.tolist(), strict=True), key=itemgetter(1), reverse=True
            )
        for i, j in self._alias_pairs:
            scores[i] += scores[j]
            scores[j] = 0.0
        merged: dict[str, float] = {}
        for lang, score in zip(self._classes, scores.tolist(), strict=True):
            merged.setdefault(lang, score)
        return sorted(merged.items(), key=itemgetter(1), reverse=True)


class _Py3LangidRanker:
    """py3langid's own identifier (a version this module does not mirror)."""

    def __init__(self, langs: Sequence[str]) -> None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        self._model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        self._model.set_languages(list(langs))

    def rank(self, text: str) -> Ranking:
        return [(lang, float(p)) for lang, p in self._model.rank(text)]


def model_path() -> Path:
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    return Path(str(MODEL_DIR)) / str(MODEL_FILE)


def decode_model(path: Path, langs: Sequence[str]) -> ModelArrays:
    """The model file decoded the way py3langid does, restricted to ``langs`` as its
    ``set_languages`` does (columns in the model's order)."""
    from py3langid.modelio import load_model

    ptc, pc, classes, nextmove, row, output = load_model(path)
    wanted = set(langs)
    unknown = wanted.difference(classes)
    if unknown:
        raise ValueError(f"py3langid has no model for {sorted(unknown)}")
    indices = [i for i, lang in enumerate(classes) if lang in wanted]
    return ModelArrays(
        nextmove=nextmove,
        row=row,
        output=output,
        ptc=np.ascontiguousarray(np.asarray(ptc)[:, indices]),
        pc=np.asarray(pc)[indices],
        classes=[classes[i] for i in indices],
    )


def load_scorer(langs: Sequence[str], cache_dir: Path | None = None) -> Ranker:
    """A py3langid ranker restricted to ``langs``: midb's scorer over the cached decoded model
    (decoded and cached on the first use), or py3langid itself for a version not mirrored.
    ``cache_dir`` None: the user cache dir; an unusable cache only costs the decoding time."""
    import py3langid

    version = str(getattr(py3langid, "__version__", ""))
    if version not in MIRRORED_VERSIONS:
        return _Py3LangidRanker(langs)
    path = model_path()
    key = langid_cache.cache_key(path, version, langs)
    folder = cache_dir if cache_dir is not None else langid_cache.default_cache_dir()
    stored = langid_cache.read(folder, key) if folder is not None else None
    arrays = _from_stored(stored) if stored is not None else None
    if arrays is None:
        arrays = decode_model(path, langs)
        if folder is not None:
            langid_cache.write(folder, key, _to_store(arrays))
    return Py3LangidScorer(arrays)


def _to_store(arrays: ModelArrays) -> dict[str, npt.NDArray[Any]]:
    return {
        "nextmove": np.asarray(arrays.nextmove, dtype=np.uint32),
        "row": np.asarray(arrays.row, dtype=np.uint32),
        "output": np.asarray(arrays.output, dtype=np.int32),
        "ptc": arrays.ptc,
        "pc": arrays.pc,
        "classes": np.array(arrays.classes),
    }


def _from_stored(stored: dict[str, npt.NDArray[Any]]) -> ModelArrays | None:
    """Memoryviews for the DFA (indexing them in the walk is as fast as a list's); owned,
    aligned copies of the score tables."""
    try:
        nextmove, row, output = stored["nextmove"], stored["row"], stored["output"]
        ptc, pc = stored["ptc"], stored["pc"]
        if (
            nextmove.dtype != np.uint32
            or row.dtype != np.uint32
            or output.dtype != np.int32
            or ptc.dtype != np.float16
            or pc.dtype != np.float32
        ):
            return None
        return ModelArrays(
            nextmove=nextmove.data,
            row=row.data,
            output=output.data,
            ptc=ptc.copy(),
            pc=pc.copy(),
            classes=[str(c) for c in stored["classes"].tolist()],
        )
    except KeyError:
        return None
