"""Load and check in one step: the catalogue with every finding, sorted, and per-item verdicts.

:class:`Checker` keeps what it read: a second check re-reads and re-checks only the units whose
files changed (and everything when county.yaml or the date changes), so the publisher turns a
saved edit into new screens in a fraction of a full check's time.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import itertools
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from signage.catalogue.findings import Finding
from signage.catalogue.loader import (
    COUNTY_FILE,
    LoadResult,
    ensure_readable,
    load_county,
    load_unit,
    unit_dirs,
)
from signage.catalogue.model import Catalogue, Unit
from signage.catalogue.rules import check_catalogue, check_unit, make_context

_GENERATIONS = itertools.count(1)  # unique per (re)load, across checkers


@dataclass(slots=True)
class CheckResult:
    catalogue: Catalogue
    findings: list[Finding] = field(default_factory=list)
    generations: dict[str, int] = field(default_factory=dict)  # unit → load generation

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.is_error)

    def for_unit(self, unit_id: str | None) -> list[Finding]:
        return [f for f in self.findings if f.unit_id == unit_id]

    def blocked(self) -> set[tuple[str, str]]:
        """(unit id, subject) of every item held back by an error finding."""
        return {(f.unit_id or "", f.subject or "") for f in self.findings if f.is_error}


@dataclass(slots=True)
class _UnitState:
    stamp: tuple[tuple[str, int, int], ...]
    unit: Unit
    load_findings: list[Finding]
    files_read: int
    files_failed: int
    generation: int
    check_findings: list[Finding] | None = None  # None: to be checked again


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Loading builds hundreds of thousands of small objects and no reference cycles; Python's
    cyclic collector would run thousands of times over them for nothing (about half the time
    of a large check, measured by bench/check_catalogue.py)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """(path, mtime, size) of every file below ``folder``: changes when any file does."""
    entries = []
    for directory, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(directory, name)
            try:
                info = os.stat(path)
            except OSError:
                continue
            entries.append((path, info.st_mtime_ns, info.st_size))
    return tuple(sorted(entries))


class Checker:
    """Checks a content folder again and again, redoing only what changed."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)
        self._units: dict[str, _UnitState] = {}
        self._county_stamp: tuple[int, int] | None = None
        self._county: LoadResult | None = None
        self._context_key: tuple[object, ...] | None = None
        self._lock = threading.Lock()  # one checker may be shared (the publisher and the console)
        self._last: tuple[object, CheckResult] | None = None
        self._changed: set[str] = set()  # units a writer said it changed: re-read whatever the stamps say

    def changed(self, unit_id: str) -> None:
        """A writer (the console's save) changed a file of ``unit_id``: the next check re-reads
        that unit even if the file's size and timestamp happen to look the same as before."""
        with self._lock:
            self._changed.add(unit_id)

    def check(self, today: dt.date | None = None) -> CheckResult:
        """The folder's check; when nothing changed since the last one (no file, not the date),
        that same result, without re-running the cross-unit rules over the whole county."""
        with self._lock, collector_paused():
            return self._check(today)

    def _check(self, today: dt.date | None) -> CheckResult:
        dirs = unit_dirs(self.root)  # ContentError when the folder is gone
        county_changed = self._refresh_county()
        self._refresh_units(dirs)
        county = self._county
        assert county is not None
        ensure_readable(self.root, county.files_read + sum(s.files_read for s in self._units.values()),
                        county.files_failed + sum(s.files_failed for s in self._units.values()))
        catalogue = Catalogue(str(self.root), county.catalogue.county,
                              {uid: state.unit for uid, state in self._units.items()})
        context, findings = make_context(catalogue, today)
        context_key = (context.today, context.code_pattern.pattern,
                       tuple((uid, s.unit.code_prefix) for uid, s in self._units.items()))
        if county_changed or context_key != self._context_key:
            for state in self._units.values():
                state.check_findings = None
            self._context_key = context_key
        memo_key = (context_key, self._county_stamp,
                    tuple((uid, state.generation) for uid, state in self._units.items()))
        if self._last is not None and self._last[0] == memo_key:
            return self._last[1]
        findings += county.findings
        for state in self._units.values():
            if state.check_findings is None:
                state.check_findings = check_unit(state.unit, context)
            findings += state.load_findings + state.check_findings
        findings += check_catalogue(catalogue, context)
        findings.sort(key=Finding.sort_key)
        generations = {uid: state.generation for uid, state in self._units.items()}
        result = CheckResult(catalogue, findings, generations)
        self._last = (memo_key, result)
        return result

    def _refresh_county(self) -> bool:
        try:
            info = os.stat(self.root / COUNTY_FILE)
            stamp = (info.st_mtime_ns, info.st_size)
        except OSError:
            stamp = (0, 0)
        if stamp == self._county_stamp and self._county is not None:
            return False
        self._county_stamp = stamp
        self._county = load_county(self.root)
        return True

    def _refresh_units(self, dirs: list[Path]) -> None:
        present = {d.name for d in dirs}
        for gone in set(self._units) - present:
            del self._units[gone]
        changed, self._changed = self._changed, set()
        for unit_dir in dirs:
            stamp = _stamp(unit_dir)
            state = self._units.get(unit_dir.name)
            if state is not None and state.stamp == stamp and unit_dir.name not in changed:
                continue
            unit, loaded = load_unit(self.root, unit_dir)
            self._units[unit_dir.name] = _UnitState(
                stamp, unit, loaded.findings, loaded.files_read, loaded.files_failed,
                next(_GENERATIONS))
        self._units = dict(sorted(self._units.items()))


def check_content(root: Path | str, today: dt.date | None = None) -> CheckResult:
    """Load ``root`` and apply every rule. Raises ContentError when nothing can be read."""
    return Checker(root).check(today)
