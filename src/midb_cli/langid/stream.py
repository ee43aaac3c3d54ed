"""Language identification over a stream, with the file's dominant language as a prior.

The first ``window`` records are identified without a prior; if one language dominates them,
it becomes the prior for the whole stream (a user's ``--lang`` always wins). Memory is bounded
by the window.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import TypeVar

from midb_cli.langid.identify import LanguageIdentifier, RecordLanguage, dominant_language
from midb_cli.records.reader import Record, Reject

PRIOR_WINDOW = 1000

T = TypeVar("T", Record, Reject)


def identify_stream(
    items: Iterable[Record | Reject],
    identifier: LanguageIdentifier,
    *,
    window: int = PRIOR_WINDOW,
) -> Iterator[tuple[Record | Reject, RecordLanguage | None]]:
    """Pairs of (item, its record language); rejects get None."""
    it = iter(items)
    head = list(islice(it, window))
    prior = identifier.forced_prior
    if prior is None:
        first = [identifier.identify(r.original) for r in head if isinstance(r, Record)]
        prior = dominant_language(r.lang for r in first)
        if prior is None:
            # no prior: these identifications are final, do not compute them twice
            found = iter(first)
            for item in head:
                yield item, next(found) if isinstance(item, Record) else None
            head = []
    for item in chain(head, it):
        if isinstance(item, Record):
            yield item, identifier.identify(item.original, prior)
        else:
            yield item, None
