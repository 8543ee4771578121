"""Proof of play and coverage per unit: which of a unit's published records each screen carries
and has shown, and which are published but on no screen.

Read from what the publisher already records in its data folder (state, plans, ``events.jsonl``)
through the assessment's reader (:mod:`signage.office.assessment.sources`), so the console and
``signage assess`` count the same plays; when each screen was last seen comes from the live
fleet view. Nothing here talks to a broker.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from signage.office.assessment.sources import PublisherData, read_publisher_data

WINDOW_DAYS = 30  # plays counted: the assessment's default window
KINDS = {"powers": "权力事项", "notices": "政府信息", "announcements": "公告"}


@dataclass(slots=True)
class Shown:
    """One of the unit's records as one screen carries it."""

    kind: str
    key: str
    played: bool  # a play event within the window


@dataclass(slots=True)
class ScreenCoverage:
    screen: str
    kind: str  # led, kiosk, board
    records: list[Shown]
    last_seen: str | None = None
    online: bool | None = None

    @property
    def played(self) -> int:
        return sum(1 for r in self.records if r.played)


@dataclass(slots=True)
class UnitCoverage:
    unit: str
    published: list[tuple[str, str]] = field(default_factory=list)  # (kind, key)
    screens: list[ScreenCoverage] = field(default_factory=list)
    nowhere: list[tuple[str, str]] = field(default_factory=list)  # published, on no screen
    unplayed: list[tuple[str, str]] = field(default_factory=list)  # on a screen, never played
    notes: list[str] = field(default_factory=list)  # what could not be read


def read(data_dir: Path, today: dt.date) -> PublisherData:
    """The publisher's records, once for a page (the events log is read de-duplicated)."""
    return read_publisher_data(data_dir, [], today, WINDOW_DAYS)


def unit_coverage(data: PublisherData, unit_id: str, fleet: dict[str, dict] | None = None) -> UnitCoverage:
    """``fleet``: screen → its live row (``last_seen`` already local, ``online``)."""
    fleet = fleet or {}
    result = UnitCoverage(unit_id, notes=list(data.notes))
    result.published = sorted((r.kind, r.key) for r in data.records.values() if r.unit == unit_id)
    carried: set[tuple[str, str]] = set()
    proven: set[tuple[str, str]] = set()
    for screen, version in sorted(data.screens.items()):
        mine = sorted((kind, key) for unit, kind, key in version.entries if unit == unit_id)
        if not mine:
            continue
        played = {(kind, key) for s, unit, kind, key in data.plays if s == screen and unit == unit_id}
        row = fleet.get(screen, {})
        result.screens.append(ScreenCoverage(screen, version.kind, [Shown(k, key, (k, key) in played)
                                                                     for k, key in mine],
                                             row.get("last_seen"), row.get("online")))
        carried.update(mine)
        proven |= played
    result.nowhere = [entry for entry in result.published if entry not in carried]
    result.unplayed = sorted(carried - proven)
    return result


def county_summary(data: PublisherData, unit_ids: list[str]) -> dict[str, dict[str, int]]:
    """Per unit: records published, on a screen, played, published but on no screen."""
    summary = {u: {"published": 0, "carried": 0, "played": 0, "nowhere": 0} for u in unit_ids}
    published: dict[str, set[tuple[str, str]]] = {u: set() for u in unit_ids}
    for record in data.records.values():
        if record.unit in published:
            published[record.unit].add((record.kind, record.key))
    carried = {u: set() for u in unit_ids}
    for version in data.screens.values():
        for unit, kind, key in version.entries:
            if unit in carried:
                carried[unit].add((kind, key))
    played = {u: set() for u in unit_ids}
    for _screen, unit, kind, key in data.plays:
        if unit in played:
            played[unit].add((kind, key))
    for unit in unit_ids:
        summary[unit] = {"published": len(published[unit]), "carried": len(carried[unit]),
                         "played": len(played[unit] & carried[unit]),
                         "nowhere": len(published[unit] - carried[unit])}
    return summary
