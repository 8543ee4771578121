"""Turning located YAML values into model objects, field by field.

Each model class has a table of its YAML fields and the converter for each. A converter turns
the unit's text into a typed value (a date, a number of working days, a list) or reports a
located finding and leaves the field empty; it never raises, so one bad field never stops the
rest of the file from loading. Unknown fields are reported with the nearest known name.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from signage.catalogue.findings import Finding, Location
from signage.catalogue.model import (
    Announcement,
    Attachment,
    Branch,
    County,
    Fee,
    Flowchart,
    FlowStep,
    Notice,
    PowerItem,
    ReviewRecord,
    Sourced,
    Unit,
    UnitRule,
)
from signage.catalogue.reviewseal import record_digest
from signage.catalogue.rules import dates as date_rules
from signage.catalogue.rules import loading as load_rules
from signage.catalogue.rules import timelimits as time_rules
from signage.catalogue.rules import vocabulary as vocab_rules
from signage.catalogue.vocab import CHANNELS, ITEM_PAGE
from signage.catalogue.yamlsource import LocatedDict, LocatedList
from signage.text.dates import parse_date
from signage.text.numerals import ascii_digits
from signage.text.timezones import nearest_zones, zone_named

# Chinese headings units use for fields; used to suggest the right field name.
CHINESE_FIELD_NAMES: dict[str, str] = {
    "名称": "name", "事项名称": "name", "编码": "code", "事项编码": "code",
    "类型": "type", "事项类型": "type", "权力类型": "type", "实施主体": "implementing_unit",
    "承办机构": "department", "办理部门": "department", "承办部门": "department",
    "设定依据": "legal_basis", "法定依据": "legal_basis", "法律依据": "legal_basis",
    "法定时限": "statutory_days", "承诺时限": "promised_days", "收费": "fee",
    "收费标准": "fee", "申请材料": "materials", "办理地点": "place", "办理时间": "hours",
    "受理条件": "conditions", "流程图": "flowchart", "咨询电话": "consult_phone",
    "监督电话": "supervision_phone", "投诉电话": "complaint_phone", "标题": "title",
    "文号": "doc_number", "发文机关": "issuer", "文种": "kind", "成文日期": "date",
    "公开属性": "disclosure", "密级": "classification", "正文": "body", "摘要": "summary",
    "保密审查": "review", "主要职责": "duties", "地址": "address", "单位名称": "name",
}

_DAYS = re.compile(r"\s*(\d+)\s*(个工作日|工作日|日|天)?\s*")
_TRUE = frozenset(("true", "True", "TRUE", "yes", "Yes", "是", "收费", "y", "Y"))
_FALSE = frozenset(("false", "False", "FALSE", "no", "No", "否", "不收费", "免费", "n", "N"))

Converter = Callable[["Builder", Any, str, int], Any]


@dataclass(slots=True)
class Builder:
    """Conversion context for one file: where findings point, and where they are collected."""

    file: str
    findings: list[Finding] = field(default_factory=list)
    default_review: ReviewRecord | None = None

    def report(self, rule: Any, line: int | None, field_name: str | None, /, **values: Any) -> None:
        self.findings.append(rule.finding(Location(self.file, line), field_name, **values))

    def shape(self, key: str, line: int, expected: str, value: Any) -> None:
        self.report(load_rules.WRONG_SHAPE, line, key, key=key, expected=expected,
                    actual=_describe(value))

    def build(self, cls: type, table: dict[str, Converter], data: Any, key: str, line: int) -> Any:
        """An instance of ``cls`` from mapping ``data``, or None when it is not a mapping."""
        if not isinstance(data, LocatedDict):
            self.shape(key, line, "键值对（字段: 值）", data)
            return None
        obj = cls(location=Location(self.file, data.line))
        lines = obj.field_lines
        for name, value in data.items():
            line_of = data.lines[name][0]
            convert = table.get(name)
            if convert is None:
                self.unknown_field(name, table, line_of)
                continue
            lines[name] = line_of
            result = convert(self, value, name, line_of)
            if result is not None:
                setattr(obj, name, result)
            elif value is not None:
                obj.invalid = obj.invalid | {name}
            if value.__class__ is LocatedList:
                for index, element_line in enumerate(value.lines):
                    lines[f"{name}.{index}"] = element_line
        return obj

    def unknown_field(self, name: str, table: dict[str, Converter], line: int) -> None:
        suggestion = CHINESE_FIELD_NAMES.get(name)
        if suggestion not in table:
            close = difflib.get_close_matches(name, list(table), n=1, cutoff=0.6)
            suggestion = close[0] if close else None
        if suggestion:
            hint, advice = f"，是否应为“{suggestion}”", f"将“{name}”改为“{suggestion}”。"
        else:
            hint = ""
            advice = f"删除该字段或改为以下字段之一：{'、'.join(table)}。"
        self.report(load_rules.UNKNOWN_FIELD, line, name, key=name, hint=hint, advice=advice)


def _describe(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, dict):
        return "键值对"
    if isinstance(value, list):
        return "列表"
    return f"文字“{value[:20]}”"


# --- converters: (builder, value, key, line) -> typed value or None ------------------------


def nfc(value: str) -> str:
    """Text in Unicode NFC: an accent typed as a separate combining mark joins its letter
    (otherwise it draws as a dotted circle beside it); what cannot compose is a rule's finding."""
    if value.isascii() or unicodedata.is_normalized("NFC", value):
        return value
    return unicodedata.normalize("NFC", value)


