"""Dates: real calendar days, ranges in order, nothing dated in the future."""

from __future__ import annotations

from collections.abc import Iterator

from signage.catalogue.findings import Finding
from signage.catalogue.model import Announcement, Notice, PowerItem
from signage.catalogue.rules.context import CheckContext
from signage.catalogue.rules.registry import ERROR, INFO, WARNING, check, define

INVALID_DATE = define(
    "GK-DATE-001", ERROR, "power, notice, announcement", "日期无效",
    "“{key}”的值“{value}”不是有效日期（{reason}）。",
    "写作 2026-05-26、2026年5月26日 或 二〇二六年五月二十六日。",
)
RANGE_REVERSED = define(
    "GK-DATE-002", ERROR, "power, notice, announcement", "有效期起止颠倒",
    "有效期截止日 {until} 早于起始日 {start}。",
    "核对 valid_from 和 valid_until。",
)
IN_FUTURE = define(
    "GK-DATE-003", WARNING, "power, notice, announcement", "日期晚于今天",
    "“{key}”为 {value}，晚于今天（{today}）。",
    "核对日期；尚未生效的内容请用 valid_from 设定生效日期。",
)
UNKNOWN_TIME_ZONE = define(
    "GK-DATE-005", ERROR, "county", "时区名称无效",
    "“{key}”的值“{value}”不是已知的时区名称；屏幕、触摸屏和公开栏将按北京时间（Asia/Shanghai）显示时间和日期。",
    "{advice}",
)
EXPIRED = define(
    "GK-DATE-004", INFO, "power, notice, announcement", "已过有效期",
    "有效期已于 {until} 结束，不再发布到任何屏幕。",
    "如需继续公开，延长 valid_until；否则可删除该条目。",
)

_PAST_FIELDS = ("date", "updated")


@check("power")
@check("notice")
@check("announcement")
def dates(obj: PowerItem | Notice | Announcement, ctx: CheckContext) -> Iterator[Finding]:
    start, until = obj.valid_from, obj.valid_until
    if start and until and until < start:
        yield RANGE_REVERSED.finding(obj.where("valid_until"), "valid_until",
                                     start=start.isoformat(), until=until.isoformat())
    elif until and until < ctx.today:
        yield EXPIRED.finding(obj.where("valid_until"), "valid_until", until=until.isoformat())
    for name in _PAST_FIELDS:
        value = getattr(obj, name, None)
        if value and value > ctx.today:
            yield IN_FUTURE.finding(obj.where(name), name, key=name, value=value.isoformat(),
                                    today=ctx.today.isoformat())
