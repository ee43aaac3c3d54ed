"""Language identification over a stream, with the file's dominant language as a prior.

The first ``window`` records are identified without a prior; if one language dominates them,
it becomes the prior for the whole stream (a user's ``--lang`` always wins). Memory is bounded
by the window.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import TypeVar

from midb_cli.langid.identify import (
    LanguageIdentifier,
    RecordLanguage,
    dominant_language,
    estimate_prior,
)
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


def with_file_prior(
    items: Iterator[Record | Reject], identifier: LanguageIdentifier
) -> tuple[Iterator[Record | Reject], str | None]:
    """The file's language prior as `midb boost` estimates it, and the items again from the
    first: the dominant language of the first ``PRIOR_WINDOW`` records (rejects do not count),
    or the identifier's forced prior (``--lang``) without reading anything."""
    if identifier.forced_prior:
        return items, identifier.forced_prior
    head: list[Record | Reject] = []
    records = 0
    for item in items:
        head.append(item)
        if isinstance(item, Record):
            records += 1
            if records >= PRIOR_WINDOW:
                break
    prior = estimate_prior((r.pair for r in head if isinstance(r, Record)), identifier)
    return chain(head, items), prior
