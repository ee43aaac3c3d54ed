"""The languages midb knows: the 16 MIDB languages plus English and Chinese (ISO 639-1)."""

from __future__ import annotations

from collections.abc import Iterable

from midb_cli.errors import UsageError

MIDB_LANGUAGES: tuple[str, ...] = (
    "it", "es", "fr", "de", "ru", "ar", "tr", "ja",
    "ko", "pt", "cs", "el", "id", "th", "vi", "ms",
)  # fmt: skip
SUPPORTED_LANGUAGES: tuple[str, ...] = (*MIDB_LANGUAGES, "en", "zh")
UNDETERMINED = "und"

LANGUAGE_NAMES: dict[str, str] = {
    "it": "Italian", "es": "Spanish", "fr": "French", "de": "German", "ru": "Russian",
    "ar": "Arabic", "tr": "Turkish", "ja": "Japanese", "ko": "Korean", "pt": "Portuguese",
    "cs": "Czech", "el": "Greek", "id": "Indonesian", "th": "Thai", "vi": "Vietnamese",
    "ms": "Malay", "en": "English", "zh": "Chinese", UNDETERMINED: "undetermined",
}  # fmt: skip

# Scripts written without spaces between words: diffs and lengths work per character there.
UNSPACED_LANGUAGES = frozenset({"ja", "zh", "th"})


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def require_languages(
    codes: Iterable[str] | str | None, flag: str = "--lang", *, undetermined: bool = False
) -> None:
    """A usage error (exit 2) for a code midb does not know (`--lang klingon`), before a
    command reads anything: a filter on it would match nothing and look like success."""
    known = (*SUPPORTED_LANGUAGES, *([UNDETERMINED] if undetermined else []))
    for code in [codes] if isinstance(codes, str) else sorted(codes or ()):
        if code not in known:
            raise UsageError(f"{flag}: unknown language {code!r}; choose from: {', '.join(known)}")
