"""Language identification per field and per record (see ``identify``)."""

from midb_cli.langid.identify import (
    FieldLanguage,
    LanguageIdentifier,
    RecordLanguage,
    estimate_prior,
)

__all__ = ["FieldLanguage", "LanguageIdentifier", "RecordLanguage", "estimate_prior"]
