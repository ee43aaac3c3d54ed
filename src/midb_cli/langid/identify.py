"""Per-field and per-record language identification.

FIRST DRAFT: py3langid restricted to the supported languages. To be tuned (see docs/design.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from midb_cli.languages import SUPPORTED_LANGUAGES, UNDETERMINED
from midb_cli.records.pair import ROLES, Pair

MIN_CHARS = 20


@dataclass(frozen=True, slots=True)
class FieldLanguage:
    lang: str
    confidence: float


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
    def __init__(self, backend: str = "auto", lang: str | None = None) -> None:
        import py3langid
        from py3langid.langid import MODEL_FILE, LanguageIdentifier as _LI

        self.backend = backend
        self.forced_prior = lang
        self._model = _LI.from_model_file(MODEL_FILE, norm_probs=True)
        self._model.set_languages(list(SUPPORTED_LANGUAGES))
        del py3langid

    def identify_text(self, text: str, prior: str | None = None) -> FieldLanguage:
        if len(text.strip()) < MIN_CHARS:
            return FieldLanguage(UNDETERMINED, 0.0)
        lang, conf = self._model.classify(text[:400])
        return FieldLanguage(lang, float(conf))

    def identify(self, pair: Pair, prior: str | None = None) -> RecordLanguage:
        prior = self.forced_prior or prior
        fields = {role: self.identify_text(pair.get(role), prior) for role in ROLES}
        lang = fields["instruction"].lang
        if lang == UNDETERMINED:
            known = [(len(pair.get(r)), fields[r].lang) for r in ROLES if fields[r].lang != UNDETERMINED]
            lang = max(known)[1] if known else UNDETERMINED
        return RecordLanguage(lang, fields)


def estimate_prior(
    pairs: Iterable[Pair], identifier: LanguageIdentifier, min_share: float = 0.6
) -> str | None:
    """The dominant record language of a sample, or None when no language dominates."""
    counts = Counter(identifier.identify(p).lang for p in pairs)
    counts.pop(UNDETERMINED, None)
    total = sum(counts.values())
    if not total:
        return None
    lang, n = counts.most_common(1)[0]
    return lang if n / total >= min_share else None
