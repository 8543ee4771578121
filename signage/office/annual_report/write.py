"""Every output of one report: PDF, HTML, XLSX and one CSV per table, named after the organ."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from signage.office.annual_report.html import write_html
from signage.office.annual_report.sheets import write_csvs, write_xlsx
from signage.requests.annual import AnnualReport


def report_stem(report: AnnualReport) -> str:
    return f"{report.year}-{report.scope}-年度报告"


def write_report(report: AnnualReport, out_dir: Path, date: dt.date, *, pdf: bool = True) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = report_stem(report)
    paths = [write_html(report, out_dir / f"{stem}.html"), write_xlsx(report, out_dir / f"{stem}.xlsx"),
             *write_csvs(report, out_dir, stem)]
    if pdf:
        from signage.office.annual_report.pdf import write_report_pdf

        paths.insert(0, write_report_pdf(report, out_dir / f"{stem}.pdf", date))
    return paths
