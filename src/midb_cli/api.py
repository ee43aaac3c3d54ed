"""midb as a library: one function per command, the CLI is a thin layer over these.

    from midb_cli import BoostOptions, run_boost, run_check, run_stats

    summary = run_boost(BoostOptions("in.jsonl", "out.jsonl"))
    print(summary.counts_line())
    stats = run_stats(["out.jsonl"])
    print(stats.to_json()["total"]["records"])

Errors are ``midb_cli.errors.MidbError`` subclasses with a message fit to show a user and an
exit code; nothing here prints or exits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from midb_cli.boost.pipeline import BoostOptions, run_boost
from midb_cli.checks.run import CheckedRecord, CheckSummary, check_file
from midb_cli.errors import refuse_no_record
from midb_cli.report.run import DiffOptions, DiffSummary, run_diff
from midb_cli.scale import ensure_plan, load_plan, merge_plan, run_local, run_shard
from midb_cli.select import SelectionResult, select_file

if TYPE_CHECKING:
    from midb_cli.export.export import ExportOptions, ExportResult
    from midb_cli.export.train_data import TrainDataOptions, TrainDataResult
    from midb_cli.judge.run import JudgeOptions, JudgeResult
    from midb_cli.judge.score import ScoreOptions, ScoreResult
    from midb_cli.stats.accumulator import StatsAccumulator

__all__ = [
    "BoostOptions",
    "CheckSummary",
    "CheckedRecord",
    "DiffOptions",
    "DiffSummary",
    "SelectionResult",
    "ensure_plan",
    "load_plan",
    "merge_plan",
    "run_boost",
    "run_check",
    "run_diff",
    "run_export",
    "run_judge",
    "run_local",
    "run_score",
    "run_select",
    "run_shard",
    "run_stats",
    "run_train_data",
]


def run_check(
    paths: Sequence[str],
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    lang: str | None = None,
    detector: str = "auto",
    schema: str | None = None,
    fields: str | None = None,
    id_key: str | None = None,
    strict: bool = False,
    on_record: Callable[[CheckedRecord], None] | None = None,
) -> CheckSummary:
    """Check every record of ``paths`` for MT defects (`midb check`).

    ``select``/``ignore`` name check kinds (``all`` selects the opt-in ones too);
    ``on_record`` sees each checked record in file order (e.g. to print its findings).
    Returns the counts per language and kind and the first rejected lines."""
    from midb_cli.checks import Checker
    from midb_cli.langid import LanguageIdentifier

    identifier = LanguageIdentifier(backend=detector, lang=lang)
    checker = Checker(identifier, select=select, ignore=ignore)
    summary = CheckSummary()
    for path in paths:
        for item in check_file(
            str(path),
            identifier,
            checker,
            schema=schema,
            fields=fields,
            id_key=id_key,
            strict=strict,
        ):
            summary.add(item)
            if on_record is not None and isinstance(item, CheckedRecord):
                on_record(item)
    refuse_no_record(list(paths), summary.records, summary.rejected)
    return summary


def run_stats(
    paths: Sequence[str],
    *,
    checks: bool = False,
    lang: str | None = None,
    detector: str = "auto",
    schema: str | None = None,
    fields: str | None = None,
    id_key: str | None = None,
    strict: bool = False,
) -> StatsAccumulator:
    """Per-language statistics of ``paths`` (`midb stats`); ``checks`` also counts MT defects.
    The result merges by addition (``acc.merge(other)``) and serializes with ``to_json()``."""
    from midb_cli.checks import Checker
    from midb_cli.langid import LanguageIdentifier
    from midb_cli.stats.collect import collect_stats

    identifier = LanguageIdentifier(backend=detector, lang=lang)
    acc = collect_stats(
        [str(p) for p in paths],
        identifier=identifier,
        checker=Checker(identifier) if checks else None,
        schema=schema,
        fields=fields,
        id_key=id_key,
        strict=strict,
    )
    refuse_no_record(list(paths), acc.records, acc.rejected)
    return acc


def run_select(
    path: str,
    output: str,
    *,
    top: int | None = None,
    top_percent: float | None = None,
    order: str = "desc",
    per_lang: bool = False,
    lang: str | None = None,
    detector: str = "auto",
    schema: str | None = None,
    fields: str | None = None,
    id_key: str | None = None,
    strict: bool = False,
    rejects: str | None = None,
    by: str = "distance",
    min_score: float | None = None,
) -> SelectionResult:
    """Keep the pairs that changed most (`midb select`): the top ``top`` records or
    ``top_percent`` percent by edit distance, overall or ``per_lang``, copied unchanged in input
    order to ``output`` (written atomically). ``by="score"`` ranks by ``midb.score`` instead;
    ``min_score`` keeps every record scored at least that."""
    from midb_cli.langid import LanguageIdentifier
    from midb_cli.languages import require_languages

    require_languages(lang)  # (used with per_lang only, but a typo is a typo)
    identifier = LanguageIdentifier(backend=detector, lang=lang) if per_lang else None
    return select_file(
        str(path),
        str(output),
        top=top,
        top_percent=top_percent,
        order=order,
        per_lang=per_lang,
        identifier=identifier,
        schema=schema,
        fields=fields,
        id_key=id_key,
        strict=strict,
        rejects_path=rejects,
        by=by,
        min_score=min_score,
    )


def run_judge(options: JudgeOptions, **kwargs: Any) -> JudgeResult:
    """Judge pairs in both orders (`midb judge`); see ``midb_cli.judge.run.run_judge``."""
    from midb_cli.judge.run import run_judge as _run

    return _run(options, **kwargs)


def run_score(options: ScoreOptions, **kwargs: Any) -> ScoreResult:
    """Score every record's pair 0-5 (`midb score`); see ``midb_cli.judge.score.run_score``."""
    from midb_cli.judge.score import run_score as _run

    return _run(options, **kwargs)


def run_export(options: ExportOptions) -> ExportResult:
    """Write the chosen records in a trainer's format (`midb export`)."""
    from midb_cli.export.export import run_export as _run

    return _run(options)


def run_train_data(options: TrainDataOptions) -> TrainDataResult:
    """Write a booster's SFT set from MEB files (`midb train-data`)."""
    from midb_cli.export.train_data import run_train_data as _run

    return _run(options)