def text(b: Builder, value: Any, key: str, line: int) -> str | None:
    if value is None:
        return ""
    if isinstance(value, str):
        return nfc(value)
    b.shape(key, line, "一段文字", value)
    return None


def block_text(b: Builder, value: Any, key: str, line: int) -> str | None:
    """Multi-line text (``|`` blocks): the final newline YAML adds is dropped."""
    result = text(b, value, key, line)
    return result.rstrip("\n") if result else result


def text_list(b: Builder, value: Any, key: str, line: int) -> list[str] | None:
    """A list of texts; a single text is taken as a list of one."""
    if value is None:
        return []
    if isinstance(value, str):
        return [nfc(value)]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [nfc(v.rstrip("\n")) for v in value]
    b.shape(key, line, "文字列表（每行以“- ”开头）", value)
    return None


def date(b: Builder, value: Any, key: str, line: int) -> Any:
    if value is None:
        return None
    if not isinstance(value, str):
        b.shape(key, line, "日期", value)
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        b.report(date_rules.INVALID_DATE, line, key, key=key, value=value, reason=exc)
        return None


def days(b: Builder, value: Any, key: str, line: int) -> int | None:
    """Working days as a whole number; ``20个工作日`` is read as 20 with a warning."""
    if value is None:
        return None
    if not isinstance(value, str):
        b.shape(key, line, "工作日天数（数字）", value)
        return None
    match = _DAYS.fullmatch(ascii_digits(value))
    if not match:
        b.report(time_rules.NOT_A_NUMBER, line, key, key=key, value=value)
        return None
    if match.group(2) or match.group(0) != match.group(1):
        b.report(time_rules.NUMBER_WITH_UNIT, line, key, key=key, value=value,
                 number=match.group(1))
    return int(match.group(1))


def boolean(b: Builder, value: Any, key: str, line: int) -> bool | None:
    if value is None:
        return None
    if isinstance(value, str | bool | int) and value in _TRUE:
        return True
    if isinstance(value, str | bool | int) and value in _FALSE:
        return False
    b.report(load_rules.NOT_A_BOOLEAN, line, key, key=key, value=value)
    return None


def time_zone(b: Builder, value: Any, key: str, line: int) -> str | None:
    """An IANA time zone name this machine's zoneinfo knows (the screens' clock and dates)."""
    name = text(b, value, key, line)
    if not name:
        return name  # "" (not given: Asia/Shanghai) or None (not a text: reported)
    name = name.strip()
    if zone_named(name) is None:
        near = nearest_zones(name)
        advice = ((f"是否应为“{near[0]}”？" if near else "")
                  + "填写 IANA 时区名称，例如 Asia/Shanghai（北京时间）；不填即为北京时间。")
        b.report(date_rules.UNKNOWN_TIME_ZONE, line, key, key=key, value=name[:64], advice=advice)
        return None
    return name


def channels(b: Builder, value: Any, key: str, line: int) -> list[str] | None:
    names = text_list(b, value, key, line)
    if names is None:
        return None
    by_label = {label: name for name, label in CHANNELS.items()}
    result: list[str] = []
    for name in names:
        name = by_label.get(name, name.strip().lower())
        if name in CHANNELS:
            result.append(name)
        else:
            b.report(vocab_rules.UNKNOWN_CHANNEL, line, key, value=name)
    return result


def review(b: Builder, value: Any, key: str, line: int) -> ReviewRecord | None:
    return b.build(ReviewRecord, REVIEW_FIELDS, value, key, line)


def fee(b: Builder, value: Any, key: str, line: int) -> Fee | None:
    """``fee: 不收费`` / ``fee: 每证10元`` or the full mapping with charged/standard/basis."""
    if isinstance(value, str):
        flag = boolean(Builder(b.file), value, key, line)
        result = Fee(location=Location(b.file, line))
        result.charged = flag if flag is not None else True
        if flag is None:
            result.standard = value
        return result
    return b.build(Fee, FEE_FIELDS, value, key, line)


def flowchart(b: Builder, value: Any, key: str, line: int) -> Flowchart | None:
    """A mapping (image or steps), a list of steps, or the path of an image."""
    if isinstance(value, str):
        return Flowchart(location=Location(b.file, line), image=value)
    if isinstance(value, list):
        chart = Flowchart(location=Location(b.file, line))
        chart.steps = steps(b, value, "steps", line) or []
        return chart
    return b.build(Flowchart, FLOWCHART_FIELDS, value, key, line)


