"""The shape of the code: no import cycle between the packages of ``midb_cli``, and no module
over 450 lines. Read from the source with ``ast``: every import counts, also the ones inside
functions (a lazy import is still a dependency)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "midb_cli"
MAX_LINES = 450


def unit_of(module: str) -> str:
    """``midb_cli.boost.pipeline`` -> ``boost``; a top-level module is its own unit."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
    return {name for name in found if name == "midb_cli" or name.startswith("midb_cli.")}


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in SRC.rglob("*.py"):
        source = unit_of(module_name(path))
        for target in imports_of(path):
            if target == "midb_cli":
                continue
            dest = unit_of(target)
            if dest != source:
                graph[source].add(dest)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_finder_sees_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}}) is None


def test_no_import_cycle_between_packages() -> None:
    graph = package_graph()
    assert "boost" in graph and "llm" in graph  # the graph was really read
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_llm_layer_knows_nothing_of_its_tasks() -> None:
    graph = package_graph()
    assert not graph["llm"] & {"boost", "cli", "report", "stats", "checks", "api"}


def test_no_module_is_over_the_size_limit() -> None:
    sizes = {
        str(path.relative_to(SRC)): len(path.read_text(encoding="utf-8").splitlines())
        for path in SRC.rglob("*.py")
    }
    assert len(sizes) > 40
    too_long = {name: n for name, n in sizes.items() if n > MAX_LINES}
    assert not too_long, f"modules over {MAX_LINES} lines: {too_long}"


# What a rules boost must not load: the LLM registry (entry points), the HTTP client, the prompt
# files, the result cache (sqlite3) and the shard runner (multiprocessing). Start-up is paid on
# every run and every shard (issue 11); a fresh interpreter, since this one has loaded them all.
NOT_FOR_RULES = (
    "midb_cli.llm.registry",
    "midb_cli.llm.http_transport",
    "midb_cli.llm.openai_backend",
    "midb_cli.llm.prompts",
    "midb_cli.llm.cache",
    "midb_cli.boost.llm",
    "midb_cli.scale.local",
    "sqlite3",
)

_RUN_AND_LIST_MODULES = """
import sys
from midb_cli.cli.main import main
sys.argv = ["midb", "boost", sys.argv[1], "-o", sys.argv[2], "--quiet"]
try:
    main()
except SystemExit as exc:
    assert not exc.code, exc.code
print("\\n".join(sorted(sys.modules)))
"""


def test_a_rules_boost_does_not_import_the_llm_layer(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    record = {
        "Raw Instruction": "Name three colours.",
        "Raw Input": "",
        "Raw Response": "Red, green and blue.",
        "Revised Instruction": "Name three colours.",
        "Revised Input": "",
        "Revised Response": "Red, green and blue.",
    }
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    done = subprocess.run(
        [sys.executable, "-c", _RUN_AND_LIST_MODULES, str(source), str(out)],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(done.stdout.split())
    assert "midb_cli.boost.pipeline" in loaded and out.exists()  # the run really ran
    assert sorted(loaded & set(NOT_FOR_RULES)) == []
