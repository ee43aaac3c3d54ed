"""`midb shard plan|run|merge`: one boost job as shards, for any scheduler (Slurm arrays...).

``plan`` takes every flag of `midb boost` (the plan stores them; the shards use them) plus
``--shards``; ``run`` boosts one shard; ``merge`` writes OUT, the rejects and the summary.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any

import typer

from midb_cli.cli import boost_cmd

shard_app = typer.Typer(
    help="Cut one boost job into shards, run them anywhere (one command per shard), merge.",
    no_args_is_help=True,
)

_ShardsOpt = Annotated[
    int, typer.Option("--shards", min=1, help="How many shards to cut the input into.")
]


def plan(**flags: Any) -> None:
    """Plan a job: OUT.midb/manifest.json with the shards' byte ranges and the file's prior.

    Example (Slurm): midb shard plan in.jsonl -o out.jsonl --shards 256 --engine vllm ...;
    sbatch --array=0-255 --gres=gpu:1 --wrap 'midb shard run out.jsonl.midb --shard
    $SLURM_ARRAY_TASK_ID'; then midb shard merge out.jsonl.midb
    """
    from midb_cli.cli.console import make_console
    from midb_cli.scale.plan import ensure_plan

    shards = flags.pop("shards")
    made = ensure_plan(boost_cmd.boost_options(**flags), shards)
    done = len(made.done())
    make_console(stderr=True).print(
        f"{made.directory}: {len(made.shards):,} shard(s), {done:,} done; prior "
        f"{made.prior or 'none'}; run: midb shard run {made.directory} --shard N "
        f"(N = 0..{len(made.shards) - 1})",
        highlight=False,
        soft_wrap=True,
    )


def _plan_signature() -> inspect.Signature:
    """`midb boost`'s flags (without those of how it runs) and --shards."""
    signature = inspect.signature(boost_cmd.boost, eval_str=True)
    params = [p for name, p in signature.parameters.items() if name not in boost_cmd._RUN_FLAGS]
    shards = inspect.Parameter(
        "shards", inspect.Parameter.KEYWORD_ONLY, default=8, annotation=_ShardsOpt
    )
    params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in params]
    return signature.replace(parameters=[*params, shards], return_annotation=None)


plan.__signature__ = _plan_signature()  # type: ignore[attr-defined]
plan.__annotations__ = {p.name: p.annotation for p in _plan_signature().parameters.values()}


@shard_app.command("run")
def run(
    directory: Annotated[str, typer.Argument(help="The plan folder (OUT.midb).")],
    shard: Annotated[int, typer.Option("--shard", help="The shard to run (0-based).")],
    own_cache: Annotated[
        bool,
        typer.Option(
            "--own-cache",
            help="Write this shard's answers to a cache file in the plan folder (folded into "
            "the user's cache at merge): for nodes that do not share one disk.",
        ),
    ] = False,
) -> None:
    """Boost one shard (resuming an interrupted attempt); a shard being run elsewhere refuses."""
    from midb_cli.cli.console import make_console
    from midb_cli.scale.manifest import load_plan
    from midb_cli.scale.shard import run_shard

    result = run_shard(load_plan(directory), shard, own_cache=own_cache)
    make_console(stderr=True).print(
        f"shard {shard}: read {result['read']:,}, written {result['resumed'] + result['written']:,}"
        f", rejected {result['rejected']:,} (done)",
        highlight=False,
    )


@shard_app.command("merge")
def merge(
    directory: Annotated[str, typer.Argument(help="The plan folder (OUT.midb).")],
    wait: Annotated[
        bool, typer.Option("--wait", help="Wait for shards still running instead of refusing.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="One counts line.")] = False,
) -> None:
    """Write OUT, the rejects and the summary in input order once every shard is done."""
    from midb_cli.boost.summary import render_summary
    from midb_cli.cli.console import make_console
    from midb_cli.scale.manifest import load_plan
    from midb_cli.scale.merge import merge_plan

    summary = merge_plan(load_plan(directory), wait=wait)
    console = make_console(stderr=True, highlight=False)
    if quiet:
        console.print(f"midb shard merge: {summary.counts_line()}", soft_wrap=True)
    else:
        render_summary(summary, console)


@shard_app.command("status")
def status(directory: Annotated[str, typer.Argument(help="The plan folder (OUT.midb).")]) -> None:
    """Shards done and records written so far."""
    from midb_cli.scale.manifest import load_plan
    from midb_cli.scale.progress import ShardTail

    loaded = load_plan(directory)
    tail = ShardTail(loaded)
    records = tail.poll()
    statuses = ", ".join(f"{s} {n:,}" for s, n in tail.by_status.most_common() if n)
    typer.echo(
        f"{len(loaded.done()):,} of {len(loaded.shards):,} shard(s) done; {records:,} record(s) "
        f"in unmerged shard outputs{'; ' + statuses if statuses else ''}"
    )


def register(app: typer.Typer) -> None:
    shard_app.command("plan")(plan)
    app.add_typer(shard_app, name="shard")