def _list_of(cls: type, table: dict[str, Converter], expected: str) -> Converter:
    def convert(b: Builder, value: Any, key: str, line: int) -> list[Any] | None:
        if value is None:
            return []
        if not isinstance(value, list):
            b.shape(key, line, expected, value)
            return None
        built = (b.build(cls, table, v, key, value.lines[i]) for i, v in enumerate(value))
        return [obj for obj in built if obj is not None]

    return convert


REVIEW_FIELDS: dict[str, Converter] = {
    "reviewer": text, "date": date, "result": text, "note": text,
    "account": text, "time": text, "digest": text, "signature": text,
}
FEE_FIELDS: dict[str, Converter] = {"charged": boolean, "standard": text, "basis": text}
BRANCH_FIELDS: dict[str, Converter] = {"when": text, "to": text}


STEP_FIELDS: dict[str, Converter] = {
    "name": text, "post": text, "days": days, "note": text,
    "branches": _list_of(Branch, BRANCH_FIELDS, "分支列表（when/to）"),
}
steps = _list_of(FlowStep, STEP_FIELDS, "步骤列表")
FLOWCHART_FIELDS: dict[str, Converter] = {"image": text, "steps": steps}

POWER_FIELDS: dict[str, Converter] = {
    "name": text, "code": text, "main_item": text, "type": text, "implementing_unit": text,
    "department": text, "legal_basis": text_list, "statutory_days": days, "promised_days": days, "fee": fee,
    "materials": text_list, "place": text, "hours": text, "conditions": block_text,
    "flowchart": flowchart, "consult_phone": text, "supervision_phone": text,
    "channels": channels, "valid_from": date, "valid_until": date, "updated": date,
    "review": review,
}
ATTACHMENT_FIELDS: dict[str, Converter] = {"title": text, "file": text}
NOTICE_FIELDS: dict[str, Converter] = {
    "title": text, "kind": text, "issuer": text, "doc_number": text, "date": date,
    "disclosure": text, "classification": text, "summary": block_text, "body": block_text,
    "channels": channels, "attachments": _list_of(Attachment, ATTACHMENT_FIELDS, "附件列表（title/file）"),
    "valid_from": date, "valid_until": date, "updated": date,
    "review": review,
}
ANNOUNCEMENT_FIELDS: dict[str, Converter] = {
    "id": text, "text": block_text, "urgent": boolean, "channels": channels,
    "valid_from": date, "valid_until": date, "updated": date, "review": review,
}
RULE_FIELDS: dict[str, Converter] = {"title": text, "text": block_text}
UNIT_FIELDS: dict[str, Converter] = {
    "id": text, "name": text, "short_name": text, "code_prefix": text, "address": text,
    "hours": text, "consult_phone": text, "supervision_phone": text, "complaint_phone": text,
    "website": text, "duties": text_list,
    "rules": _list_of(UnitRule, RULE_FIELDS, "制度列表（title/text）"),
}
COUNTY_FIELDS: dict[str, Converter] = {
    "name": text, "office": text, "area_code": text, "code_pattern": text,
    "supervision_phone": text, "online_url": text, "site_url": text, "review_keys": text_list,
    "hand_reviews": text, "two_factor": boolean,
    "rectify_days": lambda b, v, k, line: days(b, str(v) if type(v) is int else v, k, line),
    "rectify_contact": text, "rectify_phone": text, "rectify_prefix": text,
    "time_zone": time_zone,
}

# What each top-level key of a content file holds.
SECTIONS: dict[str, tuple[type, dict[str, Converter]]] = {
    "powers": (PowerItem, POWER_FIELDS),
    "notices": (Notice, NOTICE_FIELDS),
    "announcements": (Announcement, ANNOUNCEMENT_FIELDS),
}
FILE_KEYS = ("unit", "review", *SECTIONS)


def build_list(b: Builder, section: str, data: Any, line: int) -> list[Sourced]:
    """The objects of one section (``powers:``, ``notices:`` …) of a file."""
    cls, table = SECTIONS[section]
    if data is None:
        return []
    if not isinstance(data, list):
        b.shape(section, line, "列表（每项以“- ”开头）", data)
        return []
    built = []
    for value, value_line in zip(data, data.lines, strict=True):
        first_finding = len(b.findings)
        obj = b.build(cls, table, value, section, value_line)
        if obj is None:
            continue
        for finding in b.findings[first_finding:]:
            finding.subject = obj.key  # a bad field holds back its own item only
        obj.content_digest = record_digest(value)
        built.append(obj)
    if b.default_review is not None:
        for obj in built:
            if obj.review is None:
                obj.review = b.default_review
    return built


def build_unit(b: Builder, data: Any, line: int) -> Unit | None:
    return b.build(Unit, UNIT_FIELDS, data, "unit", line)


def build_county(b: Builder, data: Any, line: int) -> County | None:
    county = b.build(County, COUNTY_FIELDS, data, "county", line)
    if county is not None and county.site_url and not county.online_url:
        county.online_url = county.site_url.rstrip("/") + "/" + ITEM_PAGE  # QR codes open the site
    return county
