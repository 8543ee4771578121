"""Findings for the console, from the catalogue's own checker (no rule is re-implemented here).

The county's result is shared by all requests and refreshed by the :class:`Checker` (which
re-reads only the units whose files changed); a draft is checked alone — its unit's folder with
the edited file swapped in, the unit-level rules only — so live checking never re-checks the county.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from pathlib import Path

from signage.catalogue.checking import Checker, CheckResult
from signage.catalogue.findings import Finding
from signage.catalogue.loader import COUNTY_FILE, load_unit
from signage.catalogue.model import Catalogue
from signage.catalogue.rules import check_unit, make_context
from signage.console.site import Site

FRESH_SECONDS = 1.0  # a result this young is served as is (the watcher republishes in ~0.2 s)
_lock = threading.Lock()
_checkers: dict[Path, Checker] = {}
_results: dict[Path, tuple[float, CheckResult]] = {}


def county_result(site: Site, *, fresh: bool = False) -> CheckResult:
    root = site.content_dir.resolve()
    with _lock:
        cached = _results.get(root)
        if cached and not fresh and time.monotonic() - cached[0] < FRESH_SECONDS:
            return cached[1]
        checker = _checkers.setdefault(root, Checker(root))
        result = checker.check(site.today())
        _results[root] = (time.monotonic(), result)
        return result


def invalidate(site: Site) -> None:
    with _lock:
        _results.pop(site.content_dir.resolve(), None)


def record_findings(result: CheckResult, unit_id: str) -> dict[str, list[Finding]]:
    """A unit's findings by subject (record key); unit-wide ones under ""."""
    by_subject: dict[str, list[Finding]] = {}
    for finding in result.findings:
        if finding.unit_id == unit_id:
            by_subject.setdefault(finding.subject or "", []).append(finding)
    return by_subject


def check_draft(site: Site, unit_id: str, relative_file: str, data: bytes, key: str) -> list[Finding]:
    """The findings of one edited record, as `signage check` would report them once saved."""
    county = county_result(site).catalogue.county
    source = site.content_dir / "units" / unit_id
    with tempfile.TemporaryDirectory(prefix="signage-draft-") as temp:
        root = Path(temp)
        folder = root / "units" / unit_id
        shutil.copytree(source, folder, ignore=shutil.ignore_patterns(".*"))
        if (site.content_dir / COUNTY_FILE).exists():
            shutil.copy(site.content_dir / COUNTY_FILE, root / COUNTY_FILE)
        (root / relative_file).write_bytes(data)
        unit, loaded = load_unit(root, folder)
        catalogue = Catalogue(str(root), county, {unit.id: unit})
        context, _ = make_context(catalogue, site.today())
        findings = loaded.findings + check_unit(unit, context)
    return sorted((f for f in findings if f.subject == key), key=Finding.sort_key)
