"""Typesetting shared by boards and rectification notices: rows of text and tables, paginated.

A document is a column of *rows*: a heading, a line of a paragraph, a table row. A row is never
split, so no table row is cut across pages; a table's header row is repeated at the top of each
page it continues on, and a heading is kept with what follows it. Every line is broken by
:mod:`signage.text.linebreak`, so nothing runs off a cell or the page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from players.board.canvas import GREY, LIGHT, PT, RED, Colour, Document, Fonts, Line, Page, Rect, Shape, Text
from players.board.layout import BoardLayout
from signage.text.linebreak import wrap
from signage.text.numerals import to_chinese

LEADING = 1.45  # line height as a multiple of the type size
CELL_PAD = 1.4  # mm inside table cells
Columns = Sequence[tuple[str, float]]  # heading and share of the text width


@dataclass(slots=True)
class Row:
    height: float
    draw: Callable[[float, float], list[Shape]]  # (left, top) → shapes
    keep_with_next: bool = False
    header: Row | None = None  # repeated at the top of a page this row starts


class Typesetter:
    """Page geometry and the row builders; subclasses say what goes on the pages."""

    def __init__(self, layout: BoardLayout, fonts: Fonts) -> None:
        self.layout, self.fonts = layout, fonts
        self.page_width, self.page_height = layout.size
        self.left = layout.margin
        self.width = self.page_width - 2 * layout.margin
        self.footer_height = 9.0
        self._section = 0

    def typeset(self, rows: list[Row], *, title: str, running: str, footer_left: str,
                footer_right: str = "", subject: str = "", author: str = "",
                keywords: str = "") -> Document:
        """Rows → a document with running headers (from page 2) and 第 N 页 共 M 页 footers."""
        pages = self._paginate(rows, running)
        document = Document(title=title, subject=subject, author=author, keywords=keywords)
        for number, page in enumerate(pages, 1):
            page.add(*self._footer(number, len(pages), footer_left, footer_right))
            document.pages.append(page)
        return document

    def _paginate(self, rows: list[Row], running: str) -> list[Page]:
        bottom = self.page_height - self.layout.margin - self.footer_height
        pages = [Page(self.page_width, self.page_height)]
        y = self.layout.margin
        for index, row in enumerate(rows):
            following = rows[index + 1].height if row.keep_with_next and index + 1 < len(rows) else 0.0
            if y + row.height + following > bottom and y > self._body_top(len(pages) > 1):
                pages.append(Page(self.page_width, self.page_height))
                y = self._continuation_header(pages[-1], running)
                if row.header is not None:
                    pages[-1].add(*row.header.draw(self.left, y))
                    y += row.header.height
            pages[-1].add(*row.draw(self.left, y))
            y += row.height
        return pages

    def _body_top(self, continued: bool) -> float:
        return self.layout.margin + (self._continued_height() if continued else 0.0)

    def _continued_height(self) -> float:
        return self.layout.small * PT * LEADING + 3.0

    def _continuation_header(self, page: Page, running: str) -> float:
        size = self.layout.small
        top = self.layout.margin
        page.add(Text(self.left, top + size * PT, f"{running}（续）", size,
                      colour=GREY),
                 Line(self.left, top + size * PT * LEADING, self.left + self.width,
                      top + size * PT * LEADING, 0.3, GREY))
        return top + self._continued_height()

    def _footer(self, number: int, total: int, left: str, right: str) -> list[Shape]:
        size = self.layout.small
        baseline = self.page_height - self.layout.margin
        centre = f"第 {number} 页 共 {total} 页"
        width = self.fonts.width
        rule = baseline - size * PT - 2.0
        shapes: list[Shape] = [
            Line(self.left, rule, self.left + self.width, rule, 0.2, GREY),
            Text(self.left + (self.width - width(centre, size)) / 2, baseline, centre, size),
            Text(self.left, baseline, left, size, colour=GREY),
        ]
        if right and width(left, size) + width(centre, size) + width(right, size) < self.width * 0.9:
            shapes.append(Text(self.left + self.width - width(right, size), baseline, right, size,
                               colour=GREY))
        return shapes

    # -- rows ----------------------------------------------------------------------------

    def _centred_lines(self, text: str, size: float, *, bold: bool = False,
                       colour: Colour = (0, 0, 0)) -> list[Row]:
        rows = []
        for line in wrap(text, self.width, self.fonts.measure(size, bold)):
            offset = (self.width - self.fonts.width(line, size, bold)) / 2
            rows.append(self._text_row(line, size, bold=bold, colour=colour, indent=offset))
        return rows

    def _heading(self, title: str) -> Row:
        self._section += 1
        numeral = to_chinese(self._section)
        size = self.layout.heading
        height = size * PT * LEADING + 4.0

        def draw(x: float, y: float) -> list[Shape]:
            baseline = y + 2.5 + size * PT
            return [Rect(x, y + 2.0, 1.6, size * PT * 1.1, stroke=None, fill=RED),
                    Text(x + 3.5, baseline, f"{numeral}、{title}", size, bold=True, colour=RED)]

        return Row(height, draw, keep_with_next=True)

    def _table(self, columns: Columns, cells: list[list[str]]) -> list[Row]:
        """A header row and one row per entry of ``cells``; the header repeats on each page."""
        header = self._table_row(columns, [name for name, _ in columns], bold=True, fill=LIGHT)
        rows = [header]
        for row_cells in cells:
            row = self._table_row(columns, row_cells)
            row.header = header
            rows.append(row)
        return rows

    def _table_row(self, columns: Columns, cells: list[str], *, bold: bool = False,
                   fill: Colour | None = None) -> Row:
        size = self.layout.small
        line = size * PT * LEADING
        widths = [self.width * share for _, share in columns]
        wrapped = [wrap(text, w - 2 * CELL_PAD, self.fonts.measure(size, bold)) or [""]
                   for text, w in zip(cells, widths, strict=True)]
        height = max(len(lines) for lines in wrapped) * line + 2 * CELL_PAD

        def draw(x: float, y: float) -> list[Shape]:
            shapes: list[Shape] = []
            left = x
            for lines, w in zip(wrapped, widths, strict=True):
                shapes.append(Rect(left, y, w, height, stroke=(60, 60, 60), fill=fill, width=0.25))
                for index, text in enumerate(lines):
                    baseline = y + CELL_PAD + index * line + (line + size * PT * 0.76) / 2
                    shapes.append(Text(left + CELL_PAD, baseline, text, size, bold=bold))
                left += w
            return shapes

        return Row(height, draw)

    def _paragraph(self, text: str, size: float, *, hanging: bool = False,
                   indent_first: bool = False) -> list[Row]:
        """Lines of a paragraph: the first indented two characters (indent_first), or the rest
        hanging after a （一） marker (hanging)."""
        measure = self.fonts.measure(size, False)
        first_indent = self.fonts.width("国国", size) if indent_first else 0.0
        mark = text[:text.index("）") + 1] if hanging and "）" in text[:6] else ""
        rest_indent = self.fonts.width(mark, size)
        first = (wrap(text, self.width - first_indent, measure) or [""])[0]
        remainder = text[len(first):].lstrip()
        rest = wrap(remainder, self.width - rest_indent, measure) if remainder else []
        return [self._text_row(first, size, indent=first_indent)] + [
            self._text_row(line, size, indent=rest_indent) for line in rest]

    def _text_row(self, text: str, size: float, *, bold: bool = False, keep: bool = False,
                  colour: Colour = (0, 0, 0), indent: float = 0.0) -> Row:
        height = size * PT * LEADING

        def draw(x: float, y: float) -> list[Shape]:
            return [Text(x + indent, y + (height + size * PT * 0.76) / 2, text, size, bold=bold,
                         colour=colour)]

        return Row(height, draw, keep_with_next=keep)

    def _gap(self, height: float) -> Row:
        return Row(height, lambda x, y: [])

