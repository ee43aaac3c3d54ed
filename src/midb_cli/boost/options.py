"""What one `midb boost` run is asked to do (the library's ``run_boost`` takes this)."""

from __future__ import annotations

from dataclasses import dataclass, field

from midb_cli.boost.guards import GuardSettings
from midb_cli.boost.protocol import EngineSelection


@dataclass
class BoostOptions:
    input: str
    output: str
    rejects: str | None = None  # default: beside the output (see default_rejects_path)
    overwrite: bool = False
    keep_original: bool = True
    schema: str | None = None
    fields: str | None = None
    id_key: str | None = None
    lang: str | None = None
    detector: str = "auto"
    strict: bool = False
    select: list[str] | None = None
    ignore: list[str] | None = None
    source: str | None = None
    source_key: str | None = None
    report: str | None = None
    engine: EngineSelection = field(default_factory=EngineSelection)
    #: answers that may wait behind a slow earlier request before no new record is read
    max_parked: int = 1024
    #: a rerun asks again for the records an earlier run left as `error`
    retry_errors: bool = True
    guards: GuardSettings = field(default_factory=GuardSettings)
    #: a shard of the input: its bytes [start, end) and the whole file's number of its first line
    start: int | None = None
    end: int | None = None
    first_line: int = 1
    #: the whole file's language prior, used as given (a shard cannot estimate the file's own)
    prior_given: bool = False
    prior: str | None = None
