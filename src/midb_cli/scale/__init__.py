"""Scale-out: one boost job cut into shards (byte ranges of one file), run by local worker
processes, by any scheduler (`midb shard run`), or on Ray, and merged in input order."""

from midb_cli.scale.local import resolve_workers, run_local
from midb_cli.scale.manifest import Plan, Shard, load_plan, plan_directory
from midb_cli.scale.merge import merge_plan
from midb_cli.scale.plan import ensure_plan, make_plan
from midb_cli.scale.shard import run_shard

__all__ = [
    "Plan",
    "Shard",
    "ensure_plan",
    "load_plan",
    "make_plan",
    "merge_plan",
    "plan_directory",
    "resolve_workers",
    "run_local",
    "run_shard",
]
