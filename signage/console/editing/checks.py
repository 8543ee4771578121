"""Findings for the console, from the catalogue's own checker (no rule is re-implemented here).

The county's result is shared by all requests and refreshed by the :class:`Checker` (which
re-reads only the units whose files changed); a draft is checked alone — the one record beside its
unit's unit.yaml, the unit-level rules only — so live checking never re-checks the county.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

import yaml

from signage.catalogue.checking import Checker, CheckResult
from signage.catalogue.findings import Finding
from signage.catalogue.loader import load_unit
from signage.catalogue.model import Catalogue
from signage.catalogue.rules import check_unit, make_context
from signage.console.site import Site

_lock = threading.Lock()
_checkers_lock = threading.Lock()
_checkers: dict[Path, Checker] = {}
_results: dict[Path, tuple[object, CheckResult]] = {}


def _stamp(root: Path, today: object) -> object:
    """Every content file's (path, mtime, size) and the date: a few ms for a county's 400 files,
    where even the checker's incremental pass over 10,000 items takes most of a second."""
    entries = [today]
    for directory, _, files in os.walk(root):
        for name in files:
            try:
                info = os.stat(os.path.join(directory, name))
            except OSError:
                continue
            entries.append((directory, name, info.st_mtime_ns, info.st_size))
    return hash(tuple(entries))


def county_result(site: Site, *, fresh: bool = False) -> CheckResult:
    """The county's check, redone only when a file (or the date) changed since the last one."""
    root = site.content_dir.resolve()
    today = site.today()
    stamp = _stamp(root, today)
    with _lock:
        cached = _results.get(root)
        if cached and not fresh and cached[0] == stamp:
            return cached[1]
        result = _checker(site).check(today)
        _results[root] = (stamp, result)
        return result


def _checker(site: Site) -> Checker:
    """The publisher's checker when serving beside it (one check of the county for both)."""
    if site.checker is not None:
        return site.checker
    root = site.content_dir.resolve()
    with _checkers_lock:
        return _checkers.setdefault(root, Checker(root))


def invalidate(site: Site) -> None:
    with _lock:
        _results.pop(site.content_dir.resolve(), None)


def written(site: Site, unit_id: str) -> None:
    """The console just wrote a file of ``unit_id``: the checker re-reads that unit (only it) on
    its next check, and the publisher is told at once rather than after its watcher's debounce;
    it checks and plans in parallel with this request, sharing the checker's work."""
    _checker(site).changed(unit_id)
    invalidate(site)
    if site.content_written is not None:
        site.content_written(unit_id)


def record_findings(result: CheckResult, unit_id: str) -> dict[str, list[Finding]]:
    """A unit's findings by subject (record key); unit-wide ones under ""."""
    by_subject: dict[str, list[Finding]] = {}
    for finding in result.findings:
        if finding.unit_id == unit_id:
            by_subject.setdefault(finding.subject or "", []).append(finding)
    return by_subject


def check_draft(site: Site, unit_id: str, record: dict, section: str, key: str) -> list[Finding]:
    """The findings of one edited record, as `signage check` will report them once it is saved:
    the record alone in a file beside its unit's own unit.yaml (so it inherits the unit's hours
    and telephones), checked by the unit-level rules; nothing else of the county is read."""
    county = county_result(site).catalogue.county
    source = site.content_dir / "units" / unit_id
    with tempfile.TemporaryDirectory(prefix="signage-draft-") as temp:
        root = Path(temp)
        folder = root / "units" / unit_id
        folder.mkdir(parents=True)
        for name in ("unit.yaml", "unit.yml"):
            if (source / name).exists():
                shutil.copy(source / name, folder / name)
        text = yaml.safe_dump({section: [record]}, allow_unicode=True, sort_keys=False)
        (folder / "draft.yaml").write_text(text, "utf-8")
        unit, loaded = load_unit(root, folder)
        # rooted at the real content folder: images and attachments resolve to the unit's own files
        catalogue = Catalogue(str(site.content_dir), county, {unit.id: unit})
        context, _ = make_context(catalogue, site.today())
        findings = loaded.findings + check_unit(unit, context)
    return sorted((f for f in findings if f.subject == key), key=Finding.sort_key)
