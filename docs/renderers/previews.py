"""Before/after PNGs of two LED fixes (issue 17), drawn by whichever code is importable.

    .venv/bin/python docs/renderers/previews.py after docs/renderers
    git archive <before-commit> signage players | tar -x -C /tmp/before
    PYTHONPATH=/tmp/before .venv/bin/python docs/renderers/previews.py before docs/renderers

* ``led-nfc-*.png``: item names written with combining marks (Cafe + U+0301, Zho + U+0304 …),
  as text pasted from some editors arrives, and x + U+0333 (no composed form: a flagged placeholder).
* ``led-clock-*.png``: a box set up in UTC at 2026-11-27T23:30Z (07:30 on the 28th in Beijing):
  the title's clock and the daypart the sign picks (07:00–09:00 or 23:00–24:00 items).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import sys
import time
from pathlib import Path

os.environ["TZ"] = "UTC"  # the box's own zone, as the demo's and many installers' boxes have it
time.tzset()

from players.led.outputs.preview import record, save_animation  # noqa: E402
from players.plan import Entry, Plan  # noqa: E402

MOMENT = dt.datetime(2026, 11, 27, 23, 30, tzinfo=dt.UTC)
LAYOUT = {"id": "led-192x32", "kind": "led", "width": 192, "height": 32, "colour": "dual",
          "speed": 48, "template": "{name}",
          "zones": [{"name": "title", "y": 0, "height": 16, "text": "政务公开", "clock": True},
                    {"name": "items", "y": 16, "height": 16, "effect": "page"}]}


def wall() -> dt.datetime:
    """The box's clock: aware where the players take one (the fix), else the naive local time the
    old players read (on a UTC box: 23:30 on the 27th). The same instant either way."""
    if importlib.util.find_spec("signage.text.timezones") is not None:
        return MOMENT
    return MOMENT.astimezone().replace(tzinfo=None)


def plan(entries: list[Entry]) -> Plan:
    return Plan(1, "s1", "led", "", LAYOUT, {"name": "台安县"}, {"u1": {"name": "测试局"}},
                tuple(entries), "p1", frozenset())


def item(key: str, name: str, hours: tuple[str, ...] | None = None) -> Entry:
    return Entry("powers", "u1", key, f"ref-{key}", {"name": name}, hours=hours)


def main(label: str, out: Path) -> None:
    nfc = plan([item("a", "Cafe\u0301 Zho\u0304ngguo\u0301 x\u0333")])  # U+0333: no composed form
    save_animation(record(nfc, fps=10, seconds=2, wall=wall), out / f"led-nfc-{label}.png", 10, pitch=4)
    dayparts = plan([item("m", "早间：窗口07:00开放", ("07:00-09:00",)),
                     item("e", "夜间：自助区开放", ("23:00-24:00",))])
    save_animation(record(dayparts, fps=10, seconds=2, wall=wall), out / f"led-clock-{label}.png", 10,
                   pitch=4)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
