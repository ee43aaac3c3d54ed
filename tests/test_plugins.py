"""A backend plugin from another package, found through its entry point like after `pip install`:
it is listed by `midb engines` and boosts a file, with no edit to midb. The plugin is the example
in examples/plugin, installed into a folder of its own (its package and its dist-info metadata,
which is what pip writes), and midb runs in a real process with that folder on its path."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "examples" / "plugin"
SAMPLE = ROOT / "examples" / "alpaca_sample.jsonl"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    shutil.copytree(PLUGIN / "midb_echo_backend", site / "midb_echo_backend")
    info = site / "midb_echo_backend-0.1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: midb-echo-backend\nVersion: 0.1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[midb_cli.backends]\necho = midb_echo_backend:SPEC\n", encoding="utf-8"
    )
    (site / "broken_plugin-0.1.dist-info").mkdir()
    (site / "broken_plugin-0.1.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: broken-plugin\nVersion: 0.1\n", encoding="utf-8"
    )
    (site / "broken_plugin-0.1.dist-info" / "entry_points.txt").write_text(
        "[midb_cli.backends]\nbroken = no_such_module:SPEC\n", encoding="utf-8"
    )
    return site


def midb(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path, "XDG_CACHE_HOME": str(site / "xdg")}
    return subprocess.run(
        [sys.executable, "-m", "midb_cli", *args], capture_output=True, text=True, env=env
    )


def test_an_installed_plugin_is_an_engine(site: Path) -> None:
    result = midb(site, "engines", "--json")
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["echo"]["usable"] and rows["echo"]["origin"] == "plugin midb-echo-backend"
    # a plugin that fails to load is listed with its error, and breaks nothing else
    assert not rows["broken"]["usable"] and "no_such_module" in rows["broken"]["reason"]
    assert rows["rules"]["usable"] and rows["openai"]["usable"]


def test_an_installed_plugin_boosts_a_file(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = midb(site, "boost", str(SAMPLE), "-o", str(out), "--engine", "echo", "--quiet")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 48 and all(r["midb"]["engine"] == "echo" for r in records)
    boosted = [r for r in records if r["midb"]["status"] == "boosted"]
    assert boosted and all(r["output"].endswith("(revised)") for r in boosted)


def test_a_plugin_refuses_options_it_does_not_take(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = midb(
        site, "boost", str(SAMPLE), "-o", str(out), "--engine", "echo", "--api-base", "http://x"
    )
    assert result.returncode == 2
    assert "engine 'echo' does not take api_base; it takes: model, suffix" in result.stderr
