"""Rectification notices (整改意见书) as PDF, laid out as an official notice (GB/T 9704 elements).

From the top: the issuing office in red (发文机关标志) with the document number (发文字号) above a
red rule, the title, the unit addressed (主送机关), the body (正文) with the findings in a table
whose columns take their widths from the content (问题 and 整改意见 get the room, 序号 and 级别
only what they need), the deadline (整改期限) and whom to call, then the office (落款) and the
date (成文日期). A paragraph never leaves a single line at the top or foot of a page, and a
finding's row is never split unless it is taller than a page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from players.board.canvas import RED, Document, Fonts, Line, Shape
from players.board.columns import Column
from players.board.layout import BoardLayout
from players.board.pdf import write_pdf
from players.board.typeset import Row, Typesetter
from signage.catalogue.findings import Finding
from signage.catalogue.model import Unit
from signage.office.notice_facts import NoticeFacts
from signage.text.dates import format_date

COLUMNS = (Column(("序号",), "centre"), Column(("事项/字段",)), Column(("问题",)), Column(("整改意见",)),
           Column(("级别",), "centre", "whole"), Column(("规则/位置",)))
NOTICE_LAYOUT = BoardLayout(paper="A4", orientation="portrait", margin=20.0, title="整改意见书")


class NoticeComposer(Typesetter):
    def compose(self, unit: Unit, findings: list[Finding], office: str, date: dt.date, *,
                facts: NoticeFacts | None = None) -> Document:
        self._section = 0
        facts = facts or NoticeFacts()
        office = office or "政务公开办公室"
        body = self.layout.body
        errors = sum(1 for f in findings if f.is_error)
        title = f"关于{unit.display_name}政务公开内容的{self.layout.title}"
        rows = self._masthead(office, facts.number)
        rows += self._centred_lines(title, body * 1.6, bold=True)
        rows += [self._gap(4.0), self._text_row(f"{unit.display_name}：", body)]
        rows += self._kept(self._paragraph(
            f"经{office}检查，你单位报送的政务公开内容存在以下问题，共 {len(findings)} 项（其中错误 "
            f"{errors} 项，须整改后方可发布；其余为规范性建议）。请对照整改意见逐项整改，"
            f"于{facts.deadline_text}整改完毕并重新报送。", body, indent_first=True))
        rows += [self._gap(3.0), *self._table(COLUMNS, _cells(findings), size=body - 1.5), self._gap(4.0)]
        rows += self._kept(self._paragraph(f"整改期限：{facts.deadline_text}。", body, indent_first=True))
        contact = "　".join(filter(None, [f"联系人：{facts.contact}" if facts.contact else "",
                                         f"联系电话：{facts.phone}" if facts.phone else ""]))
        if contact:
            rows += self._kept(self._paragraph(contact, body, indent_first=True))
        rows += [self._gap(12.0), *self._signature(office, date)]
        return self.typeset(rows, title=title, running=title, footer_left=facts.number or format_date(date),
                            footer_right=office, subject="整改意见书", author=office,
                            keywords="政务公开 整改 " + unit.display_name)

    def _masthead(self, office: str, number: str) -> list[Row]:
        """发文机关标志 in red, centred; the 发文字号 under it; a red rule across the page."""
        rows = self._centred_lines(office, self.layout.body * 2.0, bold=True, colour=RED)
        rows.append(self._gap(2.0))
        if number:
            rows += self._centred_lines(number, self.layout.body)

        def rule(x: float, y: float) -> list[Shape]:
            return [Line(x, y + 2.0, x + self.width, y + 2.0, 0.8, RED)]

        return [*rows, Row(7.0, rule)]

    def _kept(self, rows: list[Row]) -> list[Row]:
        """A paragraph's lines with no lone first or last line on a page (widows, orphans)."""
        if len(rows) > 1:
            rows[0].keep_with_next = True
            rows[-2].keep_with_next = True
        return rows

    def _signature(self, office: str, date: dt.date) -> list[Row]:
        rows = []
        for text in (office, format_date(date)):
            indent = self.width - self.fonts.width(text, self.layout.body) - 8.0
            rows.append(self._text_row(text, self.layout.body, indent=max(indent, 0.0)))
        rows[0].keep_with_next = True
        return rows


def _cells(findings: list[Finding]) -> list[list[str]]:
    ordered = sorted(findings, key=lambda f: (f.severity.rank, f.sort_key()))
    return [[str(n), "\n".join(filter(None, [f.subject, f.field])), f.message, f.advice, f.severity.label,
             f"{f.rule.id}\n{_short(str(f.location))}"]
            for n, f in enumerate(ordered, 1)]


def _short(location: str) -> str:
    """powers.yaml:496 rather than units/taixi/powers.yaml:496: the notice is to that unit."""
    parts = location.split("/")
    return "/".join(parts[2:]) if len(parts) > 2 and parts[0] == "units" else location


def write_notice_pdf(path: Path, unit: Unit, findings: list[Finding], office: str, date: dt.date,
                     fonts: Fonts | None = None, *, facts: NoticeFacts | None = None) -> Path:
    fonts = fonts or Fonts()
    document = NoticeComposer(NOTICE_LAYOUT, fonts).compose(unit, findings, office, date, facts=facts)
    write_pdf(document, path, fonts)
    return path
