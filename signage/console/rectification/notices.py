"""Issuing, re-checking and closing 整改意见书. The findings are the catalogue's own (the county's
shared check, as on every page); the PDF is signage.office's, in the boards' typography."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from signage.catalogue.findings import Finding, Severity
from signage.console.editing.checks import county_result
from signage.console.rectification.models import CLOSED, OPEN, Rectification
from signage.console.site import Site
from signage.office.notice_facts import NoticeFacts
from signage.text.workdays import WorkCalendar

DEADLINE_WORKDAYS = 10  # the default time a unit gets to fix its content


class RectificationError(Exception):
    """Something the office can act on, said in Chinese."""


def default_deadline(today: dt.date, workdays: int = DEADLINE_WORKDAYS) -> dt.date:
    """``workdays`` working days after ``today`` (national holidays and 调休 counted)."""
    return WorkCalendar().add(today, workdays)


def identity(finding: dict[str, Any]) -> tuple[str, str, str]:
    """What makes two findings the same problem across re-checks (lines move as files change)."""
    return finding["rule"], finding.get("subject") or "", finding.get("field") or ""


def unit_findings(site: Site, unit_id: str, errors_only: bool = False) -> tuple[Any, list[Finding]]:
    result = county_result(site)
    unit = result.catalogue.units.get(unit_id)
    if unit is None:
        raise RectificationError(f"没有单位“{unit_id}”。")
    floor = Severity.ERROR if errors_only else Severity.WARNING
    found = [f for f in result.for_unit(unit_id) if f.severity.rank <= floor.rank]
    return unit, sorted(found, key=lambda f: (f.severity.rank, f.sort_key()))


def _doc_number(county_name: str, year: int, serial: int) -> str:
    prefix = county_name.removesuffix("县").removesuffix("市") or "政务公开"
    return f"{prefix}公开整改〔{year}〕{serial}号"


def issue(site: Site, unit_id: str, deadline: dt.date, actor: str, *,
          errors_only: bool = False) -> Rectification:
    today = site.today()
    if deadline <= today:
        raise RectificationError("整改期限须晚于今天。")
    unit, findings = unit_findings(site, unit_id, errors_only)
    if not findings:
        raise RectificationError(f"{unit.display_name}目前没有需要整改的问题，无需下发整改意见书。")
    county = county_result(site).catalogue.county
    with transaction.atomic():
        serial = (Rectification.objects.filter(year=today.year).aggregate(n=Max("serial"))["n"] or 0) + 1
        number = _doc_number(county.name, today.year, serial)
        facts = NoticeFacts(number=number, days=WorkCalendar().between(today, deadline), deadline=deadline,
                            contact=county.rectify_contact,
                            phone=county.rectify_phone or county.supervision_phone)
        pdf = render_pdf(unit, findings, county.office, today, facts)
        return Rectification.objects.create(
            unit=unit_id, unit_name=unit.display_name, doc_number=number, year=today.year, serial=serial,
            issued_by=actor, issue_date=today, deadline=deadline, findings=[f.to_dict() for f in findings],
            error_count=sum(1 for f in findings if f.is_error), pdf=pdf)


def render_pdf(unit: Any, findings: list[Finding], office: str, date: dt.date, facts: NoticeFacts) -> bytes:
    """The notice as PDF bytes, by the office's own writer (number, deadline and contact from ``facts``)."""
    from signage.office.notice_pdf import write_notice_pdf

    with tempfile.TemporaryDirectory(prefix="signage-rectify-") as temp:
        path = Path(temp) / "notice.pdf"
        write_notice_pdf(path, unit, findings, office, date, facts=facts)
        return path.read_bytes()


def recheck(site: Site, notice: Rectification, actor: str) -> Rectification:
    """Check the unit as its files are now: which of the notice's findings remain, what is new."""
    if not notice.is_open:
        raise RectificationError(f"{notice.doc_number} 已关闭。")
    errors_only = all(f["severity"] == Severity.ERROR.value for f in notice.findings)
    _, now = unit_findings(site, notice.unit, errors_only)
    current = {identity(f.to_dict()) for f in now}
    listed = {identity(f) for f in notice.findings}
    notice.remaining = [f for f in notice.findings if identity(f) in current]
    notice.new_findings = len(current - listed)
    notice.checked_at, notice.checked_by = timezone.now(), actor
    notice.save(update_fields=["remaining", "new_findings", "checked_at", "checked_by"])
    return notice


def close(notice: Rectification, actor: str) -> Rectification:
    if not notice.is_open:
        raise RectificationError(f"{notice.doc_number} 已关闭。")
    if not notice.checked_clean:
        raise RectificationError("复查后仍有未整改的错误（或尚未复查）："
                                 "请先复查，所列错误全部整改后才能关闭。")
    notice.status, notice.closed_at, notice.closed_by = CLOSED, timezone.now(), actor
    notice.save(update_fields=["status", "closed_at", "closed_by"])
    return notice


def open_for(unit_id: str | None = None) -> Any:
    notices = Rectification.objects.filter(status=OPEN).defer("pdf", "findings", "remaining")
    return notices.filter(unit=unit_id) if unit_id else notices


def open_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    for unit in Rectification.objects.filter(status=OPEN).values_list("unit", flat=True):
        counts[unit] = counts.get(unit, 0) + 1
    return counts
