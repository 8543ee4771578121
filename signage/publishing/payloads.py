"""Model → wire objects: what a screen needs to show a unit, an item, a notice, an announcement.

Each function returns a plain dict (the wire format adds ``schema`` and hashes it). Dates are ISO
strings; empty fields are left out so that adding a field to the model does not change the hash
of every object that does not use it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from signage.catalogue.model import Announcement, County, Flowchart, Notice, PowerItem, Unit
from signage.catalogue.rules.flowcharts import is_readable_file, resolve_image
from signage.contract.wire import TIME_ZONE_FIELD, encode_parts

MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
               ".gif": "image/gif", ".bmp": "image/bmp", ".webp": "image/webp"}


def _compact(obj: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if v not in (None, "", [], {})}


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def county_object(county: County) -> dict[str, Any]:
    return _compact({"name": county.name, "office": county.office,
                     "supervision_phone": county.supervision_phone,
                     "online_url": county.online_url, TIME_ZONE_FIELD: county.time_zone})


def unit_object(unit: Unit, *, minimal: bool = False) -> dict[str, Any]:
    """The unit's own details; ``minimal`` (name only) when its details have errors."""
    obj = {"type": "unit", "id": unit.id, "name": unit.name, "short_name": unit.short_name}
    if not minimal:
        obj |= {
            "address": unit.address, "hours": unit.hours, "consult_phone": unit.consult_phone,
            "supervision_phone": unit.supervision_phone, "complaint_phone": unit.complaint_phone,
            "website": unit.website, "duties": unit.duties,
            "rules": [{"title": r.title, "text": r.text} for r in unit.rules],
        }
    return _compact(obj)


def power_object(item: PowerItem, flowchart_image: str | None) -> dict[str, Any]:
    fee = item.fee
    return _compact({
        "type": "power", "unit": item.unit_id, "code": item.code, "name": item.name,
        "power_type": item.type, "power_type_declared": item.type_declared,
        "implementing_unit": item.implementing_unit, "department": item.department,
        "legal_basis": item.legal_basis, "statutory_days": item.statutory_days,
        "promised_days": item.promised_days,
        "fee": _compact({"charged": fee.charged, "standard": fee.standard, "basis": fee.basis}),
        "materials": item.materials, "place": item.place, "hours": item.hours,
        "conditions": item.conditions, "consult_phone": item.consult_phone,
        "supervision_phone": item.supervision_phone,
        "flowchart": _flowchart(item.flowchart, flowchart_image),
        "updated": _date(item.updated),
    })


def _flowchart(chart: Flowchart | None, image: str | None) -> dict[str, Any] | None:
    if chart is None:
        return None
    steps = [_compact({"name": s.name, "post": s.post, "days": s.days, "note": s.note,
                       "branches": [{"when": b.when, "to": b.to} for b in s.branches]})
             for s in chart.steps]
    return _compact({"image": image, "steps": steps})


def notice_object(notice: Notice) -> dict[str, Any]:
    return _compact({
        "type": "notice", "unit": notice.unit_id, "title": notice.title, "kind": notice.kind,
        "issuer": notice.issuer, "doc_number": notice.doc_number, "date": _date(notice.date),
        "summary": notice.summary, "body": notice.body, "updated": _date(notice.updated),
    })


def announcement_object(item: Announcement) -> dict[str, Any]:
    return _compact({"type": "announcement", "unit": item.unit_id, "id": item.id,
                     "text": item.text, "urgent": item.urgent or None})


def image_objects(root: Path, unit: Unit, relative: str) -> tuple[str, dict[str, bytes]] | None:
    """(blob id, {object id: payload}) for a flowchart image, or None if it cannot be read."""
    path = resolve_image(root, unit.folder, relative)
    if path is None or not is_readable_file(path):
        return None
    media = MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
    (blob_id, blob), parts = encode_parts(path.read_bytes(), media)
    return blob_id, {blob_id: blob, **dict(parts)}
