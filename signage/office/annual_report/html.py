"""The report as one accessible HTML page for the web column: the six sections, the tables with
their merged heads as real ``rowspan``/``colspan`` header cells, no script, nothing fetched."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from signage.contract.files import atomic_write
from signage.office.annual_report.grid import Grid, grids
from signage.requests.annual import SECTIONS, AnnualReport

_ENV = Environment(loader=FileSystemLoader(Path(__file__).parent), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)


def _cells(grid: Grid) -> list[list[dict]]:
    """Each row's cells to draw: text, spans, header or not; cells covered by a merge left out."""
    covered: set[tuple[int, int]] = set()
    spans = {}
    for r1, c1, r2, c2 in grid.merges:
        spans[(r1, c1)] = (r2 - r1 + 1, c2 - c1 + 1)
        covered |= {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)} - {(r1, c1)}
    rows = []
    for r, row in enumerate(grid.rows):
        cells = []
        for c, value in enumerate(row):
            if (r, c) in covered:
                continue
            rowspan, colspan = spans.get((r, c), (1, 1))
            head = r < grid.header or isinstance(value, str)
            cells.append({"text": value, "rowspan": rowspan, "colspan": colspan, "head": head,
                          "scope": "col" if r < grid.header else "row"})
        rows.append(cells)
    return rows


def render_html(report: AnnualReport) -> str:
    tables = {grid.title: {"grid": grid, "rows": _cells(grid)} for grid in grids(report)}
    return _ENV.get_template("report.html").render(report=report, sections=SECTIONS, tables=tables)


def write_html(report: AnnualReport, path: Path) -> Path:
    atomic_write(path, render_html(report).encode("utf-8"))
    return path
