"""Plans built straight from the content folder, without a broker: for previews and printing.

The same planner the publisher uses builds every object in memory; the same resolver a player
uses turns a screen's plan into :class:`~players.plan.Plan`. So a preview shows exactly what
the sign would show after publishing, held-back items and all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from players.plan import Plan, Resolver, resolve
from signage.catalogue.checking import CheckResult, check_content
from signage.publishing.plans import build_fleet
from signage.publishing.screens import SCREEN_KINDS, Screen, ScreenSet, Selection, load_screens


class _MemoryStore:
    """The little of ObjectStore the resolver needs, over a dict."""

    def __init__(self, objects: dict[str, bytes]) -> None:
        self.objects = objects

    def get(self, object_id: str) -> bytes | None:
        return self.objects.get(object_id)

    def __contains__(self, object_id: object) -> bool:
        return object_id in self.objects


def local_plans(check: CheckResult, screens: ScreenSet, today: dt.date | None = None) -> dict[str, Plan]:
    """Every screen's plan as a player would resolve it after a publish."""
    build = build_fleet(check, screens, today or dt.date.today())
    resolver = Resolver(_MemoryStore(build.objects))  # type: ignore[arg-type]
    return {screen_id: resolve(resolver, root, 0) for screen_id, root in build.roots.items()}


def preview_plan(content: Path, screens_path: Path, layout_id: str, *, kind: str,
                 units: tuple[str, ...] = (), today: dt.date | None = None) -> Plan:
    """A plan for one layout showing the content (optionally only ``units``), as if a screen
    with that layout were declared: what staff preview before publishing."""
    screens = load_screens(screens_path)
    if layout_id not in screens.layouts:
        raise KeyError(f"layout {layout_id!r} not found in {screens_path} "
                       f"(known: {', '.join(sorted(screens.layouts)) or 'none'})")
    layout: dict[str, Any] = screens.layouts[layout_id]
    base = next((s for s in screens.screens.values() if s.kind == kind), None)
    select = Selection(channel=SCREEN_KINDS[kind]) if base is None else base.select
    screen = Screen(id="preview", kind=kind, site="", groups=(), layout=layout,
                    select=dataclasses.replace(select, units=units))
    check = check_content(content, today)
    return local_plans(check, ScreenSet({"preview": screen}, screens.layouts), today)["preview"]

