"""What a rectification notice says beyond its findings: its 发文字号, its deadline (整改期限) in
working days on the national calendar (chinese-calendar, with 调休), and whom to call."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from signage.catalogue.model import County
from signage.text.dates import format_date
from signage.text.workdays import WorkCalendar

DEFAULT_DAYS = 15  # working days to put things right, unless county.yaml or the command says otherwise
DEFAULT_PREFIX = "政公开整改"  # after the county's first character: 台政公开整改〔2026〕3号


@dataclass(frozen=True, slots=True)
class NoticeFacts:
    """What a notice says beyond its findings: its number, deadline and whom to call."""

    number: str = ""  # 发文字号
    days: int = DEFAULT_DAYS
    deadline: dt.date | None = None
    contact: str = ""
    phone: str = ""

    @property
    def deadline_text(self) -> str:
        if self.deadline is None:
            return f"收到本意见书之日起 {self.days} 个工作日内"
        return f"{format_date(self.deadline)}前（{self.days} 个工作日内）"


def notice_facts(county: County, date: dt.date, serial: int, *, days: int | None = None) -> NoticeFacts:
    """The facts of the ``serial``-th notice issued on ``date`` under the county's settings."""
    chosen = days if days is not None else (county.rectify_days or DEFAULT_DAYS)
    prefix = county.rectify_prefix or (county.name[:1] + DEFAULT_PREFIX if county.name else DEFAULT_PREFIX)
    return NoticeFacts(number=f"{prefix}〔{date.year}〕{serial}号", days=chosen,
                       deadline=WorkCalendar().add(date, chosen), contact=county.rectify_contact,
                       phone=county.rectify_phone or county.supervision_phone)
