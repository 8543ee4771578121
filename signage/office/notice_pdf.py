"""Rectification notices (整改意见书) as PDF, in the boards' typography.

The same findings as the Markdown notice (``signage rectify``), set as an A4 document the
office can sign, stamp and send: title, the unit addressed, what was checked, a table of
findings (most serious first, the header repeated on every page), and the office and date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from players.board.canvas import RED, Document, Fonts
from players.board.layout import BoardLayout
from players.board.pdf import write_pdf
from players.board.typeset import Row, Typesetter
from signage.catalogue.findings import Finding
from signage.catalogue.model import Unit
from signage.text.dates import format_date

COLUMNS = (("序号", 0.055), ("级别", 0.065), ("规则", 0.115), ("位置", 0.19), ("事项/字段", 0.14),
           ("问题", 0.21), ("整改意见", 0.225))
NOTICE_LAYOUT = BoardLayout(paper="A4", orientation="portrait", margin=20.0, title="政务公开内容整改意见书")


class NoticeComposer(Typesetter):
    def compose(self, unit: Unit, findings: list[Finding], office: str, date: dt.date) -> Document:
        self._section = 0
        office = office or "政务公开办公室"
        errors = sum(1 for f in findings if f.is_error)
        title = f"{unit.display_name}{self.layout.title}"
        rows = self._centred_lines(title, 17 * self.layout.scale + 3, bold=True, colour=RED)
        rows += [self._gap(4.0), self._text_row(f"{unit.display_name}：", self.layout.body)]
        rows += self._paragraph(
            f"经{office}检查，你单位报送的政务公开内容存在以下问题，共 {len(findings)} 项（其中错误 "
            f"{errors} 项，须整改后方可发布；其余为规范性建议）。请对照整改意见逐项整改，整改后重新报送。",
            self.layout.body, indent_first=True)
        rows += [self._gap(3.0), *self._table(COLUMNS, _cells(findings)), self._gap(10.0)]
        rows += self._signature(office, date)
        return self.typeset(rows, title=title, running=title, footer_left=format_date(date),
                            footer_right=office, subject="整改意见书", author=office,
                            keywords="政务公开 整改 " + unit.display_name)

    def _signature(self, office: str, date: dt.date) -> list[Row]:
        rows = []
        for text in (office, format_date(date)):
            indent = self.width - self.fonts.width(text, self.layout.body) - 8.0
            rows.append(self._text_row(text, self.layout.body, indent=indent))
        return rows


def _cells(findings: list[Finding]) -> list[list[str]]:
    ordered = sorted(findings, key=lambda f: (f.severity.rank, f.sort_key()))
    return [[str(n), f.severity.label, f.rule.id, _short(str(f.location)),
             " / ".join(filter(None, [f.subject, f.field])), f.message, f.advice]
            for n, f in enumerate(ordered, 1)]


def _short(location: str) -> str:
    """powers.yaml:496 rather than units/taixi/powers.yaml:496: the notice is to that unit."""
    parts = location.split("/")
    return "/".join(parts[2:]) if len(parts) > 2 and parts[0] == "units" else location


def write_notice_pdf(path: Path, unit: Unit, findings: list[Finding], office: str, date: dt.date,
                     fonts: Fonts | None = None) -> Path:
    fonts = fonts or Fonts()
    write_pdf(NoticeComposer(NOTICE_LAYOUT, fonts).compose(unit, findings, office, date), path, fonts)
    return path
