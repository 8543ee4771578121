"""One disclosure request (依申请公开) and its deadline in working days.

条例第三十三条: an answer within 20 working days of receipt; with the approval of the head of the
disclosure office, once, 20 more. The day of receipt is not counted; holidays are not working
days and the weekend days worked in exchange (调休) are (:mod:`signage.text.workdays`). A request
the applicant is asked to supplement (补正, 条例第三十条) waits; its 20 days run from the day the
supplement is received.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from signage.requests.vocab import APPLICANTS, CHANNELS, OUTCOME_KEYS, Outcome
from signage.text.invisible import INVISIBLE, invisible_kind
from signage.text.workdays import WorkCalendar

ANSWER_DAYS = 20  # 条例第三十三条第二款
SUPPLEMENT_NOTICE_DAYS = 7  # 条例第三十条: ask for a supplement within 7 working days, once
EXTENSION_DAYS = 20
DUE_SOON_DAYS = 5  # the dashboard's "due within 5 working days"
FIRST_DAY = dt.date(2008, 5, 1)  # the 条例 (2007) came into force: no request is older
# the longest text a clerk may enter per field: a register line, not a document
TEXT_LIMITS = {"subject": 2000, "applicant_name": 100, "note": 2000, "unit": 64,
               "extension_approver": 50, "extension_reason": 500, "voided": 500}
TEXT_NAMES = {"subject": "申请内容", "applicant_name": "申请人姓名或名称", "note": "备注", "unit": "受理单位",
              "extension_approver": "批准人", "extension_reason": "延期理由", "voided": "作废原因",
              "reason": "原因", "number": "案号"}
DATE_NAMES = {"received": "收到日期", "answered": "答复日期", "extended_on": "批准延期的日期",
              "supplement_asked": "要求补正的日期", "supplement_received": "收到补正的日期"}


class RequestError(ValueError):
    """A request that cannot be registered or changed as asked: the message says which field and
    what to do, in Chinese, for the clerk."""


@dataclass(slots=True)
class Request:
    unit: str
    received: dt.date
    channel: str
    applicant: str  # table 3's column: 自然人 or an organisation type
    subject: str  # what is asked
    applicant_name: str = ""  # personal data: kept in the register, never in a report
    id: int = 0
    outcome: str = ""  # an Outcome key; empty while open
    answered: dt.date | None = None
    extended_on: dt.date | None = None
    extension_approver: str = ""
    extension_reason: str = ""
    note: str = ""
    created_by: str = ""
    supplement_asked: dt.date | None = None  # 补正: the day the applicant was asked to supplement
    supplement_received: dt.date | None = None  # the day the supplement came in: the clock restarts
    voided: str = ""  # why it was voided (entered in error); a void request counts nowhere

    def validate(self) -> None:
        if self.channel not in CHANNELS:
            raise RequestError(f"申请方式“{self.channel}”不在 {'、'.join(CHANNELS)} 之中")
        if self.applicant not in APPLICANTS:
            raise RequestError(f"申请人类型“{self.applicant}”应为 {'、'.join(APPLICANTS)} 之一"
                               "（法人或其他组织按商业企业、科研机构、社会公益组织、法律服务机构、其他填写）")
        if not self.subject.strip():
            raise RequestError("申请内容不能为空：请写明申请公开的政府信息")
        if not self.unit:
            raise RequestError("没有填写受理单位")
        for name, limit in TEXT_LIMITS.items():
            check_text(name, getattr(self, name), limit, multiline=name in ("subject", "note"))

    def check_dates(self, today: dt.date) -> None:
        """Every date the request carries lies between the 条例's first day and today: a typo such
        as 2062 for 2026 would otherwise give a deadline decades away and hide the request."""
        for name, label in DATE_NAMES.items():
            day = getattr(self, name)
            if day is not None:
                check_day(label, day, today)

    @property
    def open(self) -> bool:
        return self.answered is None

    @property
    def awaiting_supplement(self) -> bool:
        """Asked to supplement and not yet supplemented: the clock is stopped (条例第三十条)."""
        return self.open and self.supplement_asked is not None and self.supplement_received is None

    @property
    def outcome_row(self) -> Outcome | None:
        return OUTCOME_KEYS.get(self.outcome)


def check_text(name: str, value: str, limit: int, *, multiline: bool = False) -> None:
    """Refuse invisible characters (and line breaks in a one-line field) and over-long text,
    naming the field: the register is evidence, and what it shows must be what it holds."""
    label = TEXT_NAMES.get(name, name)
    if len(value) > limit:
        raise RequestError(f"{label}有 {len(value)} 个字，超过 {limit} 字：请精简，详细材料另存")
    bad = INVISIBLE.search(value) or (None if multiline else re.search("[\t\n]", value))
    if bad:
        ch = bad.group()
        kind = invisible_kind(ch) if INVISIBLE.match(ch) else "换行或制表符"
        raise RequestError(f"{label}第 {bad.start() + 1} 个字符是不可见的{kind}（U+{ord(ch):04X}），"
                           "可能来自复制粘贴：请删除后重新填写")


def check_day(label: str, day: dt.date, today: dt.date) -> None:
    if day > today:
        raise RequestError(f"{label} {day.isoformat()} 晚于今天（{today.isoformat()}）：请核对年份和月份")
    if day < FIRST_DAY:
        raise RequestError(f"{label} {day.isoformat()} 早于政府信息公开条例施行之日"
                           f"（{FIRST_DAY.isoformat()}）：请核对年份")


def clock_start(request: Request) -> dt.date:
    """Where the 20 working days run from: receipt, or the supplement's receipt (条例第三十条:
    答复期限自行政机关收到补正的申请之日起计算)."""
    return request.supplement_received or request.received


def base_deadline(request: Request, calendar: WorkCalendar) -> dt.date:
    return calendar.add(clock_start(request), ANSWER_DAYS)


def deadline(request: Request, calendar: WorkCalendar) -> dt.date:
    """The last day to answer: 20 working days after receipt, 20 more once extended."""
    first = base_deadline(request, calendar)
    return calendar.add(first, EXTENSION_DAYS) if request.extended_on else first


def check_extension(request: Request, on: dt.date, approver: str, reason: str,
                    calendar: WorkCalendar) -> None:
    """Refuse an extension the regulation does not allow: a second one, one for an answered
    request, one without the approver or reason, one after the first deadline passed."""
    if request.extended_on:
        raise RequestError(f"该申请已于 {request.extended_on.isoformat()} 延期一次，条例只允许延长一次")
    if not request.open:
        raise RequestError("该申请已答复，不能再延期")
    if not approver.strip():
        raise RequestError("延期须经政府信息公开工作机构负责人同意：请填写批准人")
    if not reason.strip():
        raise RequestError("请填写延期理由（将告知申请人）")
    first = base_deadline(request, calendar)
    if on > first:
        raise RequestError(f"原答复期限 {first.isoformat()} 已过，不能再延期：请尽快答复")
    if on < request.received:
        raise RequestError("批准延期的日期早于收到申请的日期")
    if request.awaiting_supplement:
        raise RequestError("申请人尚未补正，答复期限暂停计算：收到补正后再决定是否延期")


def check_supplement_ask(request: Request, on: dt.date, calendar: WorkCalendar) -> None:
    """补正 is asked once, within 7 working days of receipt, of an open request (条例第三十条)."""
    if not request.open:
        raise RequestError("该申请已答复，不能再要求补正")
    if request.supplement_asked:
        raise RequestError(f"已于 {request.supplement_asked.isoformat()} 要求补正：条例第三十条要求"
                           "一次性告知，不能再次要求补正")
    if on < request.received:
        raise RequestError(f"补正通知日期 {on.isoformat()} 早于收到申请的日期 {request.received.isoformat()}")
    last = calendar.add(request.received, SUPPLEMENT_NOTICE_DAYS)
    if on > last:
        raise RequestError(f"补正应在收到申请之日起 7 个工作日内（{last.isoformat()} 前）一次性告知"
                           f"（条例第三十条），{on.isoformat()} 已超过：请按原期限答复")


def check_supplement_received(request: Request, on: dt.date) -> None:
    if not request.awaiting_supplement:
        raise RequestError("该申请没有待补正的通知（先登记要求补正的日期）")
    assert request.supplement_asked is not None
    if on < request.supplement_asked:
        raise RequestError(f"收到补正的日期 {on.isoformat()} 早于要求补正的日期 "
                           f"{request.supplement_asked.isoformat()}")


def check_answer(request: Request, outcome: str, answered: dt.date) -> None:
    if outcome not in OUTCOME_KEYS:
        raise RequestError(f"办理结果“{outcome}”不是年度报告表三的类别")
    if answered < request.received:
        raise RequestError(f"答复日期 {answered.isoformat()} 早于收到申请的日期 "
                           f"{request.received.isoformat()}")


def answered_in_time(request: Request, calendar: WorkCalendar) -> bool | None:
    """None while open; else whether the answer came by the deadline."""
    if request.answered is None:
        return None
    return request.answered <= deadline(request, calendar)


def overdue(request: Request, today: dt.date, calendar: WorkCalendar) -> bool:
    return request.open and not request.awaiting_supplement and today > deadline(request, calendar)


@dataclass(slots=True)
class Due:
    """An open request on a reminder list, with its deadline."""

    request: Request
    deadline: dt.date
    left: int  # working days left, today included (negative: overdue by)

    @property
    def days(self) -> int:
        return abs(self.left)


def due_lists(requests: list[Request], today: dt.date,
              calendar: WorkCalendar) -> tuple[list[Due], list[Due]]:
    """(overdue, due within 5 working days) of the open ``requests``, each most urgent first: what
    the console's banner and dashboard show and what the reminder e-mail lists."""
    late: list[Due] = []
    coming: list[Due] = []
    for request in requests:
        if not request.open:
            continue
        last = deadline(request, calendar)
        if overdue(request, today, calendar):
            late.append(Due(request, last, -calendar.between(last, today)))
        elif due_soon(request, today, calendar):
            coming.append(Due(request, last, calendar.between(today, last) + calendar.is_workday(today)))
    late.sort(key=lambda d: d.deadline)
    coming.sort(key=lambda d: d.deadline)
    return late, coming


def due_soon(request: Request, today: dt.date, calendar: WorkCalendar,
             days: int = DUE_SOON_DAYS) -> bool:
    """Open, not yet overdue, and at most ``days`` working days left (today's included)."""
    if not request.open or request.awaiting_supplement:
        return False
    last = deadline(request, calendar)
    return today <= last and calendar.between(today, last) + calendar.is_workday(today) <= days
