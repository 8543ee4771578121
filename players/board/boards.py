"""From a plan to boards on paper: which boards a plan holds, and writing them as PDF or PNG."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from players.board.canvas import Document, Fonts
from players.board.compose import BoardComposer, BoardContent
from players.board.layout import BoardLayout
from players.board.pdf import write_pdf
from players.board.png import save_png
from players.plan import Plan


def boards_of(plan: Plan, published: dt.date | None = None) -> list[BoardContent]:
    """One board per unit the plan shows, in the plan's unit order, with its power items, dated
    ``published`` (default: today on the county's clock)."""
    date = published or plan.wall().date()
    boards = []
    for unit_id, unit in plan.units.items():
        items = tuple(e for e in plan.entries if e.kind == "powers" and e.unit == unit_id)
        if unit:
            boards.append(BoardContent(dict(unit), items, dict(plan.county), plan.version, date))
    return boards


def write_board(document: Document, path: Path, fonts: Fonts, *, dpi: int = 150) -> list[Path]:
    """``x.pdf`` (every page), or ``x.png`` (one page) / ``x-1.png``, ``x-2.png`` … (several)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".pdf":
        write_pdf(document, path, fonts)
        return [path]
    if path.suffix.lower() != ".png":
        raise ValueError(f"{path}: write .pdf or .png")
    if len(document.pages) == 1:
        save_png(document.pages[0], path, fonts, dpi)
        return [path]
    paths = [path.with_name(f"{path.stem}-{n}{path.suffix}") for n in range(1, len(document.pages) + 1)]
    for page, page_path in zip(document.pages, paths, strict=True):
        save_png(page, page_path, fonts, dpi)
    return paths


def compose_boards(plan: Plan, layout: BoardLayout, fonts: Fonts,
                   published: dt.date | None = None) -> list[tuple[BoardContent, Document]]:
    composer = BoardComposer(layout, fonts)
    return [(board, composer.compose(board)) for board in boards_of(plan, published)]
