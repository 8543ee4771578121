"""The county's time zone: IANA names checked with :mod:`zoneinfo`, and wall time in that zone.

A sign, kiosk or print station dates things by the county's clock, never by the box's own zone
setting: a box installed with UTC still shows Beijing time and switches dayparts at the right
hour. The county names its zone in ``county.yaml`` (``time_zone``); without one, or with a name
this machine does not know, it is Asia/Shanghai. The catalogue's check, the wire format and the
players all ask this module, so one rule says what a valid name is.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import zoneinfo

DEFAULT_ZONE = "Asia/Shanghai"
# An IANA key ("Asia/Shanghai", "Etc/GMT-8", "UTC"); never a path, never longer than any real name.
_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_+-]{0,30}(/[A-Za-z0-9_+-]{1,30}){0,2}")
# Keys zoneinfo finds that are not zones a county can be in: the machine's own setting and stubs.
_NOT_A_COUNTY = frozenset({"localtime", "Factory", "posixrules"})


@functools.lru_cache(maxsize=64)
def zone_named(name: str) -> zoneinfo.ZoneInfo | None:
    """The zone called ``name``, or None when it is not an IANA zone this machine knows."""
    if not isinstance(name, str) or not _KEY.fullmatch(name) or name in _NOT_A_COUNTY:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def nearest_zones(name: str, count: int = 3) -> list[str]:
    """Known zone names closest to a misspelt one (for advice: Asia/Shangai → Asia/Shanghai)."""
    known = sorted(zoneinfo.available_timezones() - _NOT_A_COUNTY)
    by_case = {key.lower(): key for key in known}
    if name.strip().lower() in by_case:
        return [by_case[name.strip().lower()]]
    return difflib.get_close_matches(name.strip(), known, n=count, cutoff=0.6)


def county_zone(name: object = None) -> zoneinfo.ZoneInfo:
    """The zone ``name`` names; Asia/Shanghai when it names none this machine knows."""
    zone = zone_named(name) if isinstance(name, str) else None
    return zone or zoneinfo.ZoneInfo(DEFAULT_ZONE)


def utc_now() -> dt.datetime:
    """The present moment, time-zone aware: what every player clock returns by default."""
    return dt.datetime.now(dt.UTC)


def wall_time(moment: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """``moment`` on the county's clock. A naive ``moment`` is taken as already on it (a fixed
    day and hour given by a test or a preview's ``--today``), never as the box's local time."""
    return moment if moment.tzinfo is None else moment.astimezone(zone)


def county_now(zone: dt.tzinfo | None = None) -> dt.datetime:
    """Now on the county's clock (Asia/Shanghai unless ``zone``)."""
    return utc_now().astimezone(zone or county_zone())
