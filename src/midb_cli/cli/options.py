"""Options shared by the commands that read records, defined once so that they read the same
everywhere (``midb boost --schema`` means what ``midb stats --schema`` means)."""

from __future__ import annotations

from typing import Annotated

import typer

from midb_cli.langid import BACKENDS
from midb_cli.records.schema import schema_help

SchemaOpt = Annotated[
    str | None,
    typer.Option("--schema", help=schema_help()),
]
FieldsOpt = Annotated[
    str | None,
    typer.Option(
        "--fields", help="Role keys: instruction=KEY,input=KEY,response=KEY (overrides --schema)."
    ),
]
IdKeyOpt = Annotated[
    str | None,
    typer.Option("--id-key", help="Key holding the record id [default: id, else line-N]."),
]
StrictOpt = Annotated[
    bool, typer.Option("--strict", help="Stop with exit 3 at the first bad line.")
]


def _language_code(value: str | None) -> str | None:
    # ISO 639-1 codes are case-insensitive: `--lang EL` means el.
    return value.strip().lower() if value is not None else None


LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="The input's language (ISO 639-1), a prior [default: detected].",
        callback=_language_code,
    ),
]
DetectorOpt = Annotated[
    str,
    typer.Option("--detector", help=f"Language-ID backend: {', '.join(BACKENDS)}."),
]
