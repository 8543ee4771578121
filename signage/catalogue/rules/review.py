"""保密审查: nothing reaches a screen without a complete, passed, current review record."""

from __future__ import annotations

from collections.abc import Iterator

from signage.catalogue.findings import Finding
from signage.catalogue.model import Announcement, Notice, PowerItem
from signage.catalogue.rules.context import CheckContext
from signage.catalogue.rules.registry import ERROR, check, define
from signage.catalogue.vocab import REVIEW_PASSED, REVIEW_RESULTS

NO_REVIEW = define(
    "GK-REVIEW-001", ERROR, "power, notice, announcement", "缺少保密审查记录",
    "没有保密审查记录，不能发布。",
    "经保密审查后填写 review: reviewer（审查人）、date（审查日期）、result: 通过；"
    "可在文件顶部写一次 review 适用于整个文件。",
)
INCOMPLETE = define(
    "GK-REVIEW-002", ERROR, "power, notice, announcement", "保密审查记录不完整",
    "保密审查记录缺少“{missing}”。",
    "补全审查人（reviewer）、审查日期（date）和审查结论（result: " + "/".join(REVIEW_RESULTS) + "）。",
)
NOT_PASSED = define(
    "GK-REVIEW-003", ERROR, "power, notice, announcement", "保密审查未通过",
    "保密审查结论为“{result}”。",
    "按审查意见修改后重新审查；结论为“" + REVIEW_PASSED + "”方可发布。",
)
STALE = define(
    "GK-REVIEW-004", ERROR, "power, notice, announcement", "内容修改后未重新审查",
    "内容于 {updated} 修改，晚于保密审查日期 {reviewed}。",
    "修改后的内容须重新进行保密审查，并更新 review.date。",
)

_LABELS = {"reviewer": "审查人", "date": "审查日期", "result": "审查结论"}


@check("power")
@check("notice")
@check("announcement")
def review_record(obj: PowerItem | Notice | Announcement, ctx: CheckContext) -> Iterator[Finding]:
    record = obj.review
    if record is None:
        yield NO_REVIEW.finding(obj.where("review"), "review")
        return
    missing = [label for name, label in _LABELS.items() if not getattr(record, name)]
    if missing:
        yield INCOMPLETE.finding(record.where(), "review", missing="、".join(missing))
    elif not record.passed:
        yield NOT_PASSED.finding(record.where("result"), "review.result", result=record.result)
    if record.date and obj.updated and obj.updated > record.date:
        yield STALE.finding(record.where("date"), "review.date", updated=obj.updated.isoformat(),
                            reviewed=record.date.isoformat())
