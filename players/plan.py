"""A complete, verified content version as renderers see it, resolved from the object store.

Resolving walks the Merkle tree from the plan object: plan → units and chunks (a flat list, or
since schema 1.1 a tree of index nodes, the units in a roster) → entries' items → flowchart
blobs → parts. Every complete chunk and index node is remembered with its entries, so a new
version resolves only the subtrees it does not share with the last one. :class:`Incomplete`
tells the runtime what it still has to fetch (level by level: a chunk's items are only known
once the chunk is here).
"""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo
from collections.abc import Callable, Iterator, Set
from dataclasses import dataclass
from typing import Any

from signage.contract.objectstore import ObjectStore
from signage.contract.wire import WireError, decode_object, plan_zone
from signage.text.timezones import utc_now, wall_time


@dataclass(frozen=True, slots=True)
class Entry:
    """One thing to show: a power item, notice or announcement, with when to show it."""

    kind: str  # powers, notices, announcements
    unit: str
    key: str
    ref: str
    data: dict[str, Any]
    urgent: bool = False
    valid_from: str | None = None
    valid_until: str | None = None
    hours: tuple[str, ...] | None = None  # daypart windows "08:00-17:30"; None = always

    def active(self, now: dt.datetime) -> bool:
        today = now.date().isoformat()
        if self.valid_from and today < self.valid_from:
            return False
        if self.valid_until and today > self.valid_until:
            return False
        if self.hours is None:
            return True
        return any(_in_window(now.time(), window) for window in self.hours)


def _in_window(moment: dt.time, window: str) -> bool:
    start_text, end_text = window.split("-")
    start, end = (dt.time.fromisoformat(t) if t != "24:00" else dt.time.max
                  for t in (start_text, end_text))
    return start <= moment < end if start <= end else (moment >= start or moment < end)


class Objects(Set[str]):
    """The objects of a subtree, as the union of its parts' sets, made into one set only when
    asked (by the cache's occasional clean-up): a new version that shares all but one path
    with the last never walks the 50,000 objects it shares."""

    __slots__ = ("_ids", "own", "parts")

    def __init__(self, own: frozenset[str], parts: tuple[Set[str], ...] = ()) -> None:
        self.own, self.parts = own, parts
        self._ids: frozenset[str] | None = None

    def _walk(self) -> Iterator[str]:
        yield from self.own
        for part in self.parts:
            yield from part._walk() if isinstance(part, Objects) else part

    def _all(self) -> frozenset[str]:
        if self._ids is None:
            self._ids = frozenset(self._walk())
        return self._ids

    def __contains__(self, object_id: object) -> bool:
        if self._ids is not None:
            return object_id in self._ids
        return object_id in self.own or any(object_id in part for part in self.parts)

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


@dataclass(frozen=True, slots=True)
class Plan:
    version: int
    screen: str
    kind: str
    site: str
    layout: dict[str, Any]
    county: dict[str, Any]
    units: dict[str, dict[str, Any]]
    entries: tuple[Entry, ...]
    plan_id: str
    object_ids: Set[str]  # every object this version uses (what the cache keeps; see Objects)

    def zone(self) -> zoneinfo.ZoneInfo:
        """The county's time zone (the plan's ``county.time_zone``; Asia/Shanghai without one)."""
        return plan_zone(self.county)

    def wall(self, now: dt.datetime | None = None) -> dt.datetime:
        """``now`` (default: the present) on the county's clock, whatever the box's zone."""
        return wall_time(now or utc_now(), self.zone())

    def current(self, now: dt.datetime | None = None) -> list[Entry]:
        """Entries to show now: valid today and inside their daypart, by the county's clock;
        urgent ones first."""
        moment = self.wall(now)
        active = [e for e in self.entries if e.active(moment)]
        return [e for e in active if e.urgent] + [e for e in active if not e.urgent]


class Incomplete(Exception):
    """The store lacks objects; ``missing`` are the ids to fetch next."""

    def __init__(self, missing: set[str]) -> None:
        super().__init__(f"{len(missing)} objects missing")
        self.missing = missing


