"""What is overdue and what falls due within 5 working days: the office dashboard's lists and
the banner every page shows (the daily reminder: it is computed on each page, so it is never
stale)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest

from signage.console.security import OFFICE, UNIT, role_of, unit_of
from signage.console.site import current
from signage.requests import register as reg
from signage.requests.store import Register
from signage.text.workdays import WorkCalendar


def register() -> Register:
    site = current()
    return Register.in_folder(site.data_dir, site.today)


def due_lists(units: list[str] | None, today: dt.date) -> tuple[list[reg.Due], list[reg.Due]]:
    """(overdue, due within 5 working days), each most urgent first; open requests only."""
    return reg.due_lists(register().requests(units, open_only=True), today, WorkCalendar())


def banner(request: HttpRequest) -> dict[str, Any]:
    """Template context: the reminder for the office (every unit) and a clerk (their unit)."""
    role = role_of(request)
    if role not in (OFFICE, UNIT):
        return {}
    try:
        overdue, soon = due_lists(None if role == OFFICE else [unit_of(request)], current().today())
    except Exception:
        return {"requests_banner": "依申请公开登记簿无法读取：请检查数据文件夹。"}
    if not overdue and not soon:
        return {}
    parts = []
    if overdue:
        parts.append(f"{len(overdue)} 件已超过答复期限")
    if soon:
        parts.append(f"{len(soon)} 件 5 个工作日内到期")
    return {"requests_banner": "依申请公开：" + "，".join(parts) + "。"}
