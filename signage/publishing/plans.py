"""What every screen shows: publishable records, selected and ordered per screen, as objects.

Publishing is a pure function of (checked catalogue, screens, today, last good records):
the same input gives the same plan bytes, so an unchanged screen keeps its version.

- Only publishable content becomes a record: no error finding, 主动公开, not expired.
- An item whose new version is held back by an error keeps its last good version on screen,
  and so do the items of a file that cannot be read at all: bad input never blanks a screen.
- A screen's entries are chunked at boundaries chosen by each entry's key, so inserting or
  editing one item changes one chunk, not the whole list (only what changed travels).
- A screen that reads schema 1.1 gets its chunks as a tree of ``index`` objects (boundaries
  chosen by content too), so an edit moves the item, its chunk and the path above it, whatever
  the plan's size; an older player keeps the flat chunk list it reads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from signage.catalogue.checking import CheckResult
from signage.catalogue.model import Announcement, Notice, PowerItem, Unit
from signage.catalogue.vocab import CHANNELS, DISCLOSURE_ACTIVE, POWER_TYPES
from signage.contract.wire import encode_object
from signage.publishing import payloads as wire_objects
from signage.publishing.screens import Screen, ScreenSet, Selection

CHUNK_BOUNDARY = 32  # average entries per chunk (flat plans, schema 1.0 readers)
CHUNK_MAX = 128
TREE_CHUNK_BOUNDARY, TREE_CHUNK_MAX = 8, 32  # tree plans: small chunks, since the list is a tree
INDEX_FANOUT, INDEX_MAX = 16, 48  # children per index node: average (content-defined), most
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
    reason: str  # "showing last good" or "not published"


@dataclass(slots=True)
class FleetBuild:
    """Every object the fleet needs, each screen's plan root, and what was held back."""

    objects: dict[str, bytes] = field(default_factory=dict)
    roots: dict[str, str] = field(default_factory=dict)
    uses: dict[str, frozenset[str]] = field(default_factory=dict)  # screen → objects it needs
    records: dict[str, Record] = field(default_factory=dict)
    held_back: list[HeldBack] = field(default_factory=list)

    def add(self, obj: dict[str, Any]) -> str:
        object_id, payload = encode_object(obj)
        self.objects[object_id] = payload
        return object_id


_RECORD_FIELDS = tuple(f.name for f in fields(Record))


def record_to_json(record: Record) -> dict[str, Any]:
    return {name: getattr(record, name) for name in _RECORD_FIELDS}


def record_from_json(data: dict[str, Any]) -> Record:
    data = dict(data)
    data["deps"], data["channels"] = tuple(data["deps"]), tuple(data["channels"])
    return Record(**data)


@dataclass(slots=True)
class GroupPlan:
    """What screens with the same selection share: their records in screen order, their chunk
    (flat) or root index and roster (tree) ids, the objects those are, and the items' ids."""

    signature: tuple[object, ...]
    chosen: list[Record]
    contents: list[str]
    objects: dict[str, bytes]  # chunks, index nodes, roster
    units: dict[str, str]  # unit id → unit object id
    uses: frozenset[str]  # every object the group's screens need but their plan


@dataclass(slots=True)
class ScreenPlan:
    """One screen's plan, kept while neither the screen, its group nor the county changed."""

    screen: Screen
    group: GroupPlan
    county: dict[str, Any]
    plan_id: str
    payload: bytes
    uses: frozenset[str]


