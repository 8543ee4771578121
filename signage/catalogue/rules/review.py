"""保密审查: nothing reaches a screen without a complete, passed, current review record."""

from __future__ import annotations

from collections.abc import Iterator

from signage.catalogue.findings import Finding
from signage.catalogue.model import Announcement, Notice, PowerItem
from signage.catalogue.reviewseal import verify_seal
from signage.catalogue.rules.context import CheckContext
from signage.catalogue.rules.registry import ERROR, WARNING, check, define
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
    if not record.sealed and record.date and obj.updated and obj.updated > record.date:
        yield STALE.finding(record.where("date"), "review.date", updated=obj.updated.isoformat(),
                            reviewed=record.date.isoformat())


VOIDED = define(
    "GK-REVIEW-005", ERROR, "power, notice, announcement", "审查后内容已修改，审查失效",
    "保密审查（{account}，{time}）审查的是另一版内容，本记录审查后已被修改。",
    "在工作台提交审查，由审查人重新审查通过后方可发布。",
)
BAD_SEAL = define(
    "GK-REVIEW-006", ERROR, "power, notice, announcement", "保密审查签名无效",
    "保密审查记录的签名无法用县级设置中的审查公钥（review_keys）验证。",
    "不要手工修改系统写入的审查记录；在工作台重新提交审查。",
)
UNCONFIRMED = define(
    "GK-REVIEW-007", WARNING, "power, notice, announcement", "保密审查未经系统确认",
    "保密审查记录为手工填写，未经系统确认。",
    "在工作台提交审查，由审查人在系统中审查通过；county.yaml 设置 hand_reviews: 暂缓 后，"
    "手工填写的审查记录不再发布。",
)
HAND_HELD = define(
    "GK-REVIEW-008", ERROR, "power, notice, announcement", "手工审查记录不予发布",
    "本县设置 hand_reviews: 暂缓，手工填写的保密审查记录未经系统确认，不能发布。",
    "在工作台提交审查，由审查人在系统中审查通过。",
)

HOLD_HAND_REVIEWS = ("暂缓", "hold")


@check("power")
@check("notice")
@check("announcement")
def review_seal(obj: PowerItem | Notice | Announcement, ctx: CheckContext) -> Iterator[Finding]:
    """A sealed review must seal this very content; a hand-typed one is flagged as unconfirmed."""
    record = obj.review
    if record is None or not record.passed:
        return
    county = ctx.catalogue.county
    if not record.sealed:
        if county.hand_reviews in HOLD_HAND_REVIEWS:
            yield HAND_HELD.finding(record.where(), "review")
        elif county.review_keys:
            yield UNCONFIRMED.finding(record.where(), "review")
        return
    if not verify_seal(tuple(county.review_keys), record.signature, record.account, record.time,
                       record.result, record.digest):
        yield BAD_SEAL.finding(record.where("signature"), "review.signature")
    elif record.digest != obj.content_digest:
        yield VOIDED.finding(record.where("digest"), "review.digest", account=record.account,
                             time=record.time)
