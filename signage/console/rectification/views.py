"""The office's 整改意见书 pages (issue, list, re-check, close) and a unit's view of its own notices."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from signage.console.audit.log import record as audit
from signage.console.editing.checks import county_result
from signage.console.rectification import notices
from signage.console.rectification.models import Rectification
from signage.console.security import OFFICE, UNIT, role_of, role_required, unit_allowed
from signage.console.site import current


def _notice(request: HttpRequest, pk: int) -> Rectification:
    """The notice, if this account may see it: the office any, a clerk their own unit's (else 404)."""
    notice = Rectification.objects.filter(pk=pk).first()
    if notice is None:
        raise Http404("没有这份整改意见书")
    unit_allowed(request, notice.unit)
    return notice


@role_required(OFFICE)
def index(request: HttpRequest) -> HttpResponse:
    result = county_result(current())
    today = current().today()
    units = []
    for unit_id, unit in result.catalogue.units.items():
        findings = result.for_unit(unit_id)
        units.append({"id": unit_id, "name": unit.display_name,
                      "errors": sum(1 for f in findings if f.is_error),
                      "warnings": sum(1 for f in findings if not f.is_error)})
    listed = Rectification.objects.defer("pdf", "findings").order_by("status", "deadline", "-id")[:500]
    return render(request, "console/rectifications.html", {
        "units": units, "notices": listed, "today": today,
        "deadline": notices.default_deadline(today).isoformat(), "workdays": notices.DEADLINE_WORKDAYS})


@role_required(OFFICE)
@require_POST
def issue(request: HttpRequest) -> HttpResponse:
    unit_id = request.POST.get("unit", "")
    try:
        deadline = dt.date.fromisoformat(request.POST.get("deadline", ""))
    except ValueError:
        messages.error(request, "整改期限请写作 2026-12-15 这样的日期。")
        return redirect("rectifications")
    try:
        notice = notices.issue(current(), unit_id, deadline, request.user.get_username(),
                               errors_only=request.POST.get("errors_only") == "1")
    except notices.RectificationError as exc:
        messages.error(request, str(exc))
        return redirect("rectifications")
    due = deadline.isoformat()
    audit(request, "rectify-issue", f"{unit_id}/{notice.doc_number}",
          detail=f"{len(notice.findings)} 项问题（错误 {notice.error_count} 项），期限 {due}")
    messages.success(request, f"已下发 {notice.doc_number}：{notice.unit_name}，整改期限 {due}。")
    return redirect("rectification", pk=notice.pk)


@role_required(OFFICE, UNIT)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    remaining = {notices.identity(f) for f in notice.remaining or []}
    checked = notice.checked_at is not None
    rows = [(f, checked and notices.identity(f) not in remaining) for f in notice.findings]
    return render(request, "console/rectification.html", {
        "notice": notice, "rows": rows, "today": current().today(),
        "can_close": role_of(request) == OFFICE})


@role_required(OFFICE, UNIT)
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    response = HttpResponse(bytes(notice.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename=\"rectification-{notice.pk}.pdf\"; " \
        f"filename*=UTF-8''{_quote(notice.unit_name + '-整改意见书.pdf')}"
    return response


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")


@role_required(OFFICE, UNIT)
@require_POST
def recheck(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    try:
        notices.recheck(current(), notice, request.user.get_username())
    except notices.RectificationError as exc:
        messages.error(request, str(exc))
        return redirect("rectification", pk=pk)
    left, errors = len(notice.remaining or []), notice.remaining_errors
    audit(request, "rectify-recheck", f"{notice.unit}/{notice.doc_number}",
          detail=f"仍有 {left} 项问题（错误 {errors} 项），新发现 {notice.new_findings} 项")
    if errors:
        messages.warning(request, f"复查完成：仍有 {errors} 项错误未整改。")
    else:
        messages.success(request, "复查完成：整改意见书所列错误已全部整改。" + (
            f"另有 {left} 项规范性建议仍在。" if left else ""))
    return redirect("rectification", pk=pk)


@role_required(OFFICE)
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    try:
        notices.close(notice, request.user.get_username())
    except notices.RectificationError as exc:
        messages.error(request, str(exc))
        return redirect("rectification", pk=pk)
    audit(request, "rectify-close", f"{notice.unit}/{notice.doc_number}", detail="整改完成，关闭")
    messages.success(request, f"{notice.doc_number} 已关闭。")
    return redirect("rectification", pk=pk)
