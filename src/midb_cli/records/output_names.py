"""Output names that promise a format the command does not write: JSON Lines under `X.json`
(a JSON array is expected there) or `X.parquet`/`X.pq`. Refused before any work, so that no
reader (a trainer choosing its loader by the extension, `midb stats`) meets the wrong format."""

from __future__ import annotations

from midb_cli.errors import UsageError
from midb_cli.records.parquet import is_parquet_file  # (no pyarrow import)


def refuse_misnamed_output(path: str, *, array: bool = False, why: str = "") -> None:
    """``array``: the command writes a JSON array to ``.json`` (export, train-data). ``why``:
    what makes it JSON Lines (appended to resume; the records as they were)."""
    json_name = path.lower().endswith(".json") and not array
    if not (json_name or is_parquet_file(path)):
        return
    formats = "JSON Lines or a JSON array (.json)" if array else "JSON Lines"
    reason = f", {why}" if why else ""
    raise UsageError(
        f"-o {path}: this command writes {formats}{reason}: name it X.jsonl"
        + ("" if array else " (`midb export X.jsonl -o Y.json` makes a JSON array)")
        + "; only `midb boost` writes Parquet"
    )