class Resolver:
    """Loads objects from the store once: decoded objects are remembered across resolves, so a
    new version only reads and verifies the objects it does not share with the last one."""

    def __init__(self, store: ObjectStore) -> None:
        self.store = store
        self.known: dict[str, Any] = {}
        # chunk id → its resolved entries and every object they use: chunks are immutable, so
        # a new version only resolves the chunks it does not share with the last one.
        self.chunks: dict[str, tuple[tuple[Entry, ...], Set[str]]] = {}
        self.unwritten: dict[str, bytes] = {}  # remembered, not yet in the store
        # Item fields the renderer shows (None: all). An LED sign shows four fields of an item
        # that carries twenty; keeping only those holds a 5,000-item sign in a small board's RAM.
        self.fields: frozenset[str] | None = None
        self.choose_fields: Callable[[dict[str, Any]], frozenset[str] | None] | None = None

    def only_fields(self, fields: frozenset[str] | None) -> None:
        """Keep only ``fields`` of each item from now on (resolved chunks are redone if it changes)."""
        if fields != self.fields:
            self.fields = fields
            self.chunks.clear()

    def load(self, object_id: str, missing: set[str]) -> Any:
        obj = self.known.get(object_id)
        if obj is not None:
            return obj
        payload = self.store.get(object_id)
        if payload is None:
            missing.add(object_id)
            return None
        obj = decode_object(payload, object_id)
        if not isinstance(obj, bytes):  # parts stay on disk; only structure is remembered
            self.known[object_id] = obj
        return obj

    def remember(self, object_id: str, payload: bytes) -> None:
        """Take a verified object that is not on disk yet (see PlayerCache.commit)."""
        obj = decode_object(payload, object_id)
        if not isinstance(obj, bytes):
            self.known[object_id] = obj
            self.unwritten[object_id] = payload

    def forget_except(self, keep: Set[str]) -> None:
        for cache in (self.known, self.chunks):
            for object_id in cache.keys() - keep:
                del cache[object_id]

    def has(self, object_id: str) -> bool:
        return object_id in self.known or object_id in self.store


def _load(store: Resolver, object_id: str, missing: set[str]) -> Any:
    return store.load(object_id, missing)


def _json(store: Resolver, object_id: str, missing: set[str], kind: str) -> dict[str, Any] | None:
    obj = _load(store, object_id, missing)
    if obj is not None and (not isinstance(obj, dict) or obj.get("type") != kind):
        raise WireError("bad-object", f"object {object_id[:12]} is not a {kind}")
    return obj


def resolve(source: ObjectStore | Resolver, plan_id: str, version: int) -> Plan:
    """The whole plan, every object verified; raises Incomplete with what to fetch next, and
    WireError when the tree is malformed (a signed version a renderer could not show)."""
    store = source if isinstance(source, Resolver) else Resolver(source)
    try:
        return _resolve(store, plan_id, version)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise WireError("bad-object", f"version {version}: malformed content tree "
                                      f"({type(exc).__name__}: {exc})") from None


def _resolve(store: Resolver, plan_id: str, version: int) -> Plan:
    missing: set[str] = set()
    used = {plan_id}
    parts: list[Set[str]] = []
    plan = _json(store, plan_id, missing, "plan")
    if plan is None:
        raise Incomplete(missing)
    if store.choose_fields is not None:
        store.only_fields(store.choose_fields(dict(plan.get("layout", {}))))
    entries: tuple[Entry, ...] = ()
    unit_refs = plan.get("units", {})
    if plan.get("tree") is not None:  # schema 1.1: the chunks as a tree of index nodes
        roster_id = str(plan["roster"])
        used.add(roster_id)
        roster = _json(store, roster_id, missing, "roster")
        unit_refs = roster.get("units", {}) if roster else {}
        entries, root_used = _index(store, str(plan["tree"]), None, missing)
        parts.append(root_used)
    else:
        chunks = [_chunk(store, chunk_id, missing) for chunk_id in plan.get("chunks", [])]
        entries = tuple(itertools.chain.from_iterable(e for e, _ in chunks))
        parts.extend(u for _, u in chunks)
    units = {}
    for unit_id, object_id in dict(unit_refs).items():
        used.add(object_id)
        units[unit_id] = _json(store, object_id, missing, "unit")
    if missing:
        raise Incomplete(missing)
    return Plan(version, str(plan["screen"]), str(plan["kind"]), str(plan.get("site", "")),
                dict(plan.get("layout", {})), dict(plan.get("county", {})), units,
                entries, plan_id, Objects(frozenset(used), tuple(parts)))


