"""The HTML report in a real browser: right-to-left fields read right-to-left.

Runs only where Chromium is installed (``apt-get install chromium`` on Debian), else skips.
It renders report fields with the report's own CSS, takes a headless screenshot and finds
where the ink (dark text) and the diff colours landed: an Arabic line sits at the right, a
Japanese one and a line of code at the left, and a deleted English run stays whole on one
side of the Arabic run that replaced it (no interleaving).

The documented manual check (done for the change that added this; repeat it after touching
the report's HTML or CSS): write a report of tests/data/report/bidi.jsonl (Arabic, Japanese,
and a mixed Arabic-and-code record) and look at it::

    midb diff tests/data/report/bidi.jsonl --html /tmp/bidi.html --top 0
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \\
      --disable-background-networking --disable-component-update --disable-sync \\
      --user-data-dir=$(mktemp -d) --screenshot=/tmp/bidi.png --window-size=1200,1800 \\
      file:///tmp/bidi.html

Expected: Arabic lines right-aligned with their list numbers at the right end; Japanese
left-aligned; in the mixed record the code line left-to-right inside the Arabic field, and
each struck-out English run beside (never inside) the green Arabic run that replaced it.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from midb_cli.report.fieldhtml import field_html
from midb_cli.report.html import _CSS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

WIDTH, BLOCK, BLOCKS = 800, 100, 5
AR_LINE = "1. طور روتينًا والزم به."
JA_LINE = "以下の質問を試してみてください："


def _page() -> str:
    blocks = [
        field_html(AR_LINE, AR_LINE, "ar"),
        field_html("Here is the program", "إليك البرنامج", "ar"),
        field_html(JA_LINE, JA_LINE, "ja"),
        field_html("اكتب البرنامج:\nprint('hi')", "اكتب البرنامج:\nprint('مرحبا')", "ar"),
        # a left-to-right line where Arabic replaces Arabic: without isolation the two runs
        # would merge into one right-to-left run and the new text would show before the old
        field_html("Say: مرحبا", "Say: أهلا وسهلا", "en"),
    ]
    style = f"position:absolute;left:0;width:{WIDTH}px;height:{BLOCK}px;overflow:hidden"
    body = "".join(
        f'<div style="{style};top:{i * BLOCK}px">{b}</div>' for i, b in enumerate(blocks)
    )
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>{_CSS}'
        "body{margin:0;padding:0;max-width:none}.text{margin:0}</style></head>"
        f"<body>{body}</body></html>"
    )


def _screenshot(tmp_path: Path) -> list[list[tuple[int, int, int]]]:
    page = tmp_path / "page.html"
    page.write_text(_page(), encoding="utf-8")
    png = tmp_path / "shot.png"
    assert CHROMIUM is not None
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={png}",
            f"--window-size={WIDTH},{BLOCK * BLOCKS}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return _read_png(png.read_bytes())


def _read_png(data: bytes) -> list[list[tuple[int, int, int]]]:
    """RGB rows of an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium writes)."""
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        (size,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + size]
        pos += 12 + size
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and color in (2, 6) and interlace == 0
            channels = 4 if color == 6 else 3
        elif kind == b"IDAT":
            idat += body
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[list[tuple[int, int, int]]] = []
    prev = bytearray(stride)
    for y in range(height):
        f, line = (
            raw[y * (stride + 1)],
            bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]),
        )
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = prev[i], prev[i - channels] if i >= channels else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * channels : x * channels + 3]) for x in range(width)])  # type: ignore[misc]
        prev = line
    return rows


def _xs(rows: list[list[tuple[int, int, int]]], top: int, bottom: int, want) -> list[int]:
    return [x for row in rows[top:bottom] for x, px in enumerate(row) if want(px)]


def _ink(px: tuple[int, int, int]) -> bool:
    return sum(px) < 300


def _pink(px: tuple[int, int, int]) -> bool:  # the <del> background, #ffd7d5
    r, g, b = px
    return r > 240 and 200 <= g <= 225 and 200 <= b <= 225


def _green(px: tuple[int, int, int]) -> bool:  # the <ins> background, #ccffd8
    r, g, b = px
    return 190 <= r <= 215 and g > 240 and 205 <= b <= 225


def test_right_to_left_fields_read_right_to_left(tmp_path: Path) -> None:
    rows = _screenshot(tmp_path)
    half = WIDTH // 2

    arabic = _xs(rows, 0, BLOCK, _ink)
    assert arabic and min(arabic) > half, "an Arabic line must sit at the right"

    deleted = _xs(rows, BLOCK, 2 * BLOCK, _pink)
    inserted = _xs(rows, BLOCK, 2 * BLOCK, _green)
    assert deleted and inserted
    # Arabic reads from the right: the deleted English (logically first) is the rightmost
    # run, the Arabic that replaced it lies wholly to its left; no piece of one inside the other
    assert min(deleted) > max(inserted) - 2
    assert min(inserted) > half // 2

    japanese = _xs(rows, 2 * BLOCK, 3 * BLOCK, _ink)
    assert japanese and max(japanese) < half, "a Japanese line must sit at the left"

    mixed = [y for y in range(3 * BLOCK, 4 * BLOCK) if any(_ink(px) for px in rows[y])]
    first_line_bottom = next(
        y for y in range(mixed[0], mixed[-1]) if not any(_ink(px) for px in rows[y])
    )
    arabic_line = _xs(rows, mixed[0], first_line_bottom, _ink)
    code_line = _xs(rows, first_line_bottom, mixed[-1] + 1, _ink)
    assert min(arabic_line) > half, "the Arabic line of a mixed field at the right"
    assert max(code_line) < half, "the line of code in an Arabic field stays left-to-right"

    deleted = _xs(rows, 4 * BLOCK, 5 * BLOCK, _pink)
    inserted = _xs(rows, 4 * BLOCK, 5 * BLOCK, _green)
    assert deleted and inserted
    assert max(deleted) < min(inserted) + 2, "old run left of the new one in a left-to-right line"
