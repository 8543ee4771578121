"""Classified markers and personal data: never on a public screen."""

from __future__ import annotations

import re
from collections.abc import Iterator

from signage.catalogue.findings import Finding
from signage.catalogue.model import Announcement, Notice, PowerItem, Unit
from signage.catalogue.rules.context import CheckContext
from signage.catalogue.rules.registry import ERROR, WARNING, check, define
from signage.catalogue.rules.text import texts

CLASSIFIED = define(
    "GK-SECRET-001", ERROR, "unit, power, notice, announcement", "含有密级标志",
    "“{field}”含有密级或内部标志“{marker}”，涉密或内部信息不得公开。",
    "立即撤下该内容并报保密审查；确属可公开信息的，须经定密机关解密后删除标志再发布。",
)
ID_NUMBER = define(
    "GK-PRIV-001", ERROR, "unit, power, notice, announcement", "含有公民身份号码",
    "“{field}”含有公民身份号码 {masked}。",
    "删除身份号码或只保留前6位和后4位（如 {masked}），公开前去除个人信息。",
)
PERSONAL_MOBILE = define(
    "GK-PRIV-002", WARNING, "unit, power, notice, announcement", "正文含有手机号码",
    "“{field}”中含有手机号码 {masked}，可能是个人信息。",
    "公开内容使用单位固定电话；确需公开的工作手机请写入 consult_phone 等电话字段。",
)

_MARKERS = re.compile(
    r"(?:绝密|机密|秘密)\s*[★☆*＊]"
    r"|[【\[［（(〔]\s*(?:绝密|机密|秘密|内部)\s*[】\]］）)〕]"
    r"|内部(?:资料|文件|使用|传阅|刊物|情况|明电)"
    r"|^\s*(?:绝密|机密|秘密|内部)\s*$",
    re.MULTILINE,
)
_UNCLASSIFIED = frozenset(("", "无", "公开", "非密", "不涉密", "none", "无密级"))
_LONG_NUMBER = re.compile(r"\d{11}")
_ID = re.compile(r"(?<![0-9])[1-9]\d{16}[\dXx](?![0-9])")
_MOBILE = re.compile(r"(?<![0-9])1[3-9]\d{9}(?![0-9])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def is_id_number(candidate: str) -> bool:
    """True for an 18-digit 公民身份号码 whose GB 11643 check digit is right."""
    total = sum(int(d) * w for d, w in zip(candidate[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == candidate[17].upper()


def _mask(number: str) -> str:
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


@check("power")
@check("notice")
@check("announcement")
@check("unit")
def secrets_and_personal_data(
    obj: PowerItem | Notice | Announcement | Unit, ctx: CheckContext
) -> Iterator[Finding]:
    if isinstance(obj, Notice) and obj.classification.strip() not in _UNCLASSIFIED:
        yield CLASSIFIED.finding(obj.where("classification"), "classification",
                                 field="classification", marker=obj.classification)
    for text in texts(obj):
        value, name = text.text, text.field
        marker = _MARKERS.search(value)
        if marker:
            yield CLASSIFIED.finding(text.location, name, field=name,
                                     marker=marker.group().strip())
        if _LONG_NUMBER.search(value):  # cheap gate: both need 11+ digits in a row
            for match in _ID.finditer(value):
                if is_id_number(match.group()):
                    yield ID_NUMBER.finding(text.location, name, field=name,
                                            masked=_mask(match.group()))
            for match in _MOBILE.finditer(value):
                yield PERSONAL_MOBILE.finding(text.location, name, field=name,
                                              masked=match.group()[:3] + "****" + match.group()[-4:])
