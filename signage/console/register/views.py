"""The register's pages. Every view names its roles; a unit clerk sees, adds and changes only
their own unit's requests (another unit's request is a 404, as if it did not exist)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from signage.console.audit.log import record as audit
from signage.console.editing.checks import county_result
from signage.console.register.forms import (
    AnswerForm,
    CaseForm,
    EditForm,
    ExtendForm,
    ReasonForm,
    RequestForm,
    SupplementForm,
)
from signage.console.register.reminders import due_lists, register
from signage.console.security import OFFICE, UNIT, role_of, role_required, unit_of
from signage.console.site import current
from signage.requests import register as reg
from signage.requests.store import Case
from signage.text.workdays import WorkCalendar

STATES = {"open": "办理中", "overdue": "已逾期", "soon": "即将到期", "in-time": "按时答复",
          "late": "逾期答复", "supplement": "待补正", "void": "已作废"}


def _units(request: HttpRequest) -> dict[str, str]:
    """The units this user may register for: all for the office, their own for a clerk."""
    units = {uid: u.display_name for uid, u in county_result(current()).catalogue.units.items()}
    if role_of(request) == UNIT:
        mine = unit_of(request)
        return {mine: units.get(mine, mine)}
    return units


def _scope(request: HttpRequest) -> str | None:
    """The unit a clerk is confined to; None for the office (every unit)."""
    return unit_of(request) if role_of(request) == UNIT else None


def _get(request: HttpRequest, pk: int) -> reg.Request:
    try:
        return register().get(pk, _scope(request))
    except reg.RequestError:
        raise Http404("没有这个申请") from None


def state_of(item: reg.Request, today: dt.date, calendar: WorkCalendar) -> str:
    if item.voided:
        return "void"
    if item.awaiting_supplement:
        return "supplement"
    if not item.open:
        return "in-time" if reg.answered_in_time(item, calendar) else "late"
    if reg.overdue(item, today, calendar):
        return "overdue"
    return "soon" if reg.due_soon(item, today, calendar) else "open"


@role_required(OFFICE, UNIT)
def register_list(request: HttpRequest) -> HttpResponse:
    units = _units(request)
    chosen = request.GET.get("unit", "")
    if chosen and chosen not in units:
        raise Http404("没有这个单位")
    today, calendar = current().today(), WorkCalendar()
    wanted = [chosen] if chosen else (None if role_of(request) == OFFICE else list(units))
    rows = []
    for item in reversed(register().requests(wanted)):
        state = state_of(item, today, calendar)
        rows.append({"r": item, "unit_name": units.get(item.unit, item.unit),
                     "deadline": reg.deadline(item, calendar), "state": state, "state_name": STATES[state]})
    return render(request, "console/register/list.html", {"rows": rows, "units": units, "chosen": chosen,
                                                          "today": today, "calendar_notes": calendar.notes()})


@role_required(OFFICE, UNIT)
def register_new(request: HttpRequest) -> HttpResponse:
    units = _units(request)
    form = RequestForm(request.POST or None, units=units,
                       initial={"received": current().today(), "unit": next(iter(units), "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        item = reg.Request(data["unit"], data["received"], data["channel"], data["applicant"],
                           data["subject"], data["applicant_name"], created_by=request.user.get_username())
        try:
            item = register().add(item)
        except reg.RequestError as exc:
            form.add_error(None, str(exc))
        else:
            audit(request, "request-add", f"{item.unit}/申请{item.id}", detail=item.subject[:200])
            calendar = WorkCalendar()
            messages.success(request, f"已登记申请 {item.id}，答复期限 "
                                      f"{reg.deadline(item, calendar).isoformat()}。")
            return redirect("register-detail", pk=item.id)
    return render(request, "console/register/new.html", {"form": form})


@role_required(OFFICE, UNIT)
def register_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get(request, pk)
    calendar, today = WorkCalendar(), current().today()
    state = state_of(item, today, calendar)
    return render(request, "console/register/detail.html", {
        "r": item, "deadline": reg.deadline(item, calendar),
        "first_deadline": reg.base_deadline(item, calendar),
        "state": state, "state_name": STATES[state], "calendar_notes": calendar.notes(),
        "history": register().history(item.id),
        "supplement_last": calendar.add(item.received, reg.SUPPLEMENT_NOTICE_DAYS),
        "answer_form": AnswerForm(initial={"answered": today}, auto_id="a-%s"),
        "extend_form": ExtendForm(initial={"approved": today}, auto_id="e-%s"),
        "supplement_form": SupplementForm(initial={"day": today}, auto_id="s-%s"),
        "void_form": ReasonForm(auto_id="v-%s"), "delete_form": ReasonForm(auto_id="d-%s")})


def _back(pk: int) -> HttpResponse:
    return redirect("register-detail", pk=pk)


@role_required(OFFICE, UNIT)
@require_POST
def register_answer(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get(request, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "答复未保存：" + "；".join(f"{form.fields[k].label}：{' '.join(v)}"
                                                       for k, v in form.errors.items()))
        return _back(pk)
    data = form.cleaned_data
    try:
        item = register().answer(pk, data["outcome"], data["answered"], unit=_scope(request),
                                 note=data["note"], by=request.user.get_username())
    except reg.RequestError as exc:
        messages.error(request, f"答复未保存：{exc}")
        return _back(pk)
    audit(request, "request-answer", f"{item.unit}/申请{item.id}", detail=f"{item.outcome} {item.answered}")
    messages.success(request, f"已记录答复：{item.outcome}。")
    return _back(pk)


@role_required(OFFICE, UNIT)
@require_POST
def register_extend(request: HttpRequest, pk: int) -> HttpResponse:
    _get(request, pk)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, "延期未保存：" + "；".join(f"{form.fields[k].label}：{' '.join(v)}"
                                                       for k, v in form.errors.items()))
        return _back(pk)
    data = form.cleaned_data
    calendar = WorkCalendar()
    try:
        item = register().extend(pk, data["approved"], data["approver"], data["reason"], calendar,
                                 unit=_scope(request), by=request.user.get_username())
    except reg.RequestError as exc:
        messages.error(request, f"延期未保存：{exc}")
        return _back(pk)
    audit(request, "request-extend", f"{item.unit}/申请{item.id}",
          detail=f"{item.extension_approver} 批准：{item.extension_reason}")
    messages.success(request, f"已延期，新的答复期限 {reg.deadline(item, calendar).isoformat()}。")
    return _back(pk)


def _form_errors(form: Any) -> str:
    return "；".join(f"{form.fields[k].label if k in form.fields else ''}：{' '.join(v)}"
                    for k, v in form.errors.items())


@role_required(OFFICE, UNIT)
@require_POST
def register_supplement(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """补正: ``ask`` records the notice (the clock stops), ``received`` the supplement (it restarts)."""
    _get(request, pk)
    form = SupplementForm(request.POST)
    if action not in ("ask", "received") or not form.is_valid():
        messages.error(request, "补正未保存：" + (_form_errors(form) or "不认识的操作"))
        return _back(pk)
    day, calendar, by = form.cleaned_data["day"], WorkCalendar(), request.user.get_username()
    try:
        if action == "ask":
            item = register().ask_supplement(pk, day, calendar, unit=_scope(request), by=by)
        else:
            item = register().receive_supplement(pk, day, unit=_scope(request), by=by)
    except reg.RequestError as exc:
        messages.error(request, f"补正未保存：{exc}")
        return _back(pk)
    if action == "ask":
        audit(request, "request-supplement-ask", f"{item.unit}/申请{item.id}", detail=day.isoformat())
        messages.success(request, "已登记补正通知：答复期限暂停计算，收到补正后重新计算。")
    else:
        audit(request, "request-supplement-received", f"{item.unit}/申请{item.id}", detail=day.isoformat())
        messages.success(request, "已登记收到补正，新的答复期限 "
                                  f"{reg.deadline(item, calendar).isoformat()}。")
    return _back(pk)


@role_required(OFFICE, UNIT)
def register_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a wrongly entered request (the registration's fields), with the reason."""
    item = _get(request, pk)
    units = _units(request)
    fields = ("unit", "received", "channel", "applicant", "subject", "applicant_name")
    form = EditForm(request.POST or None, units=units, initial={f: getattr(item, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {f: data[f] for f in fields if data[f] != getattr(item, f)}
        try:
            item = register().edit(pk, changes, reason=data["reason"], unit=_scope(request),
                                   by=request.user.get_username())
        except reg.RequestError as exc:
            form.add_error(None, str(exc))
        else:
            audit(request, "request-edit", f"{item.unit}/申请{item.id}",
                  detail=register().history(pk)[-1][3][:500])
            messages.success(request, "已更正，修改记录已保存。")
            return _back(pk)
    return render(request, "console/register/edit.html", {"form": form, "r": item})


@role_required(OFFICE, UNIT)
@require_POST
def register_void(request: HttpRequest, pk: int) -> HttpResponse:
    """Void a request entered in error (a clerk's own unit's, or any for the office)."""
    _get(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "未作废：请写明原因")
        return _back(pk)
    try:
        item = register().void(pk, form.cleaned_data["reason"], unit=_scope(request),
                               by=request.user.get_username())
    except reg.RequestError as exc:
        messages.error(request, f"未作废：{exc}")
        return _back(pk)
    audit(request, "request-void", f"{item.unit}/申请{item.id}", detail=item.voided)
    messages.success(request, "已作废：不再计入登记簿、提醒和年度报告。")
    return _back(pk)


@role_required(OFFICE)
@require_POST
def register_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete for good: the office only (a unit clerk voids)."""
    _get(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "未删除：请写明原因")
        return _back(pk)
    item = register().delete(pk, form.cleaned_data["reason"], by=request.user.get_username())
    audit(request, "request-delete", f"{item.unit}/申请{item.id}",
          detail=f"{item.received.isoformat()} {item.subject[:100]}（原因：{form.cleaned_data['reason']}）")
    messages.success(request, f"已删除申请 {item.id}。")
    return redirect("register")


@role_required(OFFICE, UNIT)
def cases(request: HttpRequest) -> HttpResponse:
    units = _units(request)
    form = CaseForm(request.POST or None, units=units, initial={"year": current().today().year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = register().add_case(Case(data["unit"], data["year"], data["kind"], data["result"],
                                        data["number"], created_by=request.user.get_username()))
        audit(request, "case-add", f"{case.unit}/案件{case.id}",
              detail=f"{case.year} {case.kind} {case.result}")
        messages.success(request, "已登记。")
        return redirect("register-cases")
    rows = register().cases(list(units))
    return render(request, "console/register/cases.html", {"form": form, "rows": rows, "units": units})


@role_required(OFFICE)
def annual(request: HttpRequest) -> HttpResponse:
    """The annual report: choose year and organ, write the files, link them."""
    from signage.office.annual_report.compose import COUNTY, compose_report
    from signage.office.annual_report.figures import FiguresError
    from signage.office.annual_report.write import write_report
    from signage.requests.annual import ReportRefused

    site = current()
    units = _units(request)
    year = _year(request.POST.get("year") or request.GET.get("year"), site.today().year)
    scope = request.POST.get("scope") or COUNTY
    context: dict = {"units": units, "year": year, "scope": scope, "files": [], "problems": []}
    if request.method == "POST":
        if scope != COUNTY and scope not in units:
            raise Http404("没有这个单位")
        try:
            report = compose_report(county_result(site).catalogue, site.content_dir, register(), year, scope)
        except ReportRefused as exc:
            context["problems"] = [str(p) for p in exc.problems]
        except FiguresError as exc:
            context["problems"] = [str(exc)]
        else:
            paths = write_report(report, _annual_dir(year), site.today())
            audit(request, "annual-report", f"{scope}/{year}", detail=report.title)
            context["files"] = [p.name for p in paths]
            context["title"] = report.title
    return render(request, "console/register/annual.html", context)


def _year(text: str | None, default: int) -> int:
    try:
        year = int(text or default)
    except ValueError:
        return default
    return year if 2019 <= year <= 2100 else default


def _annual_dir(year: int) -> Path:
    return current().data_dir / "annual-reports" / str(year)


@role_required(OFFICE)
def annual_file(request: HttpRequest, year: int, name: str) -> HttpResponse:
    """One written report file, by name from that year's folder only (no path in the name)."""
    folder = _annual_dir(year)
    if "/" in name or "\\" in name or name.startswith(".") or not folder.is_dir():
        raise Http404("没有这个文件")
    path = folder / name
    if path.suffix not in (".pdf", ".html", ".xlsx", ".csv") or not path.is_file():
        raise Http404("没有这个文件")
    inline = path.suffix in (".pdf", ".html")
    response = FileResponse(path.open("rb"), as_attachment=not inline, filename=name)
    if path.suffix == ".html":  # the web column's page: its own style block, still no script at all
        response["Content-Security-Policy"] = ("default-src 'none'; style-src 'unsafe-inline'; "
                                               "frame-ancestors 'none'")
    return response


def dashboard_lists(today: dt.date) -> dict:
    """For the office dashboard: overdue and due-soon requests, every unit."""
    overdue, soon = due_lists(None, today)
    return {"requests_overdue": overdue, "requests_soon": soon}
