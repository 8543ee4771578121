"""The report's tables as grids of cells with merged ranges, exactly as the official format lays
them out (国办公开办函〔2021〕30号): what XLSX, CSV, HTML and PDF all draw from."""

from __future__ import annotations

from dataclasses import dataclass, field

from signage.requests.annual import AnnualReport
from signage.requests.tables import CARRIED_IN, CARRIED_OUT, NEW, TOTAL, Table, outcome_rows
from signage.requests.vocab import CASE_RESULTS, ORGANISATION_HEAD, ORGANISATIONS

Cell = str | int | float
TABLE3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(slots=True)
class Grid:
    """Rows of cells; ``header`` rows at the top; merges as (row, col, last_row, last_col), 0-based."""

    name: str
    title: str
    rows: list[list[Cell]] = field(default_factory=list)
    header: int = 1
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


def _value(v: object) -> Cell:
    return float(v) if not isinstance(v, int) else v  # Decimal money → float for spreadsheets


def table2_grid(report: AnnualReport) -> Grid:
    grid = Grid("表二", "二、主动公开政府信息情况", header=0)
    for table in report.table2:
        start = len(grid.rows)
        width = 1 + len(table.columns)
        grid.rows.append([table.name] + [""] * (width - 1))
        grid.merges.append((start, 0, start, 3))
        grid.rows.append(["信息内容", *table.columns])
        for (row,), values in table.rows.items():
            grid.rows.append([row, *map(_value, values)])
        if len(table.columns) == 1:  # one figure: its cell spans the block's width, as printed
            grid.merges += [(line, 1, line, 3) for line in range(start + 1, len(grid.rows))]
    width = max(len(r) for r in grid.rows)
    grid.rows = [r + [""] * (width - len(r)) for r in grid.rows]
    return grid


def table3_grid(report: AnnualReport) -> Grid:
    table: Table = report.table3
    grid = Grid("表三", "三、收到和处理政府信息公开申请情况", header=3)
    grid.rows = [
        [TABLE3_CORNER, "", "", "申请人情况", "", "", "", "", "", ""],
        ["", "", "", "自然人", ORGANISATION_HEAD, "", "", "", "", "总计"],
        ["", "", "", "", *ORGANISATIONS, ""],
    ]
    grid.merges += [(0, 0, 2, 2), (0, 3, 0, 9), (1, 3, 2, 3), (1, 4, 1, 8), (1, 9, 2, 9)]
    for row in (NEW, CARRIED_IN):
        _table3_row(grid, row, table)
    first = len(grid.rows)
    groups: dict[str, list[int]] = {}
    for row in outcome_rows():
        groups.setdefault(row[1], []).append(len(grid.rows))
        _table3_row(grid, row, table)
    _table3_row(grid, TOTAL, table)
    grid.merges.append((first, 0, len(grid.rows) - 1, 0))
    for lines in groups.values():
        if len(lines) > 1:
            grid.merges.append((lines[0], 1, lines[-1], 1))
        else:
            grid.merges.append((lines[0], 1, lines[0], 2))
    grid.merges.append((len(grid.rows) - 1, 1, len(grid.rows) - 1, 2))
    _table3_row(grid, CARRIED_OUT, table)
    for line in (3, 4, len(grid.rows) - 1):
        grid.merges.append((line, 0, line, 2))
    return grid


def _table3_row(grid: Grid, row: tuple[str, ...], table: Table) -> None:
    labels = list(row) + [""] * (3 - len(row))
    if len(row) == 2:
        labels = [row[0], row[1], ""]
    grid.rows.append([*labels, *table.rows[row]])


def table4_grid(report: AnnualReport) -> Grid:
    values = next(iter(report.table4.rows.values()))
    heads = [*CASE_RESULTS, "总计"]
    grid = Grid("表四", "四、政府信息公开行政复议、行政诉讼情况", header=3)
    grid.rows = [
        ["行政复议", "", "", "", "", "行政诉讼", *[""] * 9],
        [*heads, "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""],
        ["", "", "", "", "", *heads, *heads],
        list(values),
    ]
    grid.merges += [(0, 0, 0, 4), (0, 5, 0, 14), (1, 5, 1, 9), (1, 10, 1, 14)]
    grid.merges += [(1, c, 2, c) for c in range(5)]
    return grid


def grids(report: AnnualReport) -> list[Grid]:
    return [table2_grid(report), table3_grid(report), table4_grid(report)]
