"""The report as a print-ready A4 PDF in the boards' typography (fpdf2, subset Noto Sans CJK):
title, the six sections, the tables with their header repeated on each page.

Merged heads cannot be drawn by the boards' table rows, so table 3's labels keep their
hierarchy by indentation and table 4 has one row per kind of case: the same cells as the official
table (the XLSX keeps the exact layout)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from players.board.canvas import RED, Document, Fonts
from players.board.columns import Column
from players.board.layout import BoardLayout
from players.board.pdf import write_pdf
from players.board.typeset import Row, Typesetter
from signage.requests.annual import SECTIONS, AnnualReport
from signage.requests.tables import outcome_rows
from signage.requests.vocab import CASE_KINDS, CASE_RESULTS, TABLE3_COLUMNS
from signage.text.dates import format_date
from signage.text.fonts import find_cjk_font

REPORT_LAYOUT = BoardLayout(paper="A4", orientation="portrait", margin=18.0, title="政府信息公开工作年度报告")


def _number(value: object) -> str:
    return f"{value:g}" if not isinstance(value, int) else str(value)


class ReportComposer(Typesetter):
    def compose(self, report: AnnualReport, date: dt.date) -> Document:
        self._section = 0
        rows = self._centred_lines(report.title, 16 * self.layout.scale + 2, bold=True, colour=RED)
        rows.append(self._gap(4.0))
        for section in SECTIONS:
            rows.append(self._heading(section[2:]))
            rows += self._body(report, section)
            rows.append(self._gap(3.0))
        for note in report.notes:
            rows += self._paragraph(note, self.layout.small)
        return self.typeset(rows, title=report.title, running=report.title, footer_left=format_date(date),
                            footer_right=report.organ, subject="政府信息公开工作年度报告",
                            author=report.organ, keywords=f"政府信息公开 年度报告 {report.year}")

    def _body(self, report: AnnualReport, section: str) -> list[Row]:
        if section == SECTIONS[1]:
            rows: list[Row] = []
            for table in report.table2:
                columns = _columns("信息内容", table.columns)
                rows.append(self._text_row(table.name, self.layout.small, bold=True))
                rows += self._table(columns, [[label, *map(_number, values)]
                                              for (label,), values in table.rows.items()])
                rows.append(self._gap(2.0))
            return rows
        if section == SECTIONS[2]:
            return self._table3(report)
        if section == SECTIONS[3]:
            columns = _columns("案件类别", (*CASE_RESULTS, "总计"))
            values = next(iter(report.table4.rows.values()))
            cells = [[("行政诉讼·" if k else "") + kind, *map(str, values[k * 5:k * 5 + 5])]
                     for k, kind in enumerate(CASE_KINDS)]
            return self._table(columns, cells)
        return [*self._paragraph(report.text(section), self.layout.body, indent_first=True)]

    def _table3(self, report: AnnualReport) -> list[Row]:
        columns = _columns("项目（一＋二＝三＋四）", TABLE3_COLUMNS)
        blank = [""] * len(TABLE3_COLUMNS)
        first, cells, group = outcome_rows()[0], [], ""
        for row, values in report.table3.rows.items():
            if row == first:
                cells.append([row[0], *blank])
            if len(row) == 3 and row[1] != group:
                cells.append([f"　{row[1]}", *blank])
                group = row[1]
            label = f"　　{row[2]}" if len(row) == 3 else f"　{row[1]}" if len(row) == 2 else row[0]
            cells.append([label, *map(str, values)])
        rows = self._table(columns, cells)
        for row, cell in zip(rows[1:], cells, strict=True):
            row.keep_with_next = not cell[1]  # a group's heading never ends a page alone
        return rows


def write_report_pdf(report: AnnualReport, path: Path, date: dt.date, fonts: Fonts | None = None) -> Path:
    """One CJK face for both weights (headings in synthetic bold): embedding and subsetting a
    second face was half the PDF's time."""
    if fonts is None:
        regular = find_cjk_font()
        fonts = Fonts(regular, regular)
    write_pdf(ReportComposer(REPORT_LAYOUT, fonts).compose(report, date), path, fonts)
    return path


def _columns(label: str, figures: tuple[str, ...] | list[str]) -> tuple[Column, ...]:
    """The label column, then one centred column per figure; widths come from the content (the
    boards' typesetter). The official headings are long for their narrow columns, so they may
    break between pairs of characters (社会/公益/组织), never inside a number."""
    return (Column(_pairs(label)), *(Column(_pairs(name), "centre", "whole") for name in figures))


def _pairs(heading: str) -> tuple[str, ...]:
    return tuple(heading[i:i + 2] for i in range(0, len(heading), 2)) or ("",)
