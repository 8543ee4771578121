"""What the sign shows next: urgent announcements first, then the loop, resumed after interruptions.

The loop follows the current plan's order (urgent entries lead it, as :meth:`Plan.current`
puts them). A new version takes effect at the next item: the cursor continues after the last
item shown if the new plan still has it, else at the same position. An urgent announcement
that is new in a version *preempts*: it passes ``urgent_repeat`` times at once, then the item
it cut short starts again.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable

from players.led.compose import Item
from players.led.text import entry_runs
from players.plan import Entry, Plan
from signage.text.timezones import county_now

EntryId = tuple[str, str, str]


def entry_id(entry: Entry) -> EntryId:
    return (entry.kind, entry.unit, entry.key)


class Playlist:
    def __init__(self, template: str, wall: Callable[[], dt.datetime] = county_now) -> None:
        self.template = template
        self.wall = wall
        self.plan: Plan | None = None
        self.unit_names: dict[str, str] = {}
        self.urgent_queue: deque[Entry] = deque()
        self.resume: deque[Entry] = deque()  # items cut short by an urgent one, shown again first
        self.last: EntryId | None = None
        self.position = 0
        self.urgent_seen: set[tuple[EntryId, str]] = set()  # (id, the text the sign shows)
        self._current: tuple[tuple[str, str], list[Entry], dict[EntryId, int]] | None = None

    def update(self, plan: Plan) -> list[Entry]:
        """Take a new version; return the urgent announcements it brings that were not shown yet."""
        first = self.plan is None
        self.plan = plan
        self.unit_names = {uid: str(u.get("short_name") or u.get("name") or uid)
                           for uid, u in plan.units.items() if u}
        urgent = [e for e in plan.current(self.wall()) if e.urgent]
        seen = [(entry_id(e), self._shown(e)) for e in urgent]
        fresh = [e for e, shown in zip(urgent, seen, strict=True) if shown not in self.urgent_seen]
        self.urgent_seen = set(seen)
        corrected = {entry_id(e) for e in fresh}
        self.urgent_queue = deque(e for e in self.urgent_queue if entry_id(e) not in corrected)
        return [] if first else fresh  # at start-up the loop leads with them anyway

    def _shown(self, entry: Entry) -> str:
        """The text the sign shows for ``entry`` (what a correction changes)."""
        return "".join(run.text for run in entry_runs(entry, self.template, self.unit_names))

    def interrupt(self, cut: list[Entry], urgent: list[Entry], repeat: int) -> None:
        """Queue ``urgent`` ``repeat`` times, then the entries it cut short."""
        self.urgent_queue.extend(e for _ in range(repeat) for e in urgent)
        self.resume.extendleft(reversed([e for e in cut if not e.urgent]))

    def announce(self, entry: Entry) -> None:
        """Show a one-off entry (an installer's identify text) next."""
        self.urgent_queue.appendleft(entry)

    def next(self) -> Item | None:
        entry = self._next_entry()
        if entry is None:
            return None
        return Item(entry, tuple(entry_runs(entry, self.template, self.unit_names)))

    def _next_entry(self) -> Entry | None:
        if self.urgent_queue:
            return self.urgent_queue.popleft()
        entries, index_of = self._entries_now()
        if not entries:
            return None
        while self.resume:
            entry = self.resume.popleft()
            if entry_id(entry) in index_of:
                return self._advance(entries, index_of[entry_id(entry)])
        index = index_of[self.last] + 1 if self.last in index_of else self.position
        return self._advance(entries, index % len(entries))

    def _entries_now(self) -> tuple[list[Entry], dict[EntryId, int]]:
        """The plan's current entries and their positions, worked out once a minute: validity
        and dayparts change by the minute, and 5,000 entries take milliseconds to filter."""
        if self.plan is None:
            return [], {}
        key = (self.plan.plan_id, self.wall().strftime("%Y-%m-%d %H:%M"))
        if self._current is None or self._current[0] != key:
            entries = self.plan.current(self.wall())
            self._current = key, entries, {entry_id(e): i for i, e in enumerate(entries)}
        return self._current[1], self._current[2]

    def _advance(self, entries: list[Entry], index: int) -> Entry:
        entry = entries[index]
        self.last, self.position = entry_id(entry), index
        return entry