class Planner:
    """Plans the fleet again and again, so an edit costs what changed: a unit's records are
    rebuilt only when that unit was reloaded or its held-back items changed; screens with the
    same selection are planned once (a group), and a group is planned again only when the
    records of a unit it selects changed; a screen's plan is re-encoded only when its group,
    its own entry in layouts/ or the county changed."""

    def __init__(self) -> None:
        self._units: dict[str, tuple[tuple[object, ...], list[Record], dict[str, bytes]]] = {}
        self._groups: dict[tuple[object, ...], GroupPlan] = {}
        self._screens: dict[str, ScreenPlan] = {}

    def build(self, check: CheckResult, screens: ScreenSet, today: dt.date,
              last_good: dict[str, Record], stored: Callable[[str], bytes | None],
              tree: Callable[[str], bool] | None = None) -> FleetBuild:
        """Plan every screen. ``last_good`` records and the payloads ``stored`` returns for them
        come from the previous publish; they stand in for items now held back or unreadable.
        ``tree(screen)`` says whether that screen reads tree plans (schema 1.1); without it every
        plan is flat (what every player reads)."""
        build = FleetBuild()
        root = Path(check.catalogue.root)
        blocked = check.blocked()
        for unit in check.catalogue.units.values():
            for record in self._unit_records(build, root, unit, check, blocked, today):
                build.records[record.identity] = record
        _carry_over(build, check, blocked, last_good, stored, today)
        county = wire_objects.county_object(check.catalogue.county)
        unit_ids = {u.id: build.add(wire_objects.unit_object(u, minimal=(u.id, u.id) in blocked))
                    for u in check.catalogue.units.values()}
        source = _Source(build.records, list(check.catalogue.units), unit_ids)
        groups: dict[tuple[object, ...], GroupPlan] = {}
        plans: dict[str, ScreenPlan] = {}
        reachable: set[str] = set()
        for screen in screens.screens.values():
            as_tree = bool(tree and tree(screen.id))
            key = (screen.select, screen.dayparts, as_tree)
            if key not in groups:
                groups[key] = self._group(key, screen, source, as_tree)
                build.objects.update(groups[key].objects)
            plan = plans[screen.id] = self._screen(screen, groups[key], county, as_tree)
            build.objects[plan.plan_id] = plan.payload
            build.roots[screen.id], build.uses[screen.id] = plan.plan_id, plan.uses
            reachable |= plan.uses
        self._groups, self._screens = groups, plans  # only what the current screens use
        build.objects = {oid: build.objects[oid] for oid in reachable}  # only what screens use
        return build

    def _group(self, key: tuple[object, ...], screen: Screen, source: _Source,
               as_tree: bool) -> GroupPlan:
        """The group's plan from last time when the records it selects from are the same."""
        signature = source.signature(screen.select)
        cached = self._groups.get(key)
        if cached is not None and cached.signature == signature:
            return cached
        chosen = _choose(screen, source.candidates(screen.select), source.unit_order)
        group_build = FleetBuild()
        contents, used = _contents(group_build, screen, chosen, source.unit_ids, as_tree)
        used.update(oid for record in chosen for oid in (record.ref, *record.deps))
        units = _units(screen, chosen, source.unit_ids)
        used.update(units.values())
        return GroupPlan(signature, chosen, contents, group_build.objects, units, frozenset(used))

    def _screen(self, screen: Screen, group: GroupPlan, county: dict[str, Any],
                as_tree: bool) -> ScreenPlan:
        cached = self._screens.get(screen.id)
        if cached is not None and cached.group is group and cached.screen == screen \
                and cached.county == county:
            return cached
        plan_id, payload = encode_object(_plan_body(screen, county, group.units, group.chosen,
                                                    group.contents, as_tree))
        return ScreenPlan(screen, group, county, plan_id, payload, group.uses | {plan_id})

    def _unit_records(self, build: FleetBuild, root: Path, unit: Unit, check: CheckResult,
                      blocked: set[tuple[str, str]], today: dt.date) -> list[Record]:
        held = frozenset(key for unit_id, key in blocked if unit_id == unit.id)
        key = (check.generations.get(unit.id), held, today)
        cached = self._units.get(unit.id)
        if cached is None or cached[0] != key or key[0] is None:
            unit_build = FleetBuild()
            records = list(_unit_records(unit_build, root, unit, blocked, today))
            cached = self._units[unit.id] = (key, records, unit_build.objects)
        build.objects.update(cached[2])
        return cached[1]



class _Source:
    """The records of one build, by unit, for the groups to select from: a group's signature is
    the records (by identity: unchanged units keep their cached record objects) of the units it
    can select, so comparing one costs a pointer per record."""

    def __init__(self, records: dict[str, Record], unit_order: list[str],
                 unit_ids: dict[str, str]) -> None:
        self.unit_order, self.unit_ids = unit_order, unit_ids
        self.position: dict[int, int] = {}
        by_unit: dict[str, list[Record]] = {}
        for n, record in enumerate(records.values()):
            by_unit.setdefault(record.unit, []).append(record)
            self.position[id(record)] = n
        self.by_unit = {unit: tuple(found) for unit, found in by_unit.items()}

    def units(self, select: Selection) -> tuple[str, ...]:
        return select.units or tuple(self.by_unit)

    def signature(self, select: Selection) -> tuple[object, ...]:
        units = self.units(select)
        return (tuple(self.by_unit.get(u, ()) for u in units),
                tuple(self.unit_ids.get(u) for u in (select.units or self.unit_order)),
                () if select.units else tuple(self.unit_order))

    def candidates(self, select: Selection) -> list[Record]:
        """The records of the selected units, in the build's order (ties sort as before)."""
        found = [r for u in dict.fromkeys(self.units(select)) for r in self.by_unit.get(u, ())]
        return sorted(found, key=lambda r: self.position[id(r)])


