"""`midb stats --checks` counts MT defects per language and kind (issue 3)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from midb_cli.cli.main import app

RECORDS = [
    {
        "instruction": "Schreiben Sie eine kurze Beschreibung eines Sonnenuntergangs am Meer.",
        "input": "<noinput>",
        "output": "Die Sonne versinkt langsam im Meer und färbt den Himmel orange und rot.",
    },
    {
        "instruction": "Erklären Sie, warum der Himmel tagsüber blau erscheint.",
        "input": "",
        "output": "Das Sonnenlicht wird an den Molekülen der Luft gestreut, blaues Licht am stärksten.",
    },
]


def stats_json(path: Path, *flags: str) -> dict:
    result = CliRunner().invoke(app, ["stats", str(path), "--json", *flags])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_defects_are_counted_per_language_and_kind(tmp_path: Path) -> None:
    path = tmp_path / "de.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in RECORDS))
    data = stats_json(path, "--checks")
    assert data["records"] == 2
    assert data["languages"]["de"]["findings"] == {"placeholder_input": 1}
    assert stats_json(path)["languages"]["de"]["findings"] == {}  # checks are opt-in
