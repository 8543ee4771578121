"""The office's assessment pages: run one, list the stored runs, open a run's report."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from signage.console.audit.log import record as audit
from signage.console.editing.checks import county_result
from signage.console.office import assessment_jobs, assessments
from signage.console.security import OFFICE, role_required
from signage.console.site import Site, current


@role_required(OFFICE)
def index(request: HttpRequest) -> HttpResponse:
    site = current()
    listed, notes = assessments.runs(site.data_dir, site.today())
    return render(request, "console/assessments.html", {"runs": listed, "notes": notes,
                                                        "job": assessment_jobs.state(site)})


@role_required(OFFICE)
def status(request: HttpRequest) -> JsonResponse:
    """Whether the county's run is still going (the page's script asks until it is not)."""
    job = assessment_jobs.state(current())
    return JsonResponse({"running": job.running, "failed": bool(job.error), "stem": job.stem})


def _assess(site: Site) -> tuple[str, list[Path]]:
    """One run, on the worker thread: the county's check (shared, incremental), score, store, report."""
    return assessments.run_assessment(county_result(site), site.data_dir, site.today())


@role_required(OFFICE)
@require_POST
def run(request: HttpRequest) -> HttpResponse:
    """Start a run and return at once; the page shows 进行中 and then the result."""
    site = current()
    actor, role = request.user.get_username(), request.user.profile.role

    def done(job: assessment_jobs.JobState) -> None:
        if job.error:
            audit(None, "assess", "county", detail=f"失败：{job.error}", actor=actor, role=role)
        else:
            audit(None, "assess", f"assessment/{job.stem}", detail="运行评估，报告已写出", actor=actor,
                  role=role)

    if assessment_jobs.start(site, actor, _assess, done):
        messages.info(request, "评估已开始，约需半分钟；本页会自动显示结果。")
    else:
        job = assessment_jobs.state(site)
        messages.warning(request, f"评估正在进行中（{job.started_by} 于 {job.started_at:%H:%M:%S} 发起），"
                                  "请等它完成，无需再次点击。")
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
