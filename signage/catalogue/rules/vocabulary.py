"""Power types, document kinds, disclosure attributes and channels against the official lists."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from signage.catalogue import vocab
from signage.catalogue.findings import Finding
from signage.catalogue.model import Notice, PowerItem
from signage.catalogue.rules.context import CheckContext
from signage.catalogue.rules.registry import ERROR, WARNING, check, define

UNKNOWN_TYPE = define(
    "GK-TYPE-001", ERROR, "power", "权力类型不规范",
    "事项类型“{value}”不在行政权力类型目录中。",
    "改为规范类型{suggestion}；可选：" + "、".join(vocab.POWER_TYPES) + "。",
)
LEGACY_TYPE = define(
    "GK-TYPE-002", WARNING, "power", "使用了旧的权力类型名称",
    "事项类型“{value}”是旧名称，现行名称为“{current}”。",
    "{advice}",
)
UNKNOWN_KIND = define(
    "GK-DOC-001", ERROR, "notice", "公文文种不规范",
    "文种“{value}”不是《党政机关公文处理工作条例》规定的15种公文之一。",
    "改为规范文种{suggestion}；可选：" + "、".join(vocab.DOCUMENT_KINDS) + "。",
)
LEGACY_KIND = define(
    "GK-DOC-002", WARNING, "notice", "使用了旧的文种名称",
    "文种“{value}”是旧名称，现行名称为“{current}”。",
    "{advice}",
)
UNKNOWN_DISCLOSURE = define(
    "GK-DISC-001", ERROR, "notice", "公开属性不规范",
    "公开属性“{value}”不规范。",
    "填写 " + "、".join(vocab.DISCLOSURE_ATTRIBUTES) + " 之一。",
)
UNKNOWN_CHANNEL = define(
    "GK-CHAN-001", ERROR, "power, notice, announcement", "发布渠道不规范",
    "发布渠道“{value}”不存在。",
    "填写 led（LED屏幕）、kiosk（电子触摸屏）、board（公开栏）中的一个或多个。",
)


def _suggest(value: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.4)
    return f"“{close[0]}”" if close else ""


@check("power")
def power_type(item: PowerItem, ctx: CheckContext) -> Iterator[Finding]:
    declared = item.type_declared
    if not declared:
        return  # reported by the required-fields rule
    legacy = vocab.LEGACY_POWER_TYPES.get(declared)
    if legacy:
        yield LEGACY_TYPE.finding(item.where("type"), "type", value=declared,
                                  current=legacy.current, advice=legacy.advice)
    elif declared not in vocab.POWER_TYPES:
        yield UNKNOWN_TYPE.finding(item.where("type"), "type", value=declared,
                                   suggestion=_suggest(declared, list(vocab.POWER_TYPES)))


@check("notice")
def notice_vocabulary(notice: Notice, ctx: CheckContext) -> Iterator[Finding]:
    declared = notice.kind_declared
    legacy = vocab.LEGACY_DOCUMENT_KINDS.get(declared)
    if legacy:
        yield LEGACY_KIND.finding(notice.where("kind"), "kind", value=declared,
                                  current=legacy.current, advice=legacy.advice)
    elif declared and declared not in vocab.DOCUMENT_KINDS:
        yield UNKNOWN_KIND.finding(notice.where("kind"), "kind", value=declared,
                                   suggestion=_suggest(declared, list(vocab.DOCUMENT_KINDS)))
    if notice.disclosure and notice.disclosure not in vocab.DISCLOSURE_ATTRIBUTES:
        yield UNKNOWN_DISCLOSURE.finding(notice.where("disclosure"), "disclosure",
                                         value=notice.disclosure)
