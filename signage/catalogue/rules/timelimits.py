"""Time limits (法定时限/承诺时限) in working days: numbers, positive, promise within the law."""

from __future__ import annotations

from collections.abc import Iterator

from signage.catalogue.findings import Finding
from signage.catalogue.model import PowerItem
from signage.catalogue.rules.context import CheckContext
from signage.catalogue.rules.registry import ERROR, WARNING, check, define

NOT_A_NUMBER = define(
    "GK-TIME-001", ERROR, "power", "时限不是数字",
    "“{key}”的值“{value}”不是工作日天数。",
    "只填写阿拉伯数字表示的工作日天数，例如 20。",
)
NUMBER_WITH_UNIT = define(
    "GK-TIME-002", WARNING, "power", "时限书写不规范",
    "“{key}”写成了“{value}”。",
    "只填写数字 {number}（单位固定为工作日）。",
)
NOT_POSITIVE = define(
    "GK-TIME-003", ERROR, "power", "时限必须大于零",
    "“{label}”为 {value}，时限必须是正整数。",
    "填写实际工作日天数；当场办结的事项承诺时限填 1。",
)
PROMISE_EXCEEDS_LAW = define(
    "GK-TIME-004", ERROR, "power", "承诺时限超过法定时限",
    "承诺时限 {promised} 个工作日超过法定时限 {statutory} 个工作日。",
    "承诺时限应不超过法定时限：改为 {statutory} 个工作日以内。",
)


@check("power")
def time_limits(item: PowerItem, ctx: CheckContext) -> Iterator[Finding]:
    statutory, promised = item.statutory_days, item.promised_days
    for name, label, value in (("statutory_days", "法定时限", statutory),
                               ("promised_days", "承诺时限", promised)):
        if value is not None and value <= 0:
            yield NOT_POSITIVE.finding(item.where(name), name, label=label, value=value)
    if statutory and promised and promised > statutory:
        yield PROMISE_EXCEEDS_LAW.finding(item.where("promised_days"), "promised_days",
                                          promised=promised, statutory=statutory)
