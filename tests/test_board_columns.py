"""Board tables as a typesetter sets them (issue 17), on every sample board, A4 and A3: names of
power types and header words are never broken, and 收费 is as wide as what it holds."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO
from test_board_overflow import compose

from players.board.canvas import Fonts, Text
from signage.cli import main

# The words of both tables' headers (full, and compact for A4 portrait): each drawn whole or not at all.
HEADER_WORDS = {"序号", "事项编码", "事项名称", "及编码", "权力类型", "设定依据", "法定时限", "承诺时限",
                "时限", "收费", "承办机构"}


@pytest.fixture(scope="module")
def fonts() -> Fonts:
    return Fonts()


def drawn(fonts: Fonts, paper: str, orientation: str) -> list[str]:
    boards = compose(REPO / "content", REPO / "layouts", fonts, paper, orientation)
    return [s.text for _, document in boards for page in document.pages for s in page.shapes
            if isinstance(s, Text)]


@pytest.mark.parametrize(("paper", "orientation"), [("A4", "portrait"), ("A3", "portrait"),
                                                    ("A4", "landscape")])
def test_types_and_headers_are_set_whole(fonts: Fonts, paper: str, orientation: str) -> None:
    texts = drawn(fonts, paper, orientation)
    assert texts.count("其他行政权力") >= 40  # the sample's 40 such items, each type on one line
    fragments = {"其他", "其他行", "其他行政", "行政权力", "政权力", "权力"}
    assert not fragments & set(texts)
    headers = {word for word in HEADER_WORDS if word in texts}
    assert {"序号", "权力类型", "设定依据", "收费", "承办机构"} <= headers
    assert "法定时限" in headers or "时限" in headers  # the full table or the compact one
    pieces = {word[:n] for word in HEADER_WORDS for n in range(1, len(word))} - HEADER_WORDS
    assert not pieces & set(texts)  # no header word drawn in parts
    assert "不收费" in texts  # never broken


def test_a_board_from_the_command_carries_its_content_digest(tmp_path: Path) -> None:
    """A pinned sheet can be traced to what was published: 内容 is the board's content digest,
    the same the print station records (whose footer also names the version it printed)."""
    out = tmp_path / "renshe.pdf"
    result = CliRunner().invoke(main, ["board", "--content", str(REPO / "content"), "--screens",
                                       str(REPO / "layouts"), "--unit", "renshe", "-o", str(out),
                                       "--today", "2026-11-27"])
    assert result.exit_code == 0, result.output
    text = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    footers = re.findall(r"发布日期：2026年11月27日\s*内容：([0-9a-f]{8})", text)
    assert footers and len(set(footers)) == 1  # on every page, one digest
