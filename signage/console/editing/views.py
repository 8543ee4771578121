"""A unit clerk's pages: the lists, the power-item form (save, live check, submit) and imports."""

from __future__ import annotations

import copy
import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from ruamel.yaml.comments import CommentedMap

from signage.console.audit.log import record as audit
from signage.console.editing import checks, documents, images, powerform, records, uploads
from signage.console.office.boards import boards_posting
from signage.console.rectification import notices as rectification
from signage.console.review import submissions
from signage.console.review.models import PENDING, RETURNED, Submission
from signage.console.security import OFFICE, REVIEWER, UNIT, role_of, role_required, unit_allowed, unit_of
from signage.console.site import current

EDITORS = (UNIT, OFFICE)


@role_required(UNIT, OFFICE, REVIEWER)
def home(request: HttpRequest) -> HttpResponse:
    role = role_of(request)
    if role == UNIT:
        return redirect("unit", unit_id=unit_of(request))
    return redirect("review-queue" if role == REVIEWER else "dashboard")


@role_required(UNIT, OFFICE, REVIEWER)
def unit_page(request: HttpRequest, unit_id: str) -> HttpResponse:
    unit_allowed(request, unit_id)
    unit, table, unit_findings = records.rows(current(), unit_id)
    recent = Submission.objects.filter(unit=unit_id, status__in=(PENDING, RETURNED)).order_by("-id")[:50]
    return render(request, "console/unit.html", {
        "unit": unit, "table": [(records.SECTIONS[s], s, rows) for s, rows in table.items()],
        "unit_findings": unit_findings, "submissions": recent, "today": current().today(),
        "rectifications": rectification.open_for(unit_id).order_by("deadline")[:20],
        # the board PDF is the unit's and the office's (a reviewer reviews content, not boards)
        "boards": boards_posting(current().screens_path, unit_id) if role_of(request) != REVIEWER else [],
        "can_edit": role_of(request) in EDITORS})


def _editable(request: HttpRequest, unit_id: str, key: str, *, shared: bool = False,
              section: str = "powers") -> tuple[records.Row, documents.Document]:
    """The record's row and its file (``shared``: the parsed file for reading only)."""
    unit_allowed(request, unit_id)
    row = records.find(current(), unit_id, section, key)
    path = current().content_dir / row.obj.location.file
    return row, documents.load_shared(path) if shared else documents.load_for_edit(path, section, key)


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def power_form(request: HttpRequest, unit_id: str, key: str) -> HttpResponse:
    try:
        row, document = _editable(request, unit_id, key, shared=request.method == "GET")
        record = documents.find(document, "powers", key)
    except documents.DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("unit", unit_id=unit_id)
    old = powerform.initial(record)
    values, errors, version = old, {}, document.version
    if request.method == "POST":
        values = {**old, **powerform.from_post(request.POST)}
        version = request.POST.get("version", "")
        errors = powerform.problems(values)
        image = _uploaded_image(request, unit_id, row.key, errors)
        if not errors:
            try:
                return _save(request, row, document, record, version,
                             lambda r: powerform.apply(r, old, values) + _set_image(r, image), "power")
            except documents.DocumentError as exc:
                messages.error(request, str(exc))
    return render(request, "console/power_form.html", {
        "row": row, "unit_id": unit_id, "values": values, "errors": errors, "version": version,
        "fields": [(f, values.get(f.name, ""), errors.get(f.name)) for f in powerform.FIELDS],
        "types": powerform.TYPE_CHOICES,
        "channels": powerform.CHANNEL_LABELS, "file": row.obj.location.file})


def _uploaded_image(request: HttpRequest, unit_id: str, key: str, errors: dict[str, str]) -> str | None:
    """The flowchart image the clerk uploaded, checked and stored in the unit's images folder."""
    upload = request.FILES.get("flowchart_image")
    if upload is None or errors:
        return None
    try:
        return images.store(upload, current().content_dir / "units" / unit_id, key)
    except images.ImageError as exc:
        errors["flowchart_image"] = str(exc)
        return None


def _set_image(record: dict, image: str | None) -> list[str]:
    """Point the flowchart at the uploaded image (an image replaces drawn steps)."""
    if image is None:
        return []
    documents.set_field(record, "flowchart", CommentedMap(image=image))
    return ["flowchart"]


