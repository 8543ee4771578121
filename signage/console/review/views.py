"""The reviewer's pages: the queue, one submission (diff + findings), approve, return."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from signage.console.audit.log import record as audit
from signage.console.editing import records
from signage.console.review import submissions
from signage.console.review.models import PENDING, Submission
from signage.console.security import OFFICE, REVIEWER, role_required
from signage.console.site import current


@role_required(REVIEWER, OFFICE)
def queue(request: HttpRequest) -> HttpResponse:
    pending = Submission.objects.filter(status=PENDING).order_by("submitted_at")[:500]
    decided = Submission.objects.exclude(status=PENDING).order_by("-id")[:30]
    return render(request, "console/review_queue.html", {"pending": pending, "decided": decided})


def _submission(pk: int) -> Submission:
    try:
        return Submission.objects.get(pk=pk)
    except Submission.DoesNotExist:
        raise Http404("没有这项提交") from None


@role_required(REVIEWER, OFFICE)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(pk)
    try:
        row = records.find(current(), submission.unit, submission.section, submission.key)
        findings, changed_since = row.findings, row.obj.content_digest != submission.digest
    except Http404:
        findings, changed_since = [], True
    return render(request, "console/review_detail.html", {
        "s": submission, "diff": submissions.diff(submission), "findings": findings,
        "changed_since": changed_since, "can_decide": request.user.profile.role == REVIEWER})


@role_required(REVIEWER)
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(pk)
    user = request.user
    try:
        digest = submissions.approve(current(), submission, user.get_username(),
                                     user.first_name or user.get_username(),
                                     request.POST.get("note", "")[:500])
    except submissions.ReviewError as exc:
        messages.error(request, str(exc))
        return redirect("review-detail", pk=pk)
    audit(request, "approve", f"{submission.unit}/{submission.section}/{submission.key}",
          before=digest, after=digest, detail="保密审查通过（已签名）")
    messages.success(request, f"“{submission.key}”审查通过，已写入审查记录并签名。")
    return redirect("review-queue")


@role_required(REVIEWER)
@require_POST
def return_(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission(pk)
    try:
        submissions.return_submission(submission, request.user.get_username(),
                                      request.POST.get("reason", ""))
    except submissions.ReviewError as exc:
        messages.error(request, str(exc))
        return redirect("review-detail", pk=pk)
    audit(request, "return", f"{submission.unit}/{submission.section}/{submission.key}",
          after=submission.digest, detail=submission.reason)
    messages.success(request, f"已退回“{submission.key}”。")
    return redirect("review-queue")
