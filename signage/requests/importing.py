"""A register kept in a spreadsheet until now, read from CSV (UTF-8 or GBK, as Excel saves it):
one request a row, every mistake named by line and column before anything is stored."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from signage.requests.register import Request, RequestError, check_answer, check_extension
from signage.requests.vocab import parse_outcome
from signage.text.dates import parse_date
from signage.text.workdays import WorkCalendar

HEADER = ("单位", "收到日期", "申请方式", "申请人类型", "申请内容", "延期批准日期", "延期批准人", "延期理由",
          "办理结果", "答复日期")
REQUIRED = HEADER[:5]
MAX_ROWS = 200_000


def _text(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RequestError("无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV")


def read_register_csv(path: Path, units: set[str] | None = None,
                      today: dt.date | None = None) -> list[Request]:
    """Every row as a request; RequestError listing each bad cell (第 N 行“列名”：…). With
    ``today``, a date after it is one of those cells."""
    reader = csv.DictReader(io.StringIO(_text(path.read_bytes())))
    missing = [h for h in REQUIRED if h not in (reader.fieldnames or [])]
    if missing:
        raise RequestError(f"{path.name}：缺少列 {'、'.join(missing)}；表头应为 {','.join(HEADER)}")
    requests, problems = [], []
    calendar = WorkCalendar()
    for line, row in enumerate(reader, 2):
        if line > MAX_ROWS:
            raise RequestError(f"{path.name}：超过 {MAX_ROWS} 行，请分批导入")
        try:
            request = _request(row, units, calendar)
            if today is not None:
                try:
                    request.check_dates(today)
                except RequestError as exc:
                    raise RequestError(f"：{exc}") from None
            requests.append(request)
        except RequestError as exc:
            problems.append(f"第 {line} 行{exc}")
    if problems:
        raise RequestError(f"{path.name}：" + "；".join(problems[:20])
                           + (f"；另有 {len(problems) - 20} 处" if len(problems) > 20 else ""))
    return requests


def _date(row: dict, column: str) -> dt.date | None:
    text = (row.get(column) or "").strip()
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        raise RequestError(f"“{column}”：“{text}”不是日期（写作 2026-03-02 或 2026年3月2日）") from None


def _request(row: dict, units: set[str] | None, calendar: WorkCalendar) -> Request:
    unit = (row.get("单位") or "").strip()
    if units is not None and unit not in units:
        raise RequestError(f"“单位”：没有单位“{unit}”（填写单位目录名，例如 taixi）")
    received = _date(row, "收到日期")
    if received is None:
        raise RequestError("“收到日期”：不能为空")
    def text(column: str) -> str:
        return (row.get(column) or "").strip()

    request = Request(unit, received, text("申请方式"), text("申请人类型"), text("申请内容"))
    try:
        request.validate()
    except RequestError as exc:
        raise RequestError(f"：{exc}") from None
    extended_on = _date(row, "延期批准日期")
    if extended_on:
        approver, reason = (row.get("延期批准人") or "").strip(), (row.get("延期理由") or "").strip()
        try:
            check_extension(request, extended_on, approver, reason, calendar)
        except RequestError as exc:
            raise RequestError(f"“延期批准日期”：{exc}") from None
        request.extended_on = extended_on
        request.extension_approver, request.extension_reason = approver, reason
    outcome, answered = (row.get("办理结果") or "").strip(), _date(row, "答复日期")
    if bool(outcome) != bool(answered):
        raise RequestError("“办理结果”与“答复日期”须同时填写（未办结的两者都留空）")
    if outcome and answered:
        try:
            request.outcome = parse_outcome(outcome).key
        except ValueError as exc:
            raise RequestError(f"“办理结果”：{exc}") from None
        check_answer(request, request.outcome, answered)
        request.answered = answered
    return request
