"""``run_diff(options)``: the whole of `midb diff` without the CLI.

::

    from midb_cli.report.run import DiffOptions, run_diff

    summary = run_diff(DiffOptions("boosted.jsonl", format="jsonl"), stdout=buffer)
    summary.counts.compared, summary.notes

Views go to the streams given (``stdout`` for JSONL, ``console`` for the highlighted text
view; both default to standard output); the HTML report goes to ``options.html``. Messages
about what could not be compared are returned as ``summary.notes``, never printed here.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from midb_cli.errors import UsageError, refuse_no_record
from midb_cli.languages import SUPPORTED_LANGUAGES, UNDETERMINED

if TYPE_CHECKING:
    from rich.console import Console

    from midb_cli.langid import LanguageIdentifier
    from midb_cli.report.align import AlignCounts
    from midb_cli.report.entry import DiffEntry

#: records shown by default: the terminal view and the HTML report are for reading
TEXT_TOP = 20
HTML_TOP = 200
FORMATS = ("text", "jsonl")
SORTS = ("distance", "input")
ORDERS = ("desc", "asc")


@dataclass
class DiffOptions:
    """What `midb diff` compares and shows; ``None`` means the CLI's default."""

    original: str
    revised: str | None = None
    #: "text" or "jsonl"; None: text, or no view at all when ``html`` is set
    format: str | None = None
    #: "distance" (default for text) or "input" (default for jsonl)
    sort: str | None = None
    #: "desc" or "asc" (default: desc by distance, asc in input order)
    order: str | None = None
    #: records shown, 0 for all (default: text TEXT_TOP, jsonl all, HTML HTML_TOP)
    top: int | None = None
    langs: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    #: write a self-contained HTML report here
    html: str | None = None
    schema: str | None = None
    fields: str | None = None
    id_key: str | None = None
    strict: bool = False
    detector: str = "auto"
    #: one file: "auto" (midb's own change in a boost output, else the file's revision),
    #: "midb" (only midb's change) or "paper" (the raw pair -> the MEB ``Revised *`` keys)
    compare: str = "auto"


@dataclass
class DiffSummary:
    """What a diff run compared, showed and wrote."""

    counts: AlignCounts
    #: records that pass --lang/--id (all compared records when there is no filter)
    matched: int
    #: records written to the view (terminal or JSONL)
    shown: int
    #: one line each: what was compared, rejected or unmatched (the CLI prints them on stderr)
    notes: list[str]
    html: str | None = None


def run_diff(
    options: DiffOptions,
    *,
    stdout: IO[bytes] | None = None,
    console: Console | None = None,
    identifier: LanguageIdentifier | None = None,
) -> DiffSummary:
    """Compare raw and revised pairs of ``options`` and write the views it asks for.

    ``stdout`` receives the JSONL view, ``console`` (a ``rich`` console) the text view;
    ``identifier`` reuses a loaded language identifier (``options.detector`` then does not
    apply). Raises ``UsageError``/``InputError`` for bad options and unreadable input."""
    _validate(options)
    inputs = [options.original] + ([options.revised] if options.revised else [])
    if options.html is not None:
        from midb_cli.records.paths import refuse_clashes

        refuse_clashes({"--html": options.html}, inputs)
    # html alone writes the report only; a format also prints a view
    view_format = options.format or (None if options.html else "text")
    is_jsonl = view_format == "jsonl"
    sort_by = options.sort or ("input" if is_jsonl else "distance")
    order_by = options.order or ("asc" if sort_by == "input" else "desc")
    view_top = options.top if options.top is not None else (None if is_jsonl else TEXT_TOP)

    # imported here: the CLI imports this module at start-up for its defaults
    from midb_cli.report.align import DiffSource
    from midb_cli.report.builder import DiffReport
    from midb_cli.report.view import EntryView

    view = EntryView(sort_by, order_by, view_top or None) if view_format else None
    report = (
        DiffReport(
            top=HTML_TOP if options.top is None else (options.top or None),
            title=f"midb diff: {' → '.join(inputs)}",
        )
        if options.html is not None
        else None
    )
    if identifier is None:
        from midb_cli.langid import LanguageIdentifier

        identifier = LanguageIdentifier(backend=options.detector)
    source = DiffSource(
        options.original,
        options.revised,
        identifier=identifier,
        schema=options.schema,
        fields=options.fields,
        id_key=options.id_key,
        strict=options.strict,
        compare=options.compare,
    )
    show = _Shower(is_jsonl, stdout, console) if view is not None else None
    lang_filter, id_filter = set(options.langs), set(options.ids)
    matched = changed = 0
    try:
        for entry in source:
            if lang_filter and entry.lang not in lang_filter:
                continue
            if id_filter and entry.id not in id_filter:
                continue
            matched += 1
            changed += entry.distance > 0
            if report is not None:
                report.add_entry(entry)
            if view is not None and show is not None:
                show(view.add(entry))
        if view is not None and show is not None:
            show(view.finish())
    finally:
        if view is not None:
            view.close()
    shown = 0
    if show is not None:
        show.flush()
        shown = show.count
    c = source.counts
    records = c.compared + c.only_original + c.only_revised + c.no_revision
    refuse_no_record(inputs, records, c.rejected)

    notes = summary_lines(source.counts, inputs, matched, bool(lang_filter or id_filter), changed)
    if report is not None and options.html is not None:
        for line in notes:
            report.note(line)
        report.write_html(options.html)
    return DiffSummary(source.counts, matched, shown, notes, options.html)