def build_fleet(check: CheckResult, screens: ScreenSet, today: dt.date,
                last_good: dict[str, Record] | None = None,
                stored: Callable[[str], bytes | None] | None = None,
                tree: Callable[[str], bool] | None = None) -> FleetBuild:
    """Plan every screen once (see :class:`Planner` for repeated planning)."""
    return Planner().build(check, screens, today, last_good or {}, stored or (lambda _: None),
                           tree)


def _unit_records(build: FleetBuild, root: Path, unit: Unit, blocked: set[tuple[str, str]],
                  today: dt.date) -> Iterator[Record]:
    for item in unit.powers:
        if withheld(item, blocked) or _expired(item.valid_until, today):
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
        if withheld(notice, blocked) or _expired(notice.valid_until, today):
            continue
        ref = build.add(wire_objects.notice_object(notice))
        yield _record("notices", notice, ref, (), order=_iso(notice.date) or "")
    for announcement in unit.announcements:
        if withheld(announcement, blocked) or _expired(announcement.valid_until, today):
            continue
        ref = build.add(wire_objects.announcement_object(announcement))
        yield _record("announcements", announcement, ref, (), urgent=announcement.urgent)


def withheld(obj: PowerItem | Notice | Announcement, blocked: set[tuple[str, str]]) -> bool:
    """The publish gate every channel shares (screens and the web column): held back by an error
    finding (unreviewed, classified, invalid) or, for a notice, not 主动公开. Validity dates are
    the channel's own concern (:func:`expired`)."""
    if (obj.unit_id, obj.key) in blocked:
        return True
    return isinstance(obj, Notice) and obj.disclosure != DISCLOSURE_ACTIVE


def expired(until: dt.date | str | None, today: dt.date) -> bool:
    """Past its valid_until date (screens drop it; the web column marks it 已失效)."""
    return _expired(until, today)


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
                last_good: dict[str, Record], stored: Callable[[str], bytes | None],
                today: dt.date) -> None:
    """Keep last good versions of held-back items and of items in files that failed to load."""
    failed_files = {f.location.file for f in check.findings if f.rule.id in FILE_FAILURES}
    for identity, record in last_good.items():
        if identity in build.records or _expired(record.valid_until, today):
            continue
        held = (record.unit, record.key) in blocked
        if not (held or record.file in failed_files):
            continue  # deleted by the unit: it goes
        payloads = {object_id: stored(object_id) for object_id in (record.ref, *record.deps)}
        if all(payload is not None for payload in payloads.values()):
            build.objects.update(payloads)  # type: ignore[arg-type]
            build.records[identity] = record
            build.held_back.append(HeldBack(record.unit, record.key, "showing last good"))
    for unit_id, key in sorted(blocked):
        if not any(r.unit == unit_id and r.key == key for r in build.records.values()):
            build.held_back.append(HeldBack(unit_id, key, "not published"))


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


def _choose(screen: Screen, ordered: list[Record], unit_order: list[str]) -> list[Record]:
    """The screen's records in screen order (the selection's unit order, else the catalogue's)."""
    chosen = [r for r in ordered if _selected(screen, r)]
    if screen.dayparts:
        chosen = [r for r in chosen if any(r.kind in p.show for p in screen.dayparts)]
    rank = {unit: i for i, unit in enumerate(screen.select.units or unit_order)}
    return sorted(chosen, key=lambda r: _sort_key(r, rank))


