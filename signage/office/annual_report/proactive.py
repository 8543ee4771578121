"""Table 2 (主动公开) from the catalogue where the catalogue knows the figure, the office's
figures everywhere else, and a note saying which is which.

The catalogue holds documents (notices) with their 文种 and dates, so it can count 规章 and
行政规范性文件 issued, repealed and in force; it holds power items, not the decisions taken on
them, nor fees collected, so 本年处理决定数量 and 行政事业性收费 come from the office's figures
only. A cell the office typed in ``content/annual/<year>.yaml`` always wins: the office may know
of documents the catalogue does not carry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from signage.catalogue.model import Notice
from signage.requests.tables import TABLE2_BLOCKS, Number

# 文种 that publish each kind of rule. 规章 are promulgated by 令 (《规章制定程序条例》第三十条);
# 行政规范性文件 bind the public and are issued as 决定、公告、通告 or 意见 — 通知, 函, 纪要 … are
# work documents and are not counted.
RULE_KINDS: dict[str, tuple[str, ...]] = {"规章": ("命令",),
                                          "行政规范性文件": ("决定", "公告", "通告", "意见")}
ISSUED, REPEALED, IN_FORCE = TABLE2_BLOCKS[0][1]
DECISION_ROWS = ("行政许可", "行政处罚", "行政强制", "行政事业性收费")


def count_rules(notices: Iterable[Notice], year: int) -> dict[str, dict[str, int]]:
    """规章 and 行政规范性文件: issued (成文日期 in ``year``), repealed (有效期至 in ``year``) and in
    force on 31 December (issued, in force from then or earlier, not expired by then). Only
    主动公开 documents that are not classified count: table 2 is about what was published."""
    end = dt.date(year, 12, 31)
    counts = {row: {ISSUED: 0, REPEALED: 0, IN_FORCE: 0} for row in RULE_KINDS}
    for notice in notices:
        row = next((r for r, kinds in RULE_KINDS.items() if notice.kind in kinds), None)
        if row is None or notice.date is None or notice.disclosure != "主动公开" or notice.classification:
            continue
        cells = counts[row]
        cells[ISSUED] += notice.date.year == year
        cells[REPEALED] += notice.valid_until is not None and notice.valid_until.year == year
        cells[IN_FORCE] += (notice.date <= end and (notice.valid_from or notice.date) <= end
                            and (notice.valid_until is None or notice.valid_until > end))
    return counts


def merge(catalogue: dict[str, dict[str, int]], typed: dict[str, dict[str, Number]], *,
          figures_file: str) -> tuple[dict[str, dict[str, Number]], list[str]]:
    """Table 2's cells (typed by the office where given, else counted from the catalogue) and the
    report's notes on where they came from and what is missing."""
    cells: dict[str, dict[str, Number]] = {row: dict(columns) for row, columns in typed.items()}
    counted: dict[str, list[str]] = {}
    for row, columns in catalogue.items():
        for column, value in columns.items():
            if column not in cells.get(row, {}):
                cells.setdefault(row, {})[column] = value
                counted.setdefault(row, []).append(column)
    notes = []
    if counted:
        which = "；".join(f"{row}的{'、'.join(columns)}（文种：{'、'.join(RULE_KINDS[row])}）"
                          for row, columns in counted.items())
        notes.append(f"表二中{which}按内容目录中主动公开的公文、依成文日期和有效期统计；"
                     f"其余数字由政务公开办公室填写（{figures_file}）。")
    missing = [row for row in DECISION_ROWS if not typed.get(row)]
    if missing:
        notes.append(f"表二中{'、'.join(missing)}的数字未填写，按 0 列出：内容目录只有事项，"
                     f"没有处理决定和收费金额，请在 {figures_file} 的“主动公开”下填写。")
    return cells, notes
