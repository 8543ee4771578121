"""``signage board``: boards straight from the content folder, one or every unit."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from players.board.boards import boards_of, write_board
from players.board.canvas import Fonts
from players.board.compose import BoardComposer
from players.board.layout import board_layout
from signage.catalogue.loader import unit_dirs
from signage.publishing.preview import preview_plan
from signage.publishing.screens import load_screens


def render_boards(content: Path, screens_path: Path, layout_id: str, *, units: tuple[str, ...],
                  out: Path, folder: bool, paper: str | None = None, orientation: str | None = None,
                  dpi: int = 150, png: bool = False, today: dt.date | None = None) -> list[Path]:
    """Write the boards of ``units`` (every unit when empty); return the files written."""
    layouts = load_screens(screens_path).layouts
    if layout_id not in layouts:
        known = sorted(k for k, v in layouts.items() if v.get("kind") == "board")
        raise LookupError(f"board layout {layout_id!r} not found in {screens_path} "
                          f"(known: {', '.join(known)})")
    layout = board_layout(layouts[layout_id], paper=paper, orientation=orientation)
    known_units = [folder.name for folder in unit_dirs(content)]
    unknown = [u for u in units if u not in known_units]
    if unknown:
        raise LookupError(f"unit {', '.join(unknown)} not found in {content} "
                          f"(units: {', '.join(known_units)})")
    plan = preview_plan(content, screens_path, layout_id, kind="board", units=units, today=today)
    boards = boards_of(plan, today)
    fonts = Fonts()
    composer = BoardComposer(layout, fonts)
    written: list[Path] = []
    with _progress(len(boards) > 1) as progress:
        task = progress.add_task("公开栏", total=len(boards))
        for board in boards:
            unit_id = str(board.unit.get("id") or "unit")
            target = out / f"{unit_id}-公开栏.{'png' if png else 'pdf'}" if folder else out
            written += write_board(composer.compose(board), target, fonts, dpi=dpi)
            progress.update(task, advance=1, description=str(board.unit.get("short_name") or unit_id))
    return written


def _progress(visible: bool) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    disable=not visible, transient=False)