def _chunk(store: Resolver, chunk_id: str,
           missing: set[str]) -> tuple[tuple[Entry, ...], Set[str]]:
    cached = store.chunks.get(chunk_id)
    if cached is not None:
        return cached
    used = {chunk_id}
    missing_before = len(missing)
    chunk = _json(store, chunk_id, missing, "chunk")
    entries = tuple(_entry(store, row, missing, used) for row in (chunk or {}).get("entries", []))
    result = entries, frozenset(used)
    if chunk is not None and len(missing) == missing_before:
        store.chunks[chunk_id] = result  # complete: reusable as is
    return result


def _index(store: Resolver, node_id: str, node: dict[str, Any] | None,
           missing: set[str]) -> tuple[tuple[Entry, ...], Set[str]]:
    """An index node's entries (its chunks', or its child nodes', in order) and every object
    below it; remembered once complete, like a chunk."""
    cached = store.chunks.get(node_id)
    if cached is not None:
        return cached
    node = node if node is not None else _json(store, node_id, missing, "index")
    if node is None:
        return (), frozenset((node_id,))
    missing_before = len(missing)
    if "nodes" in node:
        children = [_index(store, str(child), None, missing) for child in node["nodes"]]
    else:
        children = [_chunk(store, str(chunk_id), missing) for chunk_id in node["chunks"]]
    entries = tuple(itertools.chain.from_iterable(e for e, _ in children))  # one copy, in C
    result = entries, Objects(frozenset((node_id,)), tuple(u for _, u in children))
    if len(missing) == missing_before:
        store.chunks[node_id] = result
    return result


def _entry(store: Resolver, row: dict[str, Any], missing: set[str], used: set[str]) -> Entry:
    ref = str(row["ref"])
    used.add(ref)
    data = _load(store, ref, missing)
    if isinstance(data, dict):
        image = (data.get("flowchart") or {}).get("image")
        if image:
            _blob(store, image, missing, used)
        if store.fields is not None:
            data = {key: value for key, value in data.items() if key in store.fields}
            store.known.pop(ref, None)  # the chunk cache holds the slim entry; the full one can go
    hours = row.get("hours")
    windows = tuple(str(window) for window in hours) if hours is not None else None
    for window in windows or ():
        _in_window(dt.time(), window)  # a malformed window fails here, not in a render loop
    return Entry(str(row["kind"]), str(row["unit"]), str(row["key"]), ref,
                 data if isinstance(data, dict) else {}, bool(row.get("urgent")),
                 row.get("valid_from"), row.get("valid_until"), windows)


def _blob(store: Resolver, blob_id: str, missing: set[str], used: set[str]) -> None:
    used.add(blob_id)
    blob = _json(store, blob_id, missing, "blob")
    for part in (blob or {}).get("parts", []):
        used.add(part)
        if not store.has(part):
            missing.add(part)


def chunk_ids(plan: dict[str, Any], load: Callable[[str], dict[str, Any] | None]) -> list[str] | None:
    """A plan's chunk ids in order, flat or through its index tree (``load`` gives a JSON
    object by id); None when an index node is missing. For tools reading a store (assessment)."""
    if plan.get("tree") is None:
        return [str(c) for c in plan.get("chunks") or []]
    out: list[str] = []
    pending = [str(plan["tree"])]
    while pending:  # depth first, in order
        node = load(pending.pop())
        if node is None:
            return None
        if "nodes" in node:
            pending.extend(str(n) for n in reversed(node["nodes"]))
        else:
            out.extend(str(c) for c in node.get("chunks") or [])
    return out


def read_blob(store: ObjectStore, blob_id: str) -> bytes:
    """The bytes of a binary file (a flowchart image) from its blob object."""
    blob = decode_object(store.get(blob_id) or b"", blob_id)
    if not isinstance(blob, dict):
        raise WireError("bad-object", f"{blob_id[:12]} is not a blob")
    parts = [decode_object(store.get(p) or b"", p) for p in blob["parts"]]
    return b"".join(p for p in parts if isinstance(p, bytes))[: int(blob["size"])]