def _contents(build: FleetBuild, screen: Screen, chosen: list[Record], unit_ids: dict[str, str],
              as_tree: bool) -> tuple[list[str], set[str]]:
    """A group's chunk ids (flat plans) or its root index and roster ids (tree plans), and every
    index, chunk and roster object it uses; screens with the same selection share them."""
    if not as_tree:
        chunks = [chunk for chunk, _ in _chunks(build, screen, chosen, CHUNK_BOUNDARY, CHUNK_MAX)]
        return chunks, set(chunks)
    level = _chunks(build, screen, chosen, TREE_CHUNK_BOUNDARY, TREE_CHUNK_MAX)
    used = {chunk for chunk, _ in level}
    field_name = "chunks"
    while len(level) > INDEX_FANOUT:  # content-defined index levels: an edit changes one path
        level = _group(build, level, field_name)
        used.update(node for node, _ in level)
        field_name = "nodes"
    root = build.add({"type": "index", field_name: [node for node, _ in level]})
    roster = build.add({"type": "roster", "units": _units(screen, chosen, unit_ids)})
    return [root, roster], used | {root, roster}


def _chunks(build: FleetBuild, screen: Screen, chosen: list[Record], boundary: int,
            maximum: int) -> list[tuple[str, str]]:
    """(chunk id, identity of its last entry) for the screen's entries, cut where an entry's
    identity hashes to a boundary (or at ``maximum``)."""
    chunks: list[tuple[str, str]] = []
    current: list[dict[str, Any]] = []
    for record in chosen:
        current.append(_entry(record, screen))
        if _is_boundary(record.identity, boundary) or len(current) >= maximum:
            chunks.append((build.add({"type": "chunk", "entries": current}), record.identity))
            current = []
    if current:
        chunks.append((build.add({"type": "chunk", "entries": current}), chosen[-1].identity))
    return chunks


def _group(build: FleetBuild, level: list[tuple[str, str]], field_name: str) -> list[tuple[str, str]]:
    """One index level above ``level``: nodes cut where a child's last identity hashes to a
    boundary (salted, so index and chunk boundaries are independent)."""
    nodes: list[tuple[str, str]] = []
    current: list[str] = []
    for child, last in level:
        current.append(child)
        cut = len(current) > 1 and _is_boundary(f"index:{last}", INDEX_FANOUT)  # ≥ 2: levels shrink
        if cut or len(current) >= INDEX_MAX:
            nodes.append((build.add({"type": "index", field_name: current}), last))
            current = []
    if current:
        nodes.append((build.add({"type": "index", field_name: current}), level[-1][1]))
    return nodes


def _units(screen: Screen, chosen: list[Record], unit_ids: dict[str, str]) -> dict[str, str]:
    return {u: unit_ids[u] for u in sorted({r.unit for r in chosen} | set(screen.select.units))
            if u in unit_ids}


def _plan_body(screen: Screen, county: dict[str, Any], units: dict[str, str],
               chosen: list[Record], contents: list[str], as_tree: bool) -> dict[str, Any]:
    """The screen's plan: flat (units and chunk ids inline) or a tree (``tree`` names the root
    index, ``roster`` the units: an edit of an item changes neither the plan's size nor the
    roster; ``chunks`` is null so a 1.0 reader refuses it, never shows it empty)."""
    body: dict[str, Any] = {"type": "plan", "screen": screen.id, "kind": screen.kind,
                            "site": screen.site, "layout": screen.layout, "county": county,
                            "count": len(chosen)}
    if as_tree:
        body.update(chunks=None, tree=contents[0], roster=contents[1])
    else:
        body.update(units=units, chunks=contents)
    return body


def _plan(build: FleetBuild, screen: Screen, county: dict[str, Any], unit_ids: dict[str, str],
          chosen: list[Record], chunks: list[str], reachable: set[str], as_tree: bool) -> str:
    """The screen's plan object added to ``build``; ``reachable`` gains what it needs."""
    units = _units(screen, chosen, unit_ids)
    plan_id = build.add(_plan_body(screen, county, units, chosen, chunks, as_tree))
    reachable.update((plan_id, *units.values()))
    for record in chosen:
        reachable.update((record.ref, *record.deps))
    return plan_id


def _is_boundary(identity: str, every: int = CHUNK_BOUNDARY) -> bool:
    return int.from_bytes(hashlib.sha1(identity.encode()).digest()[:4], "big") % every == 0



def plan_records(screen: Screen, records: list[Record], unit_ids: dict[str, str],
                 county: dict[str, Any], as_tree: bool) -> tuple[str, FleetBuild]:
    """One screen's plan from records already chosen and ordered (benchmarks, tools): its
    root id and a build holding the plan, index and chunk objects (not the items)."""
    build = FleetBuild()
    contents, used = _contents(build, screen, records, unit_ids, as_tree)
    return _plan(build, screen, county, unit_ids, records, contents, set(used), as_tree), build
