"""Times as the office reads them: a player reports UTC (ISO 8601); pages show the county's local
time (county.yaml ``time_zone``, Asia/Shanghai by default), never a bare UTC stamp."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"


def zone_of(county: object) -> ZoneInfo:
    name = str(getattr(county, "time_zone", "") or DEFAULT_ZONE)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def local(iso: str | None, zone: ZoneInfo) -> str | None:
    """``2026-12-03T06:35:40Z`` → ``2026-12-03 14:35:40`` in ``zone``; a stamp without its zone is
    taken as UTC (what players send); nonsense is shown as it came, for the office to see."""
    if not iso:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except ValueError:
        return str(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")
