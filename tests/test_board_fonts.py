"""Rare characters on boards: the outline fallback chain prints them; without it the PDF would
drop them, and fpdf2's English warning is told in Chinese instead."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import POWER, TODAY, ContentFactory, patched

from players.board.boards import compose_boards
from players.board.canvas import Fonts
from players.board.layout import board_layout
from players.board.pdf import write_pdf
from players.board.png import render_png
from signage.publishing.preview import preview_plan
from signage.text.fonts import find_fallback_fonts

RARE = "\U0002a6a5"  # 𪚥, CJK Extension B: not in Noto Sans CJK SC, in the HanaMin fonts
LAYOUTS = {
    "screens.yaml": "screens:\n  - id: demo-board\n    kind: board\n    layout: board-a4\n",
    "board-a4.yaml": "layout:\n  id: board-a4\n  kind: board\n  paper: A4\n",
}

pytestmark = pytest.mark.skipif(not find_fallback_fonts(), reason="fonts-hanazono not installed")


def _document(content: ContentFactory, tmp_path: Path, fonts: Fonts):
    root = content.write(powers=[patched(POWER, {"name": f"王{RARE}个体工商户登记"})])
    folder = tmp_path / "layouts"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in LAYOUTS.items():
        (folder / name).write_text(text, "utf-8")
    plan = preview_plan(root, folder, "board-a4", kind="board", today=TODAY)
    ((_, document),) = compose_boards(plan, board_layout(plan.layout, paper="A4"), fonts, TODAY)
    return document


def _pdffonts(path: Path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def test_extension_b_character_prints_from_the_fallback_font(content: ContentFactory, tmp_path: Path,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    without = Fonts(fallbacks=())
    document = _document(content, tmp_path, without)
    with caplog.at_level(logging.WARNING):
        write_pdf(document, tmp_path / "without.pdf", without)
    assert "HanaMin" not in _pdffonts(tmp_path / "without.pdf")
    told = [r.getMessage() for r in caplog.records if r.name == "players.board.pdf"]
    assert told and "字体无法显示的字符" in told[0] and RARE in told[0] and "fonts-hanazono" in told[0]
    assert not [r for r in caplog.records if r.name.startswith("fpdf")]  # nothing raw on stderr

    caplog.clear()
    fonts = Fonts()
    document = _document(content, tmp_path, fonts)
    with caplog.at_level(logging.WARNING):
        write_pdf(document, tmp_path / "with.pdf", fonts)
    assert "HanaMin" in _pdffonts(tmp_path / "with.pdf")
    assert not [r for r in caplog.records if r.name == "players.board.pdf"]
    text = subprocess.run(["pdftotext", str(tmp_path / "with.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert f"王{RARE}个体工商户登记" in text.replace("\n", "")

    png_with = np.asarray(render_png(document.pages[0], fonts).convert("L"))
    png_without = np.asarray(render_png(document.pages[0], without).convert("L"))
    render_png(document.pages[0], fonts).save(tmp_path / "with.png")
    assert (png_with != png_without).any()  # the rare character's ink differs from a .notdef box
