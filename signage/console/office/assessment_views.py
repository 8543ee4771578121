"""The office's assessment pages: run one, list the stored runs, open a run's report."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from signage.console.audit.log import record as audit
from signage.console.editing.checks import county_result
from signage.console.office import assessments
from signage.console.security import OFFICE, role_required
from signage.console.site import current


@role_required(OFFICE)
def index(request: HttpRequest) -> HttpResponse:
    site = current()
    listed, notes = assessments.runs(site.data_dir, site.today())
    return render(request, "console/assessments.html", {"runs": listed, "notes": notes})


@role_required(OFFICE)
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    site = current()
    try:
        stem, files = assessments.run_assessment(county_result(site), site.data_dir, site.today())
    except (OSError, ValueError) as exc:  # the weights file or the data folder: say so, keep going
        messages.error(request, f"评估未能完成：{exc}")
        audit(request, "assess", "county", detail=f"失败：{exc}")
        return redirect("assessments")
    audit(request, "assess", f"assessment/{stem}", detail=f"运行评估，写出 {len(files)} 个文件")
    messages.success(request, f"评估已完成并保存（{stem}）。")
    return redirect("assessments")


def _serve(request: HttpRequest, stem: str, name: str, folder: str = "") -> FileResponse:
    path = assessments.report_file(current().data_dir, stem, name, folder)
    if path is None:
        raise Http404("没有这份评估报告")
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if kind.startswith("text/"):
        kind += "; charset=utf-8"
    response = FileResponse(path.open("rb"), content_type=kind,
                            as_attachment=not kind.startswith(("text/html", "application/pdf")),
                            filename=path.name)
    response["Content-Security-Policy"] = assessments.REPORT_CSP
    return response


@role_required(OFFICE)
def report(request: HttpRequest, stem: str, name: str) -> FileResponse:
    return _serve(request, stem, name)


@role_required(OFFICE)
def notice(request: HttpRequest, stem: str, name: str) -> FileResponse:
    return _serve(request, stem, name, "notices")
