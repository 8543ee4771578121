"""The report's tables as XLSX (one sheet per table, merged heads as in the official format) and
CSV (one file per table, UTF-8 with BOM so Excel opens it), formula-safe."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from signage.contract.files import atomic_write
from signage.office.annual_report.grid import Cell, Grid, grids
from signage.requests.annual import AnnualReport

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _safe(cell: Cell) -> Cell:
    """Text a spreadsheet would run as a formula is written as text ('=…' from a unit's name)."""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@"):
        return "'" + cell
    return cell


def write_xlsx(report: AnnualReport, path: Path) -> Path:
    book = Workbook()
    book.remove(book.active)
    for grid in grids(report):
        _sheet(book, grid)
    book.properties.title = report.title
    buffer = io.BytesIO()
    book.save(buffer)
    atomic_write(path, buffer.getvalue())
    return path


def _sheet(book: Workbook, grid: Grid) -> None:
    sheet = book.create_sheet(grid.name)
    for r, row in enumerate(grid.rows, 1):
        for c, value in enumerate(row, 1):
            cell = sheet.cell(r, c, _safe(value))
            cell.border = _BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="center",
                                       horizontal="center" if r <= grid.header or c > 3 else "left")
            if r <= grid.header:
                cell.font = Font(bold=True)
    for r1, c1, r2, c2 in grid.merges:
        sheet.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
    for column in range(1, len(grid.rows[0]) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 14


def csv_text(grid: Grid) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in grid.rows:
        writer.writerow([_safe(v) for v in row])
    return out.getvalue()


def write_csvs(report: AnnualReport, folder: Path, stem: str) -> list[Path]:
    paths = []
    for grid in grids(report):
        path = folder / f"{stem}-{grid.name}.csv"
        atomic_write(path, ("\ufeff" + csv_text(grid)).encode("utf-8"))
        paths.append(path)
    return paths
