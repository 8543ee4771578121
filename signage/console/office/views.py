"""The office's pages."""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from signage.console.audit.log import csv_rows
from signage.console.audit.log import record as audit
from signage.console.audit.models import AuditEntry
from signage.console.editing.checks import county_result
from signage.console.office import coverage
from signage.console.office.times import local, zone_of
from signage.console.rectification.notices import open_counts
from signage.console.review.models import PENDING, Submission
from signage.console.security import OFFICE, role_required
from signage.console.site import current
from signage.contract.files import atomic_write

STREAM_SECONDS = 55  # then the browser's EventSource reconnects (a server thread is not held forever)
_SCREEN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@role_required(OFFICE)
def dashboard(request: HttpRequest) -> HttpResponse:
    result = county_result(current())
    blocked = result.blocked()
    pending = {}
    for unit in Submission.objects.filter(status=PENDING).values_list("unit", flat=True):
        pending[unit] = pending.get(unit, 0) + 1
    rectifying = open_counts()
    shown = coverage.county_summary(coverage.read(current().data_dir, current().today()),
                                    list(result.catalogue.units))
    rows = []
    for unit_id, unit in result.catalogue.units.items():
        findings = result.for_unit(unit_id)
        records = [*unit.powers, *unit.notices, *unit.announcements]
        rows.append({"id": unit_id, "name": unit.display_name, "powers": len(unit.powers),
                     "notices": len(unit.notices), "announcements": len(unit.announcements),
                     "held": sum(1 for r in records if (unit_id, r.key) in blocked),
                     "errors": sum(1 for f in findings if f.is_error),
                     "warnings": sum(1 for f in findings if not f.is_error),
                     "pending": pending.get(unit_id, 0), "rectifying": rectifying.get(unit_id, 0),
                     "shown": shown[unit_id]})
    last = AuditEntry.objects.filter(action="publish").first()
    from signage.console.register.views import dashboard_lists

    return render(request, "console/dashboard.html", {
        "rows": rows, "last_publish": last, "fleet": fleet_rows(),
        "can_publish": current().request_publish is not None, **dashboard_lists(current().today())})


@role_required(OFFICE)
@require_POST
def publish(request: HttpRequest) -> HttpResponse:
    site = current()
    if site.request_publish is None:
        messages.error(request, "发布服务未运行：请用 signage serve 启动工作台。")
        return redirect("dashboard")
    site.request_publish()
    audit(request, "publish", "county", detail="立即发布")
    messages.success(request, "已开始发布：屏幕收到新版本后，屏幕状态页会显示。")
    return redirect("dashboard")


def fleet_rows() -> list[dict]:
    fleet = current().fleet
    if fleet is None:
        return []
    zone = zone_of(county_result(current()).catalogue.county)
    rows = []
    for row in fleet.snapshot():
        data = asdict(row)
        data["last_seen"] = local(row.last_seen, zone)  # the county's time, not UTC
        data["up_to_date"] = row.up_to_date
        data["has_screenshot"] = (current().screenshots_dir / f"{row.screen}.png").exists()
        rows.append(data)
    return rows


@role_required(OFFICE)
def fleet(request: HttpRequest) -> HttpResponse:
    return render(request, "console/fleet.html", {"rows": fleet_rows(),
                                                  "connected": current().fleet is not None})


@role_required(OFFICE)
def fleet_stream(request: HttpRequest) -> StreamingHttpResponse:
    """Server-sent events: the fleet's rows whenever they change, for a bounded time."""

    def events():
        last = None
        deadline = time.monotonic() + STREAM_SECONDS
        yield "retry: 3000\n\n"
        while time.monotonic() < deadline:
            rows = json.dumps(fleet_rows(), ensure_ascii=False)
            if rows != last:
                last = rows
                yield f"data: {rows}\n\n"
            time.sleep(1)

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"
    return response


def _screen(screen: str) -> str:
    if not _SCREEN.match(screen):
        raise Http404("没有这块屏幕")
    return screen


@role_required(OFFICE)
@require_POST
def screenshot(request: HttpRequest, screen: str) -> HttpResponse:
    site = current()
    screen = _screen(screen)
    if site.send_command is None:
        messages.error(request, "消息服务器未连接，无法截图。")
        return redirect("fleet")
    try:
        png = site.send_command(screen, "screenshot")
    except (ConnectionError, OSError) as exc:
        png = None
        messages.error(request, f"截图失败：{exc}")
    audit(request, "command", f"screen/{screen}", detail="截图")
    if png:
        atomic_write(site.screenshots_dir / f"{screen}.png", png)
        messages.success(request, f"已收到 {screen} 的截图。")
    elif not messages.get_messages(request):
        messages.error(request, f"{screen} 在 10 秒内没有发回截图（离线？）。")
    return redirect("fleet")


@role_required(OFFICE)
def screenshot_image(request: HttpRequest, screen: str) -> FileResponse:
    path = current().screenshots_dir / f"{_screen(screen)}.png"
    if not path.exists():
        raise Http404("还没有截图")
    return FileResponse(path.open("rb"), content_type="image/png")


@role_required(OFFICE)
def audit_log(request: HttpRequest) -> HttpResponse:
    return render(request, "console/audit.html", {"entries": AuditEntry.objects.all()[:500]})


@role_required(OFFICE)
def audit_csv(request: HttpRequest) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_rows(AuditEntry.objects.order_by("id").iterator(2000)),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit.csv"'
    return response
