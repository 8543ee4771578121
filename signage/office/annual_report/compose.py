"""The annual report of one unit or of the county, from the register and the office's figures."""

from __future__ import annotations

from pathlib import Path

from signage.catalogue.model import Catalogue
from signage.office.annual_report.figures import load_figures
from signage.requests.annual import AnnualReport, build_report
from signage.requests.store import Register

COUNTY = "county"


def compose_report(catalogue: Catalogue, content_dir: Path, register: Register, year: int,
                   scope: str) -> AnnualReport:
    """``scope``: a unit id (that unit's requests and cases) or ``county`` (every unit's).
    Raises KeyError for an unknown unit, FiguresError and ReportRefused as they say."""
    if scope == COUNTY:
        units = None
        organ = catalogue.county.name or "县人民政府"
        if not organ.endswith("政府"):
            organ += "人民政府"
    else:
        unit = catalogue.units[scope]
        units, organ = [scope], unit.display_name
    figures = load_figures(content_dir, year, scope, organ)
    requests = register.requests(units)
    cases = register.cases(units, year)
    return build_report(year, scope, requests, cases, figures)
