"""``signage preview led``: an LED sign's frames for chosen content, straight from the folder.

Frames come one at a time, so a long county playlist or a large panel is written as it is
rendered (a GIF that would need too much memory is refused with advice; see
``players.led.outputs.preview.save_animation``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from players.led.layout import parse_layout
from players.led.outputs.base import Frame
from players.led.outputs.preview import frames_of
from signage.publishing.preview import preview_plan
from signage.text.timezones import utc_now


def preview_frames(content: Path, screens_path: Path, layout_id: str, *, codes: tuple[str, ...] = (),
                   units: tuple[str, ...] = (), seconds: float | None = None, fps: float = 25.0,
                   today: dt.date | None = None) -> Iterator[Frame]:
    """Frames of layout ``layout_id`` showing the published items (only ``codes`` if given)."""
    plan = preview_plan(content, screens_path, layout_id, kind="led", units=units, today=today)
    parse_layout(plan.layout)  # a bad layout is reported before anything is rendered
    if codes:
        chosen = tuple(e for e in plan.entries if e.key in codes or e.data.get("code") in codes)
        found = {e.key for e in chosen} | {str(e.data.get("code")) for e in chosen}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise LookupError(f"not among the published items: {', '.join(unknown)} "
                              "(check the code; `signage check` tells if an item is held back)")
        plan = dataclasses.replace(plan, entries=chosen)
    moment = dt.datetime.combine(today, dt.time(10, 0)) if today else None  # 10:00 on the county's clock
    return frames_of(plan, fps=fps, seconds=seconds, wall=(lambda: moment) if moment else utc_now)