def _validate(options: DiffOptions) -> None:
    if options.top is not None and options.top < 0:
        raise UsageError("--top must be 0 (all) or more")
    for name, value, allowed in (
        ("--format", options.format, FORMATS),
        ("--sort", options.sort, SORTS),
        ("--order", options.order, ORDERS),
    ):
        if value is not None and value not in allowed:
            raise UsageError(f"{name} must be one of {', '.join(allowed)}, not {value!r}")
    # a language no record can have matches nothing: a typo, not an empty result
    known = (*SUPPORTED_LANGUAGES, UNDETERMINED)
    for lang in options.langs:
        if lang not in known:
            raise UsageError(f"unknown language {lang!r}; choose from: {', '.join(known)}")


class _Shower:
    """Writes view entries as JSONL lines or highlighted text; counts what it wrote."""

    def __init__(self, is_jsonl: bool, stdout: IO[bytes] | None, console: Console | None):
        self.is_jsonl = is_jsonl
        self.count = 0
        self.out = stdout if stdout is not None else sys.stdout.buffer
        self.console = console
        if not is_jsonl and console is None:
            from rich.console import Console

            self.console = Console(soft_wrap=True)

    def __call__(self, entries: Iterable[DiffEntry]) -> None:
        if self.is_jsonl:
            from midb_cli.jsonio import dumps_line

            for entry in entries:
                self.out.write(dumps_line(entry.to_json()))
                self.count += 1
        else:
            from midb_cli.report.terminal import print_entry

            assert self.console is not None
            for entry in entries:
                print_entry(self.console, entry)
                self.count += 1

    def flush(self) -> None:
        if self.is_jsonl:
            self.out.flush()


def summary_lines(
    counts: AlignCounts, inputs: list[str], matched: int, filtered: bool, changed: int = 0
) -> list[str]:
    """What was compared and what could not be, for stderr and the HTML report; ``changed``:
    how many of the ``matched`` records differ at all."""
    lines = [f"{counts.compared:,} records compared"]
    if filtered:
        lines[0] += f", {matched:,} match --lang/--id"
    lines[0] += f", {changed:,} changed"
    if counts.rejected:
        lines.append(
            f"{counts.rejected:,} rejected line(s), first: " + "; ".join(counts.reject_samples[:3])
        )
    if counts.no_revision:
        lines.append(
            f"{counts.no_revision:,} record(s) without a revision, not compared: "
            + ", ".join(counts.no_revision_ids)
        )
    if counts.only_original:
        lines.append(
            f"{counts.only_original:,} id(s) only in {inputs[0]}: "
            + ", ".join(counts.only_original_ids)
        )
    if counts.only_revised:
        lines.append(
            f"{counts.only_revised:,} id(s) only in {inputs[-1]}: "
            + ", ".join(counts.only_revised_ids)
        )
    return lines
