"""Assessments in the console: run the `signage assess` code path, list the stored runs, and
serve each run's HTML report (tables and inline SVG charts) and its 整改意见书.

A run is stored as `signage assess` stores it (``DATA/assessments/<stem>.json``, for trends);
its report files go to ``DATA/assessment-reports/<stem>/``. A report is served only by a name
that matches a stored run's stem and a file name listed in its folder — never a path from the
request — under its own CSP: the report's own inline styles are allowed, no script at all, and
the page is sandboxed (an opaque origin: even injected markup could not act as the console).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from signage.catalogue.checking import CheckResult
from signage.office.assessment.scoring import assess, load_config, save_assessment, write_outputs
from signage.office.assessment.storage import ASSESSMENTS_DIR, load_history

REPORTS_DIR = "assessment-reports"
REPORT = "assessment.html"
REPORT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'; "
              "form-action 'none'; frame-ancestors 'none'; base-uri 'none'; sandbox allow-downloads")
_STEM = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{6}(-\d{1,4})?$")
_FILE = re.compile(r"^[^/\\\x00]{1,200}\.(?:pdf|md|csv|html)$")


@dataclass(slots=True)
class Run:
    stem: str
    date: dt.date
    assessed_at: str
    units: int
    best: str  # the first-ranked unit and its score
    has_report: bool


def run_assessment(check: CheckResult, data_dir: Path, today: dt.date) -> tuple[str, list[Path]]:
    """Score, store and write the report; returns the run's stem and the files written."""
    outcome = assess(check, data_dir, config=load_config(), today=today)
    saved = save_assessment(data_dir, outcome.to_record(), dt.datetime.now())
    files = write_outputs(outcome, check, data_dir / REPORTS_DIR / saved.stem)
    return saved.stem, files


def runs(data_dir: Path, today: dt.date) -> tuple[list[Run], list[str]]:
    """Stored runs, newest first, with a note for each unreadable one."""
    stored, notes = load_history(data_dir, today)
    listed = []
    for item in reversed(stored):
        ranked = sorted(item.units.items(), key=lambda kv: kv[1].get("rank", 0))
        best = f"{ranked[0][1].get('name', ranked[0][0])} {ranked[0][1].get('score')}" if ranked else ""
        listed.append(Run(item.path.stem, item.date, item.assessed_at, len(item.units), best,
                          (data_dir / REPORTS_DIR / item.path.stem / REPORT).is_file()))
    return listed, notes


def report_file(data_dir: Path, stem: str, name: str = REPORT, folder: str = "") -> Path | None:
    """The file ``name`` of run ``stem`` (``folder``: "" or "notices"), or None: both names are
    checked by pattern and against the stored run and the folder's own listing."""
    if not _STEM.match(stem) or not _FILE.match(name) or folder not in ("", "notices"):
        return None
    if not (data_dir / ASSESSMENTS_DIR / f"{stem}.json").is_file():
        return None
    where = data_dir / REPORTS_DIR / stem / folder if folder else data_dir / REPORTS_DIR / stem
    if not where.is_dir():
        return None
    for path in where.iterdir():  # a listed name, never one joined from the request
        if path.name == name and path.is_file() and not path.is_symlink():
            return path
    return None