def _save(request: HttpRequest, row: records.Row, document: documents.Document, record: dict,
          version: str, change: Callable[[dict], list[str]], url_name: str) -> HttpResponse:
    """Write ``change`` into the record's file unless it changed meanwhile; audit; back to the form."""
    site = current()
    section = row.section
    before = row.obj.content_digest
    submissions.remember_baseline(row.obj.unit_id, section, row.key, record, before)
    changed = change(record)
    if not changed:
        messages.info(request, "没有修改任何字段。")
        return redirect(url_name, unit_id=row.obj.unit_id, key=row.key)
    documents.set_field(record, "updated", site.today().isoformat())
    documents.save(document, version)
    checks.written(site, row.obj.unit_id)
    new_key = documents.record_key(section, record)
    saved = records.find(site, row.obj.unit_id, section, new_key)  # the county's check, this unit re-read
    audit(request, "save", f"{row.obj.unit_id}/{section}/{new_key}", before=before,
          after=saved.obj.content_digest, detail="修改字段：" + "、".join(changed))
    errors = sum(1 for f in saved.findings if f.is_error)
    messages.success(request, f"已保存（{document.path.name}）。" + (
        f"仍有 {errors} 个错误，修正后才能发布。" if errors else "") + "修改后须提交保密审查。")
    return redirect(url_name, unit_id=row.obj.unit_id, key=new_key)


@role_required(*EDITORS)
@require_POST
def power_check(request: HttpRequest, unit_id: str, key: str) -> JsonResponse:
    """Live check of the form as it is now, without saving (the page's script posts here)."""
    try:
        _, document = _editable(request, unit_id, key, shared=True)
        record = copy.deepcopy(documents.find(document, "powers", key))  # the parsed file is shared
    except documents.DocumentError as exc:
        return JsonResponse({"error": str(exc)}, status=409)
    old = powerform.initial(record)
    values = {**old, **powerform.from_post(request.POST)}
    errors = powerform.problems(values)
    if errors:
        return JsonResponse({"findings": [{"rule": "表单", "severity": "error", "field": name,
                                           "message": text, "advice": ""}
                                          for name, text in errors.items()]})
    powerform.apply(record, old, values)
    documents.set_field(record, "updated", current().today().isoformat())
    if "review" not in record and "review" in document.data:  # the file's review covers it
        record["review"] = document.data["review"]
    found = checks.check_draft(current(), unit_id, documents.plain(record), "powers",
                               documents.record_key("powers", record))
    return JsonResponse({"findings": [_finding_json(f) for f in found]})


def _finding_json(finding: object) -> dict:
    data = finding.to_dict()  # type: ignore[attr-defined]
    return {name: data[name] for name in ("rule", "severity", "field", "message", "advice")}


@role_required(*EDITORS)
@require_POST
def submit(request: HttpRequest, unit_id: str, section: str, key: str) -> HttpResponse:
    unit_allowed(request, unit_id)
    row = records.find(current(), unit_id, section, key)  # redone if any file changed since
    try:
        document = documents.load_shared(current().content_dir / row.obj.location.file)  # read only
        record = documents.find(document, section, key)
    except documents.DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("unit", unit_id=unit_id)
    submission = submissions.submit(row, record, request.user.get_username())
    audit(request, "submit", f"{unit_id}/{section}/{key}", after=submission.digest)
    messages.success(request, f"“{row.title}”已提交保密审查。")
    return redirect("unit", unit_id=unit_id)


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest, unit_id: str) -> HttpResponse:
    unit_allowed(request, unit_id)
    records.rows(current(), unit_id)  # 404 for an unknown unit
    report = None
    if request.method == "POST":
        upload = request.FILES.get("sheet")
        try:
            report = uploads.import_upload(current(), unit_id, upload)
        except uploads.UploadError as exc:
            messages.error(request, str(exc))
        else:
            checks.written(current(), unit_id)
            audit(request, "import", f"{unit_id}/powers", detail=f"{upload.name}：新增 {len(report.new)}，"
                  f"更新 {len(report.updated)}，跳过 {report.skipped_rows} 行")
    return render(request, "console/import.html", {"unit_id": unit_id, "report": report,
                                                   "limit_mb": uploads.LIMIT // (1024 * 1024)})


@role_required(UNIT, OFFICE, REVIEWER)
def template_download(request: HttpRequest) -> FileResponse:
    from signage.office.template import write_template

    folder = Path(tempfile.mkdtemp(prefix="signage-template-"))
    path = folder / "权力事项清单模板.xlsx"
    write_template(path)
    handle = path.open("rb")
    path.unlink()
    folder.rmdir()
    return FileResponse(handle, as_attachment=True, filename=f"权力事项清单模板-{dt.date.today():%Y}.xlsx")

