"""What the kiosk offers, worked out once per content version: units, types, notices, the search
index, and the urgent banner."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from players.plan import Entry, Plan
from signage.catalogue.vocab import POWER_TYPES
from signage.text.search import SearchIndex, unit_names
from signage.text.timezones import utc_now


@dataclass(slots=True)
class KioskContent:
    version: int = 0
    county: dict[str, Any] = field(default_factory=dict)
    units: dict[str, dict[str, Any]] = field(default_factory=dict)
    powers: list[Entry] = field(default_factory=list)
    by_unit: dict[str, list[Entry]] = field(default_factory=dict)
    by_type: dict[str, list[Entry]] = field(default_factory=dict)
    notices: list[Entry] = field(default_factory=list)
    announcements: list[Entry] = field(default_factory=list)
    urgent: list[Entry] = field(default_factory=list)
    index: SearchIndex | None = None  # built in the background: see wait_index()
    index_ready: threading.Event = field(default_factory=threading.Event)

    def wait_index(self, timeout: float = 5.0) -> SearchIndex | None:
        """The search index, waiting for its build (it runs after the first frame is up)."""
        self.index_ready.wait(timeout)
        return self.index

    @property
    def title(self) -> str:
        return f"{self.county.get('name') or ''}政务公开查询"

    def unit_name(self, unit_id: str) -> str:
        unit = self.units.get(unit_id) or {}
        return str(unit.get("name") or unit_id)

    def item_url(self, entry: Entry) -> str:
        """The item's online page from the county's template (empty when there is none)."""
        template = str(self.county.get("online_url") or "")
        code = str(entry.data.get("code") or "")
        if not template or not code:
            return ""
        try:
            return template.format(code=code, unit=entry.unit)
        except (KeyError, IndexError, ValueError):
            return ""


def kiosk_content(plan: Plan, now: Callable[[], dt.datetime] = utc_now) -> KioskContent:
    """Sort a plan into what the kiosk's screens need, and build the search index."""
    entries = plan.current(now())
    powers = [e for e in entries if e.kind == "powers"]
    by_unit: dict[str, list[Entry]] = {unit_id: [] for unit_id in plan.units}
    by_type: dict[str, list[Entry]] = {}
    for entry in powers:
        by_unit.setdefault(entry.unit, []).append(entry)
        by_type.setdefault(power_type(entry), []).append(entry)
    order = {name: i for i, name in enumerate(POWER_TYPES)}
    by_type = dict(sorted(by_type.items(), key=lambda kv: order.get(kv[0], len(order))))
    notices = [e for e in entries if e.kind == "notices"]
    announcements = [e for e in entries if e.kind == "announcements"]
    content = KioskContent(
        version=plan.version, county=dict(plan.county), units=dict(plan.units), powers=powers,
        by_unit={k: v for k, v in by_unit.items() if v}, by_type=by_type, notices=notices,
        announcements=[e for e in announcements if not e.urgent],
        urgent=[e for e in announcements if e.urgent])
    # The home page needs counts, not the index: build it beside the first frames (a second for
    # 10,000 items), so a kiosk starting from its cache is on screen at once.
    threading.Thread(target=_build_index, args=(content, powers + notices, plan), name="search-index",
                     daemon=True).start()
    return content


def _build_index(content: KioskContent, entries: list[Entry], plan: Plan) -> None:
    try:
        content.index = SearchIndex.build(entries, unit_names(plan.units))
    finally:
        content.index_ready.set()


def power_type(entry: Entry) -> str:
    return str(entry.data.get("power_type") or entry.data.get("power_type_declared") or "其他")
