"""Language identification per field and per record (see ``identify``)."""

from midb_cli.langid.identify import (
    BACKENDS,
    FieldLanguage,
    LanguageIdentifier,
    RecordLanguage,
    estimate_prior,
)

__all__ = ["BACKENDS", "FieldLanguage", "LanguageIdentifier", "RecordLanguage", "estimate_prior"]
