"""What every screen shows: publishable records, selected and ordered per screen, as objects.

Publishing is a pure function of (checked catalogue, screens, today, last good records):
the same input gives the same plan bytes, so an unchanged screen keeps its version.

- Only publishable content becomes a record: no error finding, 主动公开, not expired.
- An item whose new version is held back by an error keeps its last good version on screen,
  and so do the items of a file that cannot be read at all: bad input never blanks a screen.
- A screen's entries are chunked at boundaries chosen by each entry's key, so inserting or
  editing one item changes one chunk, not the whole list (only what changed travels).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from signage import objects as wire_objects
from signage.checking import CheckResult
from signage.model import Announcement, Notice, PowerItem, Unit
from signage.screens import Screen, ScreenSet
from signage.vocab import CHANNELS, DISCLOSURE_ACTIVE, POWER_TYPES
from signage.wire import encode_object

CHUNK_BOUNDARY = 32  # average entries per chunk
CHUNK_MAX = 128
FILE_FAILURES = frozenset(("GK-LOAD-001", "GK-LOAD-002", "GK-LOAD-004", "GK-LOAD-009"))
_TYPE_ORDER = {name: i for i, name in enumerate(POWER_TYPES)}


@dataclass(frozen=True, slots=True)
class Record:
    """One publishable thing and what the planner needs to select and order it."""

    kind: str  # powers, notices, announcements
    unit: str
    key: str
    ref: str  # object id
    file: str
    deps: tuple[str, ...] = ()  # further object ids it needs (flowchart image)
    channels: tuple[str, ...] = tuple(CHANNELS)
    power_type: str = ""
    urgent: bool = False
    order: str = ""  # notices: date, newest first
    valid_from: str | None = None
    valid_until: str | None = None

    @property
    def identity(self) -> str:
        return f"{self.kind}/{self.unit}/{self.key}"


@dataclass(slots=True)
class HeldBack:
    unit: str
    key: str
    reason: str
    showing_last_good: bool


@dataclass(slots=True)
class FleetBuild:
    """Every object the fleet needs, each screen's plan root, and what was held back."""

    objects: dict[str, bytes] = field(default_factory=dict)
    roots: dict[str, str] = field(default_factory=dict)
    records: dict[str, Record] = field(default_factory=dict)
    held_back: list[HeldBack] = field(default_factory=list)

    def add(self, obj: dict[str, Any]) -> str:
        object_id, payload = encode_object(obj)
        self.objects[object_id] = payload
        return object_id


def record_to_json(record: Record) -> dict[str, Any]:
    return asdict(record)


def record_from_json(data: dict[str, Any]) -> Record:
    data = dict(data)
    data["deps"], data["channels"] = tuple(data["deps"]), tuple(data["channels"])
    return Record(**data)


def build_fleet(check: CheckResult, screens: ScreenSet, today: dt.date,
                last_good: dict[str, Record], stored: dict[str, bytes]) -> FleetBuild:
    """Plan every screen. ``last_good`` records and the ``stored`` payloads they reference come
    from the previous publish; they stand in for items that are now held back or unreadable."""
    build = FleetBuild()
    root = Path(check.catalogue.root)
    blocked = check.blocked()
    for unit in check.catalogue.units.values():
        for record in _unit_records(build, root, unit, blocked, today):
            build.records[record.identity] = record
    _carry_over(build, check, blocked, last_good, stored, today)
    county = wire_objects.county_object(check.catalogue.county)
    unit_ids = {u.id: build.add(wire_objects.unit_object(u, minimal=(u.id, u.id) in blocked))
                for u in check.catalogue.units.values()}
    unit_order = list(check.catalogue.units)
    reachable: set[str] = set()
    for screen in screens.screens.values():
        build.roots[screen.id] = _plan(build, screen, county, unit_ids, unit_order, reachable)
    build.objects = {oid: build.objects[oid] for oid in reachable}  # only what a screen uses
    return build


def _unit_records(build: FleetBuild, root: Path, unit: Unit, blocked: set[tuple[str, str]],
                  today: dt.date):
    for item in unit.powers:
        if (unit.id, item.key) in blocked or _expired(item.valid_until, today):
            continue
        image_id, deps = None, ()
        if item.flowchart and item.flowchart.image:
            found = wire_objects.image_objects(root, unit, item.flowchart.image)
            if found:
                image_id, payloads = found
                build.objects.update(payloads)
                deps = tuple(payloads)
        ref = build.add(wire_objects.power_object(item, image_id))
        yield _record("powers", item, ref, deps, power_type=item.type)
    for notice in unit.notices:
        if ((unit.id, notice.key) in blocked or notice.disclosure != DISCLOSURE_ACTIVE
                or _expired(notice.valid_until, today)):
            continue
        ref = build.add(wire_objects.notice_object(notice))
        yield _record("notices", notice, ref, (), order=_iso(notice.date) or "")
    for announcement in unit.announcements:
        if (unit.id, announcement.key) in blocked or _expired(announcement.valid_until, today):
            continue
        ref = build.add(wire_objects.announcement_object(announcement))
        yield _record("announcements", announcement, ref, (), urgent=announcement.urgent)


