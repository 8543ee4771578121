"""Stored assessments: ``DATA/assessments/<date>T<time>.json``, one per run.

An assessment remembers, per unit, its scores (for trends), the identity of each open finding
and when it was first reported (for deadlines and responsiveness), and, per item, the object id
of its content and when that was published (a ledger that makes publication dates exact at the
granularity of assessments, since the publication log does not list items).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from signage.catalogue.findings import Finding
from signage.contract.files import atomic_write

ASSESSMENTS_DIR = "assessments"
SCHEMA = 1


def finding_id(finding: Finding) -> str:
    """A finding's identity across assessments: what and where, but not the line (lines move
    when a unit edits above it)."""
    loc = finding.location
    text = "\x1f".join((finding.rule.id, finding.unit_id or "", loc.file, finding.subject or "",
                        finding.field or "", finding.message))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@dataclass(slots=True)
class StoredAssessment:
    """One earlier assessment as read back (only what later assessments use)."""

    path: Path
    date: dt.date
    assessed_at: str
    units: dict[str, dict[str, Any]] = field(default_factory=dict)

    def score(self, unit_id: str) -> float | None:
        unit = self.units.get(unit_id)
        return None if unit is None else unit.get("score")


def load_history(data_dir: Path, today: dt.date) -> tuple[list[StoredAssessment], list[str]]:
    """Stored assessments up to ``today``, oldest first, and a note per unreadable file."""
    folder = data_dir / ASSESSMENTS_DIR
    stored, notes = [], []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            data = json.loads(path.read_text("utf-8"))
            item = StoredAssessment(path, dt.date.fromisoformat(data["date"]), str(data["assessed_at"]),
                                    dict(data["units"]))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            notes.append(f"历次评估 {path.name} 无法读取（{exc}），已跳过。")
            continue
        if item.date <= today:
            stored.append(item)
    stored.sort(key=lambda s: (s.date, s.assessed_at))
    return stored, notes


def save_assessment(data_dir: Path, record: dict[str, Any], moment: dt.datetime) -> Path:
    """Write ``record`` under a new name (never overwriting an earlier assessment)."""
    folder = data_dir / ASSESSMENTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{record['date']}T{moment.strftime('%H%M%S')}"
    path = folder / f"{stem}.json"
    number = 1
    while path.exists():
        number += 1
        path = folder / f"{stem}-{number}.json"
    atomic_write(path, json.dumps({"schema": SCHEMA, **record}, ensure_ascii=False, indent=1).encode("utf-8"))
    return path
