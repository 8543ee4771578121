"""Typesetting shared by boards and rectification notices: rows of text and tables, paginated.

A document is a column of *rows*: a heading, a line of a paragraph, a table row, a row of
flowcharts. A row that fits on a page is never split: it moves to the next page whole. A row
taller than a whole page (a 2,000-character legal basis, a 40-step flowchart) is cut where the
page ends, between two of its lines or boxes (:mod:`players.board.split`), and continues on the
next page marked 续; so no text is ever lost. A table's header row is repeated at the top of each
page it continues on, and a heading is kept with what follows it. Every line is broken by
:mod:`signage.text.linebreak`, so nothing runs off a cell or the page.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from players.board.canvas import GREY, LIGHT, PT, RED, Colour, Document, Fonts, Line, Page, Rect, Shape, Text
from players.board.columns import Column, narrowest, preferred, share_out, wrap_cell, wrap_header
from players.board.layout import BoardLayout
from players.board.split import cut_shapes, extent, find_cut, moved
from signage.text.linebreak import wrap
from signage.text.numerals import to_chinese

LEADING = 1.45  # line height as a multiple of the type size
CELL_PAD = 1.4  # mm inside table cells
MIN_SPLIT_ROOM = 25.0  # mm: less room than this left on a page, a tall row starts on the next
CONTINUED = "续"


@dataclass(slots=True)
class Row:
    height: float
    draw: Callable[[float, float], list[Shape]]  # (left, top) → shapes
    keep_with_next: bool = False
    header: Row | None = None  # repeated at the top of a page this row starts
    mark: Callable[[float, float], list[Shape]] | None = None  # drawn atop each continued part
    mark_height: float = 0.0  # room the mark takes above a continued part (0: drawn inside it)
    pad: float = 0.0  # space above a continued part's first line (a cell's padding)
    whole_boxes: bool = True  # cut between boxes rather than through one, when that is low enough


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
        y, at_top = self.layout.margin, True
        queue = deque(rows)
        while queue:
            row = queue.popleft()
            fresh = bottom - self._body_top(True) - (row.header.height if row.header else 0.0)
            following = 0.0
            if row.keep_with_next and queue:  # a heading with its section, or with a page's worth of it
                following = queue[0].height if queue[0].height <= fresh else MIN_SPLIT_ROOM
            fits = y + row.height + following <= bottom
            if not fits and not at_top:
                parts = self._split(row, bottom - y) if row.height > fresh and bottom - y >= MIN_SPLIT_ROOM \
                    else None
                if parts is None:
                    pages.append(Page(self.page_width, self.page_height))
                    y, at_top = self._continuation_header(pages[-1], running), True
                    if row.header is not None:
                        pages[-1].add(*row.header.draw(self.left, y))
                        y += row.header.height
                    queue.appendleft(row)
                    continue
                row = parts[0]
                queue.appendleft(parts[1])
            elif y + row.height > bottom:  # taller than a whole page: as much as fits here
                parts = self._split(row, bottom - y)
                if parts is not None:
                    row = parts[0]
                    queue.appendleft(parts[1])
            pages[-1].add(*row.draw(self.left, y))
            y += row.height
            at_top = False
        return pages

    def _split(self, row: Row, room: float) -> tuple[Row, Row] | None:
        """``row`` cut to fit ``room``: the part above the cut and the rest, marked 续."""
        shapes = row.draw(0.0, 0.0)
        cut = find_cut(shapes, room, prefer_whole_boxes=row.whole_boxes)
        if cut <= 1.0:
            return None
        above, below = cut_shapes(shapes, cut, row.pad)
        mark, lift = row.mark, row.mark_height

        def rest(x: float, y: float) -> list[Shape]:
            return moved(below, x, y + lift) + (mark(x, y) if mark else [])

        first = Row(cut, lambda x, y: moved(above, x, y), header=row.header)
        second = Row(max(extent_bottom(below), row.height - cut + row.pad) + lift, rest, header=row.header,
                     mark=mark, mark_height=lift, pad=row.pad, whole_boxes=row.whole_boxes)
        return first, second

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

    def _table(self, columns: Sequence[Column], cells: list[list[str]], *,
               size: float | None = None) -> list[Row]:
        """A header row and one row per entry of ``cells``, column widths from the content; the
        header repeats on each page, a row taller than a page continues on the next marked 续."""
        size = size or self.layout.table
        widths = self._widths(columns, cells, size)
        header = self._table_row(columns, widths, [c.title for c in columns], size, bold=True, fill=LIGHT)
        rows = [header]
        for row_cells in cells:
            row = self._table_row(columns, widths, row_cells, size)
            row.header = header
            rows.append(row)
        return rows

    def _least(self, columns: Sequence[Column], cells: list[list[str]], size: float) -> list[float]:
        """Each column's narrowest width (no header word, name or piece broken), padding included."""
        measure, bold = self.fonts.measure(size), self.fonts.measure(size, True)
        by_column = [[row[i] for row in cells] for i in range(len(columns))]
        return [narrowest(c, texts, measure, bold, size * PT) + 2 * CELL_PAD + 0.05
                for c, texts in zip(columns, by_column, strict=True)]

    def _widths(self, columns: Sequence[Column], cells: list[list[str]], size: float) -> list[float]:
        measure, bold = self.fonts.measure(size), self.fonts.measure(size, True)
        by_column = [[row[i] for row in cells] for i in range(len(columns))]
        least = self._least(columns, cells, size)
        wanted = [preferred(c, texts, measure, bold) + 2 * CELL_PAD + 0.05
                  for c, texts in zip(columns, by_column, strict=True)]
        return share_out(least, wanted, self.width)

    def _table_row(self, columns: Sequence[Column], widths: list[float], cells: list[str], size: float, *,
                   bold: bool = False, fill: Colour | None = None) -> Row:
        line = size * PT * LEADING
        measure = self.fonts.measure(size, bold)
        wrapped = [(wrap_header(c, w - 2 * CELL_PAD, measure) if bold else
                    wrap_cell(text, w - 2 * CELL_PAD, measure, c.breaks)) or [""]
                   for c, text, w in zip(columns, cells, widths, strict=True)]
        height = max(len(lines) for lines in wrapped) * line + 2 * CELL_PAD

        def draw(x: float, y: float) -> list[Shape]:
            shapes: list[Shape] = []
            left = x
            for column, lines, w in zip(columns, wrapped, widths, strict=True):
                shapes.append(Rect(left, y, w, height, stroke=(60, 60, 60), fill=fill, width=0.25))
                align = "centre" if bold else column.align
                for index, text in enumerate(lines):
                    baseline = y + CELL_PAD + index * line + (line + size * PT * 0.76) / 2
                    shapes.append(Text(_aligned(left, w, self.fonts.width(text, size, bold), align), baseline,
                                       text, size, bold=bold))
                left += w
            return shapes

        def mark(x: float, y: float) -> list[Shape]:
            baseline = y + CELL_PAD + (line + size * PT * 0.76) / 2
            left = _aligned(x, widths[0], self.fonts.width(CONTINUED, size), "centre")
            return [Text(left, baseline, CONTINUED, size, colour=GREY)]

        return Row(height, draw, mark=None if bold else mark, pad=CELL_PAD, whole_boxes=False)

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



def _aligned(left: float, width: float, text_width: float, align: str) -> float:
    if align == "centre":
        return left + (width - text_width) / 2
    if align == "right":
        return left + width - CELL_PAD - text_width
    return left + CELL_PAD


def extent_bottom(shapes: list[Shape]) -> float:
    return max((extent(s)[1] for s in shapes), default=0.0)