def _record(kind: str, obj: PowerItem | Notice | Announcement, ref: str, deps: tuple[str, ...],
            **extra: Any) -> Record:
    return Record(kind=kind, unit=obj.unit_id, key=obj.key, ref=ref, file=obj.location.file,
                  deps=deps, channels=tuple(obj.channels) or tuple(CHANNELS),
                  valid_from=_iso(obj.valid_from), valid_until=_iso(obj.valid_until), **extra)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _expired(until: dt.date | str | None, today: dt.date) -> bool:
    if isinstance(until, str):
        until = dt.date.fromisoformat(until)
    return until is not None and until < today


def _carry_over(build: FleetBuild, check: CheckResult, blocked: set[tuple[str, str]],
                last_good: dict[str, Record], stored: dict[str, bytes], today: dt.date) -> None:
    """Keep last good versions of held-back items and of items in files that failed to load."""
    failed_files = {f.location.file for f in check.findings if f.rule.id in FILE_FAILURES}
    for identity, record in last_good.items():
        if identity in build.records or _expired(record.valid_until, today):
            continue
        held = (record.unit, record.key) in blocked
        if not (held or record.file in failed_files):
            continue  # deleted by the unit: it goes
        needed = (record.ref, *record.deps)
        if all(object_id in stored for object_id in needed):
            build.objects.update({object_id: stored[object_id] for object_id in needed})
            build.records[identity] = record
            build.held_back.append(HeldBack(record.unit, record.key, "showing last good", True))
    for unit_id, key in sorted(blocked):
        if not any(r.unit == unit_id and r.key == key for r in build.records.values()):
            build.held_back.append(HeldBack(unit_id, key, "not published", False))


def _selected(screen: Screen, record: Record) -> bool:
    select = screen.select
    return (record.kind in select.show
            and (not select.units or record.unit in select.units)
            and (not select.types or record.kind != "powers" or record.power_type in select.types)
            and select.channel in record.channels)


def _sort_key(record: Record, unit_rank: dict[str, int]) -> tuple[Any, ...]:
    section = {"announcements": 0, "powers": 1, "notices": 2}[record.kind]
    if record.kind == "announcements":
        return (section, not record.urgent, record.key)
    if record.kind == "powers":
        return (section, unit_rank.get(record.unit, 999), _TYPE_ORDER.get(record.power_type, 99),
                record.key)
    return (section, _negate(record.order), record.key)


def _negate(text: str) -> str:
    """Sort ISO dates newest first inside an ascending sort."""
    return "".join(chr(0x10FFFF - ord(ch)) for ch in text)


def _entry(record: Record, screen: Screen) -> dict[str, Any]:
    entry: dict[str, Any] = {"ref": record.ref, "kind": record.kind, "unit": record.unit,
                             "key": record.key}
    if record.urgent:
        entry["urgent"] = True
    if record.valid_from:
        entry["valid_from"] = record.valid_from
    if record.valid_until:
        entry["valid_until"] = record.valid_until
    if screen.dayparts:
        entry["hours"] = [p.hours for p in screen.dayparts if record.kind in p.show]
    return entry


def _plan(build: FleetBuild, screen: Screen, county: dict[str, Any], unit_ids: dict[str, str],
          unit_order: list[str], reachable: set[str]) -> str:
    rank = {unit: i for i, unit in enumerate(screen.select.units or unit_order)}
    chosen = sorted((r for r in build.records.values() if _selected(screen, r)),
                    key=lambda r: _sort_key(r, rank))
    if screen.dayparts:
        chosen = [r for r in chosen if any(r.kind in p.show for p in screen.dayparts)]
    chunks: list[str] = []
    current: list[dict[str, Any]] = []
    for record in chosen:
        current.append(_entry(record, screen))
        if _is_boundary(record.identity) or len(current) >= CHUNK_MAX:
            chunks.append(build.add({"type": "chunk", "entries": current}))
            current = []
    if current:
        chunks.append(build.add({"type": "chunk", "entries": current}))
    units = {u: unit_ids[u] for u in sorted({r.unit for r in chosen} | set(screen.select.units))
             if u in unit_ids}
    plan_id = build.add({
        "type": "plan", "screen": screen.id, "kind": screen.kind, "site": screen.site,
        "layout": screen.layout, "county": county, "units": units,
        "chunks": chunks, "count": len(chosen),
    })
    reachable.update((plan_id, *chunks, *units.values()))
    for record in chosen:
        reachable.update((record.ref, *record.deps))
    return plan_id


def _is_boundary(identity: str) -> bool:
    return int.from_bytes(hashlib.sha1(identity.encode()).digest()[:4], "big") % CHUNK_BOUNDARY == 0

