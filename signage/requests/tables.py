"""The annual report's tables 2, 3 and 4 in the exact rows and columns of 国办公开办函〔2021〕30号,
filled from the register (3, 4) and the office's figures (2), and table 3's own sum rules.

A row is named by up to three labels, as in the official table (三、本年度办理结果 → （三）不予公开 →
1.属于国家秘密); cells are counts per column. ``sum_problems`` names every cell that breaks a rule,
so a report is refused with the cell to fix rather than printed wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from signage.requests.register import Request
from signage.requests.store import Case
from signage.requests.vocab import (
    APPLICANTS,
    CASE_KINDS,
    CASE_RESULTS,
    GROUP_LABELS,
    GROUP_NUMBERS,
    GROUPS,
    TABLE3_COLUMNS,
    TABLE4_COLUMNS,
)

Number = int | Decimal

NEW = ("一、本年新收政府信息公开申请数量",)
CARRIED_IN = ("二、上年结转政府信息公开申请数量",)
RESULTS = "三、本年度办理结果"
TOTAL = (RESULTS, "（七）总计")
CARRIED_OUT = ("四、结转下年度继续办理",)


@dataclass(slots=True)
class Table:
    """A table: its name, columns, and rows (labels → one value per column)."""

    name: str
    columns: tuple[str, ...]
    rows: dict[tuple[str, ...], list[Number]] = field(default_factory=dict)

    def cell(self, row: tuple[str, ...], column: str) -> Number:
        return self.rows[row][self.columns.index(column)]

    def set(self, row: tuple[str, ...], column: str, value: Number) -> None:
        self.rows[row][self.columns.index(column)] = value


@dataclass(frozen=True, slots=True)
class SumProblem:
    """A cell that breaks one of the table's rules, with the values that show it."""

    table: str
    row: tuple[str, ...]
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.table}“{self.row[-1]}”行“{self.column}”列：{self.message}"


def outcome_rows() -> list[tuple[str, ...]]:
    """The rows of 本年度办理结果 that hold counts, in the official order."""
    rows = []
    for number, (group, items) in zip(GROUP_NUMBERS, GROUPS, strict=True):
        label = f"{number}{GROUP_LABELS.get(group, group)}"
        if not items:
            rows.append((RESULTS, label))
        rows += [(RESULTS, label, f"{n}.{item}") for n, item in enumerate(items, 1)]
    return rows


def _outcome_row_of(key: str) -> tuple[str, ...]:
    index = 0
    for group, items in GROUPS:
        for item in items or ("",):
            if (f"{group}/{item}" if item else group) == key:
                return outcome_rows()[index]
            index += 1
    raise KeyError(key)


def empty_table3() -> Table:
    rows = [NEW, CARRIED_IN, *outcome_rows(), TOTAL, CARRIED_OUT]
    return Table("表三", TABLE3_COLUMNS, {row: [0] * len(TABLE3_COLUMNS) for row in rows})


def table3(requests: Iterable[Request], year: int) -> Table:
    """收到和处理政府信息公开申请情况 for ``year``: received this year (一), received before and still
    open on 1 January (二), answered this year by outcome (三), open on 31 December (四)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    table = empty_table3()
    lookup = {key: _outcome_row_of(key) for key in _outcome_keys()}
    for request in requests:
        if request.received > end:
            continue
        column = APPLICANTS.index(request.applicant)
        answered = request.answered
        if request.received >= start:
            table.rows[NEW][column] += 1
        elif answered is None or answered >= start:
            table.rows[CARRIED_IN][column] += 1
        else:
            continue  # answered in an earlier year: that year's report
        if answered is not None and answered <= end:
            table.rows[lookup[request.outcome]][column] += 1
        else:
            table.rows[CARRIED_OUT][column] += 1
    fill_totals(table)
    return table


def _outcome_keys() -> list[str]:
    return [f"{g}/{i}" if i else g for g, items in GROUPS for i in items or ("",)]


Cell = tuple[tuple[str, ...], str]


def fill_totals(table: Table, keep: frozenset[Cell] | set[Cell] = frozenset()) -> None:
    """The 总计 column of every row and the （七）总计 row, except cells in ``keep`` (given by hand)."""
    last = len(APPLICANTS)
    for row in outcome_rows():
        _row_total(table, row, keep, last)
    for column in range(len(TABLE3_COLUMNS)):
        if (TOTAL, TABLE3_COLUMNS[column]) not in keep:
            table.rows[TOTAL][column] = sum(table.rows[r][column] for r in outcome_rows())
    for row in (NEW, CARRIED_IN, CARRIED_OUT):
        _row_total(table, row, keep, last)


def _row_total(table: Table, row: tuple[str, ...], keep: frozenset[Cell] | set[Cell], last: int) -> None:
    if (row, "总计") not in keep:
        table.rows[row][last] = sum(table.rows[row][:last])


def sum_problems(table: Table) -> list[SumProblem]:
    """Every cell of table 3 that breaks its rules: a row's 总计 is the sum of its six columns;
    （七）总计 is the sum of the outcomes; 一 + 二 = （七）总计 + 四 in every column."""
    problems = []
    last = len(APPLICANTS)
    for row, values in table.rows.items():
        if sum(values[:last]) != values[last]:
            problems.append(SumProblem(table.name, row, "总计",
                                       f"应为本行各列之和 {sum(values[:last])}，实为 {values[last]}"))
    for column, name in enumerate(table.columns):
        outcomes = sum(table.rows[r][column] for r in outcome_rows())
        if outcomes != table.rows[TOTAL][column]:
            problems.append(SumProblem(table.name, TOTAL, name,
                                       f"应为各项办理结果之和 {outcomes}，实为 {table.rows[TOTAL][column]}"))
        came = table.rows[NEW][column] + table.rows[CARRIED_IN][column]
        went = table.rows[TOTAL][column] + table.rows[CARRIED_OUT][column]
        if came != went:
            problems.append(SumProblem(
                table.name, CARRIED_OUT, name,
                f"本年新收 + 上年结转 = {came}，而办理结果总计 + 结转下年度 = {went}，两者应相等"))
    return problems


def table4(cases: Iterable[Case], year: int) -> Table:
    """政府信息公开行政复议、行政诉讼情况: one row, 15 columns (each kind's four results and 总计)."""
    table = Table("表四", TABLE4_COLUMNS, {("行政复议、行政诉讼",): [0] * len(TABLE4_COLUMNS)})
    values = table.rows[("行政复议、行政诉讼",)]
    for case in cases:
        if case.year != year:
            continue
        kind = CASE_KINDS.index(case.kind)
        values[kind * 5 + CASE_RESULTS.index(case.result)] += 1
        values[kind * 5 + 4] += 1
    return table


# table 2: 主动公开政府信息情况, four blocks as the official table prints them
TABLE2_BLOCKS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"), ("规章", "行政规范性文件")),
    ("第二十条第（五）项", ("本年处理决定数量",), ("行政许可",)),
    ("第二十条第（六）项", ("本年处理决定数量",), ("行政处罚", "行政强制")),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",), ("行政事业性收费",)),
)


def table2(figures: dict[str, dict[str, Number]]) -> list[Table]:
    """One table per block, filled from ``figures`` (row → column → value); 0 where not given."""
    tables = []
    for block, columns, rows in TABLE2_BLOCKS:
        table = Table(block, columns, {(row,): [figures.get(row, {}).get(c, 0) for c in columns]
                                       for row in rows})
        tables.append(table)
    return tables
