"""A clerk's notice and announcement forms: the same save, conflict, audit and live-check path as
the power-item form (signage.console.editing.views), driven by the field lists of recordform."""

from __future__ import annotations

import copy
from pathlib import Path

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from signage.console.audit.log import record as audit
from signage.console.editing import attachments, checks, documents, recordform
from signage.console.editing.views import EDITORS, _editable, _finding_json, _save
from signage.console.security import OFFICE, REVIEWER, UNIT, role_required, unit_allowed
from signage.console.site import current


def _form(section: str) -> recordform.Form:
    form = recordform.FORMS.get(section)
    if form is None:
        raise Http404("没有这类内容")
    return form


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def record_form(request: HttpRequest, unit_id: str, key: str, section: str) -> HttpResponse:
    form = _form(section)
    try:
        row, document = _editable(request, unit_id, key, shared=request.method == "GET", section=section)
        record = documents.find(document, section, key)
    except documents.DocumentError as exc:
        messages.error(request, str(exc))
        return redirect("unit", unit_id=unit_id)
    old = recordform.initial(form, record)
    values, errors, version = old, {}, document.version
    if request.method == "POST":
        values = {**old, **recordform.from_post(form, request.POST)}
        version = request.POST.get("version", "")
        errors = recordform.problems(form, values)
        if not errors and "attachment_file" in request.FILES:
            values["attachments"] = _attach(request, unit_id, values.get("attachments", ""), errors)
        if not errors:
            try:
                return _save(request, row, document, record, version,
                             lambda r: recordform.apply(form, r, old, values), form.url)
            except documents.DocumentError as exc:
                messages.error(request, str(exc))
    unit_folder = current().content_dir / "units" / unit_id
    return render(request, "console/record_form.html", {
        "row": row, "unit_id": unit_id, "form": form, "version": version,
        "fields": [(f, values.get(f.name, ""), errors.get(f.name)) for f in form.fields],
        "channels": tuple(recordform.CHANNELS.items()),
        "files": recordform.unit_files(unit_folder), "file": row.obj.location.file,
        "limit_mb": attachments.MAX_BYTES // 2**20})


def _attach(request: HttpRequest, unit_id: str, listed: str, errors: dict[str, str]) -> str:
    """Store the uploaded attachment and add its line to the form's list (or say why not)."""
    upload = request.FILES["attachment_file"]
    try:
        stored = attachments.store(upload, current().content_dir / "units" / unit_id)
    except attachments.AttachmentError as exc:
        errors["attachments"] = str(exc)
        return listed
    audit(request, "upload", f"{unit_id}/{stored}", detail=f"上传附件“{upload.name}”（{upload.size} 字节）")
    title = request.POST.get("attachment_title", "").strip().replace("|", "｜")[:200]
    line = f"{title or attachments.safe_stem(upload.name)} | {stored}"
    return f"{listed.rstrip()}\n{line}".lstrip("\n") if line not in listed else listed


@role_required(UNIT, OFFICE, REVIEWER)
def unit_file(request: HttpRequest, unit_id: str, name: str) -> FileResponse:
    """A file of the unit's files/ folder, to staff: always a download, never rendered here."""
    unit_allowed(request, unit_id)
    folder = (current().content_dir / "units" / unit_id / attachments.FOLDER).resolve()
    parts = Path(name).parts
    if not parts or ".." in parts or Path(name).is_absolute() or parts[0].startswith("."):
        raise Http404("没有这个文件")
    path = folder / name
    if path.is_symlink() or not path.is_file() or not path.resolve().is_relative_to(folder):
        raise Http404("没有这个文件")
    audit(request, "download", f"{unit_id}/{attachments.FOLDER}/{name}")
    response = FileResponse(path.open("rb"), as_attachment=True, filename=path.name,
                            content_type="application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@role_required(*EDITORS)
@require_POST
def record_check(request: HttpRequest, unit_id: str, key: str, section: str) -> JsonResponse:
    """Live check of the form as it is now, without saving (check.js posts here)."""
    form = _form(section)
    try:
        _, document = _editable(request, unit_id, key, shared=True, section=section)
        record = copy.deepcopy(documents.find(document, section, key))  # the parsed file is shared
    except documents.DocumentError as exc:
        return JsonResponse({"error": str(exc)}, status=409)
    old = recordform.initial(form, record)
    values = {**old, **recordform.from_post(form, request.POST)}
    errors = recordform.problems(form, values)
    if errors:
        return JsonResponse({"findings": [{"rule": "表单", "severity": "error", "field": name,
                                           "message": text, "advice": ""}
                                          for name, text in errors.items()]})
    recordform.apply(form, record, old, values)
    documents.set_field(record, "updated", current().today().isoformat())
    if "review" not in record and "review" in document.data:  # the file's review covers it
        record["review"] = document.data["review"]
    found = checks.check_draft(current(), unit_id, documents.plain(record), section,
                               documents.record_key(section, record))
    return JsonResponse({"findings": [_finding_json(f) for f in found]})
