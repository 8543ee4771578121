"""Required fields, per kind of content and per power type."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from signage.catalogue.findings import Finding
from signage.catalogue.model import Announcement, Notice, PowerItem, Unit
from signage.catalogue.rules.context import CheckContext
from signage.catalogue.rules.registry import ERROR, WARNING, check, define

# Field labels as the office's training material names them.
LABELS: dict[str, str] = {
    "name": "事项名称", "code": "事项编码", "type": "事项类型", "department": "承办机构",
    "implementing_unit": "实施主体", "legal_basis": "设定依据", "statutory_days": "法定时限",
    "promised_days": "承诺时限", "fee": "收费标准", "materials": "申请材料", "place": "办理地点",
    "hours": "办理时间", "flowchart": "流程图", "supervision_phone": "监督电话",
    "consult_phone": "咨询电话", "title": "标题", "kind": "文种", "issuer": "发文机关",
    "date": "成文日期", "disclosure": "公开属性", "id": "编号", "text": "内容",
    "address": "办公地址", "duties": "主要职责",
}

_COMMON = ("name", "code", "type", "department", "legal_basis", "flowchart", "supervision_phone")
# Powers a citizen applies for: the notice must say what to bring, where, when, how long, cost.
_APPLICATION = (*_COMMON, "statutory_days", "promised_days", "materials", "place", "hours", "fee")
REQUIRED_POWER_FIELDS: dict[str, tuple[str, ...]] = {
    "行政许可": _APPLICATION, "行政确认": _APPLICATION, "行政给付": _APPLICATION,
    "行政奖励": _APPLICATION, "行政裁决": _APPLICATION,
}
REQUIRED_NOTICE_FIELDS = ("title", "kind", "issuer", "date", "disclosure")
REQUIRED_ANNOUNCEMENT_FIELDS = ("id", "text")
REQUIRED_UNIT_FIELDS = ("name", "address", "supervision_phone")

MISSING_POWER_FIELD = define(
    "GK-REQ-001", ERROR, "power", "权力事项缺少必填项",
    "{type}事项缺少“{label}”（{field}）。",
    "补充“{label}”。{hint}",
)
MISSING_NOTICE_FIELD = define(
    "GK-REQ-002", ERROR, "notice", "政府信息缺少必填项",
    "政府信息缺少“{label}”（{field}）。",
    "补充“{label}”。",
)
MISSING_ANNOUNCEMENT_FIELD = define(
    "GK-REQ-003", ERROR, "announcement", "公告缺少必填项",
    "滚动公告缺少“{label}”（{field}）。",
    "补充“{label}”。",
)
MISSING_UNIT_FIELD = define(
    "GK-REQ-004", ERROR, "unit", "单位信息缺少必填项",
    "单位信息缺少“{label}”（{field}）。",
    "在 unit.yaml 中补充“{label}”，各渠道都要显示。",
)
MISSING_DUTIES = define(
    "GK-REQ-005", WARNING, "unit", "未公开主要职责",
    "单位未填写主要职责（duties）。",
    "在 unit.yaml 的 duties 中逐条列出本单位主要职责。",
)
MISSING_UNIT_RULE = define(
    "GK-REQ-006", WARNING, "unit", "未公开工作制度",
    "单位未公开“{title}”。",
    "在 unit.yaml 的 rules 中补充 title: {title} 及制度全文。",
)

_HINTS = {
    "legal_basis": "格式如：《中华人民共和国行政许可法》第十二条。",
    "flowchart": "填写 flowchart.steps（受理、审查、决定、送达等步骤）或流程图图片路径。",
    "fee": "不收费填写 fee: 不收费；收费须写明标准和依据。",
    "statutory_days": "按设定依据填写工作日天数。",
    "promised_days": "填写不超过法定时限的工作日天数。",
}


def _absent(obj: Any, name: str) -> bool:
    """Missing, as opposed to written but invalid (the reading already reported that)."""
    return name not in obj.invalid and _is_missing(getattr(obj, name))


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str | list):
        return not value
    if hasattr(value, "charged"):  # Fee
        return value.charged is None and "charged" not in value.invalid
    if hasattr(value, "steps"):  # Flowchart
        return not (value.image or value.steps)
    return False


def required_power_fields(power_type: str) -> tuple[str, ...]:
    return REQUIRED_POWER_FIELDS.get(power_type, _COMMON)


@check("power")
def power_required(item: PowerItem, ctx: CheckContext) -> Iterator[Finding]:
    type_label = item.type_declared or "权力"
    for name in required_power_fields(item.type):
        if _absent(item, name):
            yield MISSING_POWER_FIELD.finding(
                item.where(name), name, type=type_label, label=LABELS[name], field=name,
                hint=_HINTS.get(name, ""))


def _missing(obj: Any, names: tuple[str, ...], rule: Any) -> Iterator[Finding]:
    for name in names:
        if _absent(obj, name):
            yield rule.finding(obj.where(name), name, label=LABELS[name], field=name)


@check("notice")
def notice_required(notice: Notice, ctx: CheckContext) -> Iterator[Finding]:
    yield from _missing(notice, REQUIRED_NOTICE_FIELDS, MISSING_NOTICE_FIELD)


@check("announcement")
def announcement_required(item: Announcement, ctx: CheckContext) -> Iterator[Finding]:
    yield from _missing(item, REQUIRED_ANNOUNCEMENT_FIELDS, MISSING_ANNOUNCEMENT_FIELD)


@check("unit")
def unit_required(unit: Unit, ctx: CheckContext) -> Iterator[Finding]:
    yield from _missing(unit, REQUIRED_UNIT_FIELDS, MISSING_UNIT_FIELD)
    if not unit.duties:
        yield MISSING_DUTIES.finding(unit.where("duties"), "duties")
    titles = {rule.title for rule in unit.rules}
    for title in ("限时办结制度", "首问责任制"):
        if not any(title in t for t in titles):
            yield MISSING_UNIT_RULE.finding(unit.where("rules"), "rules", title=title)
