"""What the site shows: the publishable part of a checked catalogue, through the same gate as the
screens (:func:`signage.publishing.plans.withheld`: reviewed, 主动公开, no blocking finding), in
the wire shape the screens get (:mod:`signage.publishing.payloads`).

Validity dates are the one difference, on purpose: a screen drops an expired record, the site keeps
its page and marks it 已失效 (the 2017 government-website guidance asks that repealed or expired
information stay findable, marked as such). A record not valid yet has no page until it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from signage.catalogue.checking import CheckResult
from signage.catalogue.model import Notice, PowerItem, Unit
from signage.catalogue.rules.flowcharts import is_readable_file, resolve_image
from signage.publishing import payloads
from signage.publishing.plans import expired, withheld
from signage.site import indexno, urls


@dataclass(slots=True)
class Page:
    """One power item or notice page: its wire-shaped data and what lists need of it."""

    kind: str  # powers, notices
    unit: str
    key: str
    path: str
    data: dict[str, Any]
    index_number: str
    expired: bool = False
    image: Path | None = None  # a unit's flowchart image file, copied beside the page
    attachments: list[tuple[str, Path]] = field(default_factory=list)  # a notice's (title, file)

    @property
    def title(self) -> str:
        return str(self.data.get("name") or self.data.get("title") or self.key)


@dataclass(slots=True)
class SiteUnit:
    id: str
    data: dict[str, Any]
    prefix: str
    powers: list[Page] = field(default_factory=list)
    notices: list[Page] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.data.get("name") or self.id)


@dataclass(slots=True)
class SiteContent:
    county: dict[str, Any]
    units: list[SiteUnit]
    today: dt.date

    def pages(self) -> list[Page]:
        return [p for u in self.units for p in (*u.powers, *u.notices)]


def site_content(check: CheckResult, today: dt.date) -> SiteContent:
    """The site's records of ``check`` on ``today``."""
    blocked = check.blocked()
    root = Path(check.catalogue.root)
    units = [site_unit(root, unit, blocked, today) for unit in check.catalogue.units.values()]
    return SiteContent(payloads.county_object(check.catalogue.county), units, today)


def _shown(obj: PowerItem | Notice, blocked: set[tuple[str, str]], today: dt.date) -> bool:
    return not withheld(obj, blocked) and not (obj.valid_from and obj.valid_from > today)


def site_unit(root: Path, unit: Unit, blocked: set[tuple[str, str]], today: dt.date) -> SiteUnit:
    """One unit's records (see :func:`site_content`)."""
    prefix = unit.code_prefix or unit.id.upper()
    powers = [p for p in unit.powers if _shown(p, blocked, today)]
    notices = [n for n in unit.notices if _shown(n, blocked, today)]
    numbers = indexno.assign(
        prefix,
        unit.id,
        [(indexno.POWER, None, p.key) for p in powers]
        + [(indexno.NOTICE, n.date.year if n.date else None, n.key) for n in notices],
    )
    site_unit = SiteUnit(unit.id, payloads.unit_object(unit, minimal=(unit.id, unit.id) in blocked), prefix)
    for item in powers:
        image = None
        if item.flowchart and item.flowchart.image:
            found = resolve_image(root, unit.folder, item.flowchart.image)
            image = found if found is not None and is_readable_file(found) else None
        data = payloads.power_object(item, image.name if image else None)
        site_unit.powers.append(
            Page(
                "powers",
                unit.id,
                item.key,
                urls.item(unit.id, item.key),
                data,
                numbers[f"{indexno.POWER}/{item.key}"],
                expired(item.valid_until, today),
                image,
            )
        )
    for notice in sorted(notices, key=lambda n: n.date or dt.date.min, reverse=True):
        data = payloads.notice_object(notice) | {
            "disclosure": notice.disclosure,
            "valid_until": _iso(notice.valid_until),
        }
        site_unit.notices.append(
            Page(
                "notices",
                unit.id,
                notice.key,
                urls.notice(unit.id, notice.key),
                data,
                numbers[f"{indexno.NOTICE}/{notice.key}"],
                expired(notice.valid_until, today),
                attachments=_attachments(root, unit, notice),
            )
        )
    return site_unit


def _attachments(root: Path, unit: Unit, notice: Notice) -> list[tuple[str, Path]]:
    """The notice's attachments that exist inside its unit's folder (the checker holds back a
    notice whose attachment is missing or outside, so on the site all of them are there)."""
    found = []
    for attachment in notice.attachments:
        path = resolve_image(root, unit.folder, attachment.file) if attachment.file else None
        if path is not None and is_readable_file(path):
            found.append((attachment.title or path.name, path))
    return found


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
