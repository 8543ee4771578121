"""The office's boards (公开栏): each board screen of the screens file with its units, the PDF
of a unit's board as the print station would print it (signage/office/boards.py, the layout of
that screen), and "send to the print station": the signed ``print`` command, which makes the
station print its current boards again."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

from signage.office.boards import render_boards
from signage.publishing.screens import Screen, ScreensError, load_screens


@dataclass(slots=True)
class BoardScreen:
    id: str
    site: str
    layout: str
    units: list[str]  # the units whose boards it prints


def board_screens(screens_path: Path | None, unit_ids: list[str]) -> list[BoardScreen]:
    """Every board screen; a screen selecting no units prints every unit's board."""
    if screens_path is None:
        return []
    found = []
    for screen in load_screens(screens_path).screens.values():
        if screen.kind == "board":
            units = [u for u in unit_ids if not screen.select.units or u in screen.select.units]
            found.append(BoardScreen(screen.id, screen.site, _layout_id(screen), units))
    return sorted(found, key=lambda s: s.id)


def boards_posting(screens_path: Path | None, unit_id: str) -> list[BoardScreen]:
    """The board screens that post ``unit_id``'s board (for the unit's own page); a screens
    folder that does not load lists none here: the office's pages say why, a clerk's need not."""
    try:
        return [b for b in board_screens(screens_path, [unit_id]) if unit_id in b.units]
    except ScreensError:
        return []


def _layout_id(screen: Screen) -> str:
    return str(screen.layout.get("id", ""))


def board_pdf(content: Path, screens_path: Path, board: BoardScreen, unit_id: str, today: dt.date) -> bytes:
    """The unit's board on ``board``'s layout, rendered into a temporary folder and read back
    (one unit's board: a few pages)."""
    with tempfile.TemporaryDirectory(prefix="console-board-") as folder:
        target = Path(folder) / "board.pdf"
        written = render_boards(content, screens_path, board.layout, units=(unit_id,), out=target,
                                folder=False, today=today)
        if not written:
            raise LookupError(f"{unit_id} 在今天没有可公开的内容，公开栏为空。")
        return written[0].read_bytes()
