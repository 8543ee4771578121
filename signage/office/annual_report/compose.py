"""The annual report of one unit or of the county, from the register and the office's figures."""

from __future__ import annotations

from pathlib import Path

from signage.catalogue.model import Catalogue
from signage.office.annual_report.figures import figures_path, load_figures
from signage.office.annual_report.proactive import count_rules, merge
from signage.requests.annual import AnnualReport, build_report
from signage.requests.store import Register

COUNTY = "county"


def compose_report(catalogue: Catalogue, content_dir: Path, register: Register, year: int,
                   scope: str) -> AnnualReport:
    """``scope``: a unit id (that unit's requests, cases and notices) or ``county`` (every unit's).
    Table 2 is counted from the notices where the office typed no figure (:mod:`.proactive`).
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
    notices = [n for uid, u in catalogue.units.items() if units is None or uid in units for n in u.notices]
    figures.proactive, notes = merge(count_rules(notices, year), figures.proactive,
                                     figures_file=_shown(figures_path(content_dir, year), content_dir))
    requests = register.requests(units)
    cases = register.cases(units, year)
    report = build_report(year, scope, requests, cases, figures)
    report.notes[:0] = notes
    return report


def _shown(path: Path, content_dir: Path) -> str:
    return path.relative_to(content_dir.parent).as_posix() if path.is_relative_to(content_dir.parent) \
        else str(path)
