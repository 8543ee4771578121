"""The annual report (政府信息公开工作年度报告) of one organ for one year, as 条例第五十条 orders it:
six sections, with tables 2, 3 and 4 where the official format puts them.

Built from the register (table 3: requests; table 4: review and litigation cases) and the
office's figures for table 2 and the written sections. A report whose table 3 breaks its sum
rule is refused (:class:`ReportRefused` names each cell) rather than printed wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from signage.requests.register import Request
from signage.requests.store import Case
from signage.requests.tables import (
    Number,
    SumProblem,
    Table,
    fill_totals,
    sum_problems,
    table2,
    table3,
    table4,
)

SECTIONS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
            "六、其他需要报告的事项")
# the written parts, by the key the figures file uses
TEXT_KEYS = {"总体情况": SECTIONS[0], "问题及改进": SECTIONS[4], "其他": SECTIONS[5]}
NO_TEXT = "（未填写）"


@dataclass(slots=True)
class Figures:
    """What the office supplies: the organ's name, the written sections, table 2's figures and,
    for requests handled before the register existed, cells of table 3 typed by hand."""

    organ: str = ""
    texts: dict[str, str] = field(default_factory=dict)  # TEXT_KEYS key → text
    proactive: dict[str, dict[str, Number]] = field(default_factory=dict)  # table 2: row → column → value
    table3_cells: dict[tuple[tuple[str, ...], str], int] = field(default_factory=dict)


@dataclass(slots=True)
class AnnualReport:
    year: int
    organ: str
    scope: str  # a unit id, or "county"
    texts: dict[str, str]  # section title → text
    table2: list[Table]
    table3: Table
    table4: Table
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.organ}{self.year}年政府信息公开工作年度报告"

    def text(self, section: str) -> str:
        return self.texts.get(section, "") or NO_TEXT


class ReportRefused(ValueError):
    """Table 3 breaks its own rule: every offending cell, so the office knows what to fix."""

    def __init__(self, problems: list[SumProblem]) -> None:
        self.problems = problems
        super().__init__("年度报告未生成：表三不符合“本年新收 + 上年结转 = 办理结果 + 结转下年度”等规则——"
                         + "；".join(str(p) for p in problems))


def build_report(year: int, scope: str, requests: list[Request], cases: list[Case],
                 figures: Figures) -> AnnualReport:
    """The report, or :class:`ReportRefused` when table 3 (with any hand-typed cells) does not add up."""
    t3 = table3(requests, year)
    notes = []
    if figures.table3_cells:
        for (row, column), value in figures.table3_cells.items():
            t3.set(row, column, t3.cell(row, column) + value)
        fill_totals(t3, keep={cell for cell in figures.table3_cells if cell[1] == "总计"
                              or cell[0][-1] == "（七）总计"})
        notes.append(f"表三含手工补录的 {len(figures.table3_cells)} 个单元格（登记簿启用前办理的申请）。")
    problems = sum_problems(t3)
    if problems:
        raise ReportRefused(problems)
    texts = {TEXT_KEYS[key]: text for key, text in figures.texts.items() if key in TEXT_KEYS}
    return AnnualReport(year, figures.organ, scope, texts, table2(figures.proactive), t3,
                        table4(cases, year), notes)
