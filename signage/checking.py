"""Load and check in one step: the catalogue with every finding, sorted, and per-item verdicts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from signage.findings import Finding, Severity
from signage.loader import load_catalogue
from signage.model import Catalogue
from signage.rules import run_checks


@dataclass(slots=True)
class CheckResult:
    catalogue: Catalogue
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.is_error)

    def counts(self) -> Counter[Severity]:
        return Counter(f.severity for f in self.findings)

    def for_unit(self, unit_id: str | None) -> list[Finding]:
        return [f for f in self.findings if f.unit_id == unit_id]

    def blocked(self) -> set[tuple[str, str]]:
        """(unit id, subject) of every item held back by an error finding."""
        return {(f.unit_id or "", f.subject or "") for f in self.findings if f.is_error}


def check_content(root: Path | str, today: dt.date | None = None) -> CheckResult:
    """Load ``root`` and apply every rule. Raises ContentError when nothing can be read."""
    loaded = load_catalogue(root)
    findings = loaded.findings + run_checks(loaded.catalogue, today)
    findings.sort(key=Finding.sort_key)
    return CheckResult(loaded.catalogue, findings)
