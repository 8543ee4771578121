"""What the console serves: the content folder, the data folder and the running publisher.

Views read these through :func:`current`; ``signage serve`` fills them in, tests swap them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(slots=True)
class Site:
    content_dir: Path
    data_dir: Path
    screens_path: Path | None = None
    request_publish: Callable[[], None] | None = None  # the publisher's "publish now"
    fleet: Any = None  # a signage.fleet.status.FleetWatcher, when a broker runs
    send_command: Callable[[str, str], bytes | None] | None = None  # screen, command → screenshot
    today: Callable[[], dt.date] = field(default=dt.date.today)
    checker: Any = None  # the publisher's Checker when serving beside it: one county check, shared
    content_written: Callable[[str], None] | None = None  # unit id → the publisher publishes at once

    @property
    def review_key_path(self) -> Path:
        return self.data_dir / "console-review.key"

    @property
    def screenshots_dir(self) -> Path:
        return self.data_dir / "screenshots"


_current: Site | None = None


def install(site: Site) -> Site:
    global _current
    _current = site
    return site


def current() -> Site:
    if _current is None:
        raise RuntimeError("the console has no site: call signage.console.setup.configure first")
    return _current
