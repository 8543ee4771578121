"""A unit's public notice board (行政权力运行公开栏) laid out as pages of shapes.

Sections are rows for :class:`~players.board.typeset.Typesetter`: headings, paragraph lines,
the item table (its header repeated on every page it continues on, columns sized from the
content), rows of flowcharts (a chart that fits on a page is never cut; a taller one continues
under （续上页）), and the supervision box with its QR code. The footer carries the content digest,
the same on a preview and on the print station's sheet.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import segno

from players.board.canvas import (
    GREY,
    PT,
    RED,
    Document,
    Line,
    Picture,
    Rect,
    Shape,
    Text,
)
from players.board.columns import Column
from players.board.layout import BoardLayout
from players.board.typeset import LEADING, Row, Typesetter
from players.plan import Entry
from signage.diagrams.flowchart import layout_flowchart, placed
from signage.text.dates import format_date
from signage.text.linebreak import wrap
from signage.text.numerals import to_chinese

WORDS = "words"
COLUMNS: tuple[Column, ...] = (
    Column(("序号",), "centre"), Column(("事项编码",)), Column(("事项名称",)),
    Column(("权力类型",), breaks=WORDS), Column(("设定依据",)), Column(("法定时限",), "centre", "whole"),
    Column(("承诺时限",), "centre", "whole"),
    Column(("收费",), breaks=WORDS), Column(("承办机构",), breaks=WORDS),
)
# Narrow paper (A4 portrait): the code under the name, both time limits in one column.
COMPACT: tuple[Column, ...] = (
    Column(("序号",), "centre"), Column(("事项名称", "及编码")), Column(("权力类型",), breaks=WORDS),
    Column(("设定依据",)), Column(("时限",), "centre", "whole"), Column(("收费",), breaks=WORDS),
    Column(("承办机构",), breaks=WORDS),
)
FULL_TABLE_SHARE = 0.72  # the full table is used while its narrowest columns take at most this share


@dataclass(frozen=True, slots=True)
class BoardContent:
    """What one board shows: a unit, its power items, and where and when it was published."""

    unit: dict[str, Any]
    items: tuple[Entry, ...]
    county: dict[str, Any]
    version: int
    published: dt.date

    def digest(self, layout: BoardLayout) -> str:
        """Hash of everything printed except the date: unchanged content is never reprinted."""
        text = json.dumps({"unit": self.unit, "items": [e.ref for e in self.items],
                           "county": self.county, "layout": repr(layout)}, sort_keys=True,
                          ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


class BoardComposer(Typesetter):
    """The sections of a board, in the order a 公开栏 reads: who, duties, rules, items, flows,
    whom to call."""

    # -- the document --------------------------------------------------------------------

    def compose(self, board: BoardContent) -> Document:
        self._section = 0
        unit_name = str(board.unit.get("name") or "")
        rows = [*self._title(unit_name), *self._duties(board.unit), *self._rules(board.unit),
                *self._items(board.items), *self._flowcharts(board.items), *self._supervision(board)]
        left = f"发布日期：{format_date(board.published)}"
        if board.version:
            left += f"　版本：{board.version}"
        left += f"　内容：{board.digest(self.layout)[:8]}"
        county = board.county
        return self.typeset(rows, title=f"{unit_name}{self.layout.title}",
                            running=f"{unit_name}{self.layout.title}", footer_left=left,
                            footer_right=str(county.get("office") or ""), subject="政务公开",
                            author=str(county.get("office") or county.get("name") or ""),
                            keywords="行政权力 公开栏 " + unit_name)

    # -- sections ------------------------------------------------------------------------

    def _title(self, unit_name: str) -> list[Row]:
        big, name_size = 26 * self.layout.scale, 15 * self.layout.scale
        rows = self._centred_lines(unit_name, name_size, bold=True)
        rows += self._centred_lines(self.layout.title, big, bold=True, colour=RED)

        def rules(x: float, y: float) -> list[Shape]:
            return [Line(x, y + 1.0, x + self.width, y + 1.0, 1.2, RED),
                    Line(x, y + 2.6, x + self.width, y + 2.6, 0.35, RED)]

        return [*rows, Row(6.0, rules)]

    def _duties(self, unit: dict[str, Any]) -> list[Row]:
        duties = [str(d) for d in unit.get("duties") or [] if str(d).strip()]
        if not duties:
            return []
        rows = [self._heading("主要职责")]
        for number, duty in enumerate(duties, 1):
            rows += self._paragraph(f"（{to_chinese(number)}）{duty}", self.layout.body, hanging=True)
        return [*rows, self._gap(2.0)]

    def _rules(self, unit: dict[str, Any]) -> list[Row]:
        rules = [r for r in unit.get("rules") or [] if isinstance(r, dict)]
        if not rules:
            return []
        rows = [self._heading("工作制度")]
        for rule in rules:
            title = str(rule.get("title") or "")
            rows.append(self._text_row(title, self.layout.body, bold=True, keep=True))
            rows += self._paragraph(str(rule.get("text") or ""), self.layout.body, indent_first=True)
        return [*rows, self._gap(2.0)]

    def _items(self, items: tuple[Entry, ...]) -> list[Row]:
        rows = [self._heading(f"行政权力事项目录（共 {len(items)} 项，时限以工作日计）")]
        if not items:
            return rows + self._paragraph("本单位暂无公开的行政权力事项。", self.layout.body)
        return [*rows, *self._table(*self.item_table(items)), self._gap(3.0)]

    def item_table(self, items: tuple[Entry, ...]) -> tuple[tuple[Column, ...], list[list[str]]]:
        """The full table when the paper is wide enough for it, else the compact one."""
        full = [_cells(n, entry.data) for n, entry in enumerate(items, 1)]
        if sum(self._least(COLUMNS, full, self.layout.table)) <= FULL_TABLE_SHARE * self.width:
            return COLUMNS, full
        return COMPACT, [_compact(row) for row in full]

    def _flowcharts(self, items: tuple[Entry, ...]) -> list[Row]:
        charted = [e for e in items if (e.data.get("flowchart") or {}).get("steps")]
        if not charted:
            return []
        rows = [self._heading("办理流程图")]
        columns = self.layout.flow_columns
        gutter = 6.0
        cell = (self.width - gutter * (columns - 1)) / columns
        for start in range(0, len(charted), columns):
            cells = [self._flow_cell(entry, cell) for entry in charted[start:start + columns]]
            rows.append(self._cells_row(cells, cell + gutter))
        return rows

    def _flow_cell(self, entry: Entry, width: float) -> tuple[float, Callable[[float, float], list[Shape]]]:
        size, title_size = self.layout.flow, self.layout.body
        title = f"{entry.data.get('name', '')}（{entry.data.get('code', entry.key)}）"
        lines = wrap(title, width, self.fonts.measure(title_size, True))
        line = title_size * PT * LEADING
        chart = layout_flowchart(list(entry.data["flowchart"]["steps"]), width, self.fonts, size=size)
        height = len(lines) * line + 1.5 + chart.height + 6.0

        def draw(x: float, y: float) -> list[Shape]:
            shapes: list[Shape] = [Text(x + (width - self.fonts.width(t, title_size, True)) / 2,
                                        y + (i + 0.8) * line, t, title_size, bold=True)
                                   for i, t in enumerate(lines)]
            return shapes + placed(chart, x + (width - chart.width) / 2, y + len(lines) * line + 1.5)

        return height, draw

    def _cells_row(self, cells: list[tuple[float, Callable[[float, float], list[Shape]]]],
                   step: float) -> Row:
        height = max(h for h, _ in cells)

        def draw(x: float, y: float) -> list[Shape]:
            shapes: list[Shape] = []
            for index, (_, cell) in enumerate(cells):
                shapes += cell(x + index * step, y)
            return shapes

        size = self.layout.small
        line = size * PT * LEADING

        def mark(x: float, y: float) -> list[Shape]:
            return [Text(x, y + (line + size * PT * 0.76) / 2, "（续上页）", size, colour=GREY)]

        return Row(height, draw, mark=mark, mark_height=line + 1.0)

    def _supervision(self, board: BoardContent) -> list[Row]:
        unit, county = board.unit, board.county
        facts = [("监督电话", unit.get("supervision_phone")), ("投诉电话", unit.get("complaint_phone")),
                 ("咨询电话", unit.get("consult_phone")),
                 ("县政务公开监督电话", county.get("supervision_phone")),
                 ("办公地址", unit.get("address")), ("办公时间", unit.get("hours"))]
        lines = [f"{label}：{value}" for label, value in facts if value]
        url = _column_url(str(county.get("online_url") or ""), str(unit.get("id") or ""))
        qr_size = 30.0 * self.layout.scale if url else 0.0
        size = self.layout.body
        text_width = self.width - qr_size - 8.0
        wrapped = [w for text in lines for w in wrap(text, text_width, self.fonts.measure(size, False))]
        line = size * PT * LEADING
        height = max(len(wrapped) * line, qr_size + 5.0) + 4.0

        def draw(x: float, y: float) -> list[Shape]:
            shapes: list[Shape] = [Rect(x, y, self.width, height, stroke=RED, width=0.5)]
            shapes += [Text(x + 4.0, y + 2.0 + (i + 0.8) * line, t, size, bold=t.startswith("监督电话"))
                       for i, t in enumerate(wrapped)]
            if url:
                qr_x = x + self.width - qr_size - 4.0
                shapes.append(Picture(qr_x, y + 2.0, qr_size, qr_size, _qr_png(url)))
                caption = "扫码查看网上公开"
                shapes.append(Text(qr_x + (qr_size - self.fonts.width(caption, self.layout.small)) / 2,
                                   y + qr_size + 4.5, caption, self.layout.small, colour=GREY))
            return shapes

        return [self._heading("监督投诉"), Row(height, draw, pad=2.0, whole_boxes=False)]

    # -- text rows -----------------------------------------------------------------------


def _cells(number: int, data: dict[str, Any]) -> list[str]:
    fee = data.get("fee") or {}
    charged = str(fee.get("charged") or "")
    fee_text = "不收费" if charged in ("否", "") else "；".join(
        str(p) for p in (fee.get("standard"), fee.get("basis")) if p) or "收费"
    basis = data.get("legal_basis") or []
    return [str(number), str(data.get("code") or ""), str(data.get("name") or ""),
            str(data.get("power_type_declared") or data.get("power_type") or ""),
            "\n".join(str(b) for b in basis) if isinstance(basis, list) else str(basis),
            _days(data.get("statutory_days")), _days(data.get("promised_days")), fee_text,
            str(data.get("department") or data.get("implementing_unit") or "")]


def _compact(cells: list[str]) -> list[str]:
    number, code, name, kind, basis, statutory, promised, fee, department = cells
    named = f"{name}\n{code}" if code else name
    return [number, named, kind, basis, f"法定 {statutory}\n承诺 {promised}", fee, department]


def _days(value: Any) -> str:
    return str(value) if value not in (None, "") else "—"


def _column_url(template: str, unit_id: str = "") -> str:
    """The unit's page of the online column: the item page template up to its item part, with
    the unit filled in (``…/xzql/{unit}/{code}.html`` → ``…/xzql/renshe/``)."""
    head = template.split("{code}", 1)[0] if template else ""
    if "{unit}" in head and unit_id:
        head = head.replace("{unit}", unit_id)
    return head.split("{", 1)[0]


def _qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=4, border=2)
    return buffer.getvalue()
