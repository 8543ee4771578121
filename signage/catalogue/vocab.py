"""The official vocabularies: power types, document kinds, disclosure attributes, channels.

This is the one place these lists live. Legacy names that older lists (and the seed) still use
are accepted and mapped to the current term, so ``check`` can advise the unit to update them.
"""

from __future__ import annotations

from dataclasses import dataclass

# 行政权力事项类型, in the order the office reports them. The two-letter code is the pinyin
# abbreviation used in the middle segment of an item code (TXQ-XK-001).
POWER_TYPES: dict[str, str] = {
    "行政许可": "XK",
    "行政处罚": "CF",
    "行政强制": "QZ",
    "行政征收": "ZS",
    "行政给付": "JF",
    "行政检查": "JC",
    "行政确认": "QR",
    "行政奖励": "JL",
    "行政裁决": "CJ",
    "其他行政权力": "QT",
}


@dataclass(frozen=True, slots=True)
class LegacyName:
    """A name older lists use, the current term it maps to, and what to tell the unit."""

    current: str
    abbr: str
    advice: str


LEGACY_POWER_TYPES: dict[str, LegacyName] = {
    "行政审批": LegacyName(
        "行政许可",
        "SP",
        "「行政审批」已不再作为权力类型使用：属于行政许可的改为「行政许可」，"
        "非行政许可审批事项改为「其他行政权力」。",
    ),
    "非行政许可审批": LegacyName(
        "其他行政权力", "QT", "非行政许可审批已取消，改为「其他行政权力」或相应类型。"
    ),
    "其他权力": LegacyName("其他行政权力", "QT", "使用规范名称「其他行政权力」。"),
    "其它行政权力": LegacyName("其他行政权力", "QT", "「其它」应为「其他」：改为「其他行政权力」。"),
    "行政征用": LegacyName("行政征收", "ZS", "行政征用并入「行政征收」类型填报。"),
}

# 党政机关公文种类 (《党政机关公文处理工作条例》, 2012): 15 kinds.
DOCUMENT_KINDS: tuple[str, ...] = (
    "决议", "决定", "命令", "公报", "公告", "通告", "意见",
    "通知", "通报", "报告", "请示", "批复", "议案", "函", "纪要",
)

LEGACY_DOCUMENT_KINDS: dict[str, LegacyName] = {
    "会议纪要": LegacyName("纪要", "", "2012年起公文种类「会议纪要」改称「纪要」。"),
    "令": LegacyName("命令", "", "文种名称为「命令（令）」，填写「命令」。"),
    "命令(令)": LegacyName("命令", "", "文种名称填写「命令」。"),
    "命令（令）": LegacyName("命令", "", "文种名称填写「命令」。"),
}

# 公开属性 under 《政府信息公开条例》 (2019).
DISCLOSURE_ACTIVE = "主动公开"
DISCLOSURE_ON_REQUEST = "依申请公开"
DISCLOSURE_WITHHELD = "不予公开"
DISCLOSURE_ATTRIBUTES: tuple[str, ...] = (
    DISCLOSURE_ACTIVE, DISCLOSURE_ON_REQUEST, DISCLOSURE_WITHHELD,
)

# Publishing channels: lobby LED signs, touch kiosks, printed notice boards.
CHANNELS: dict[str, str] = {"led": "LED屏幕", "kiosk": "电子触摸屏", "board": "公开栏"}

REVIEW_PASSED = "通过"
REVIEW_RESULTS: tuple[str, ...] = (REVIEW_PASSED, "不通过")


def canonical_power_type(name: str) -> str | None:
    """The current type for ``name`` (itself or a legacy alias), or None if unknown."""
    if name in POWER_TYPES:
        return name
    legacy = LEGACY_POWER_TYPES.get(name)
    return legacy.current if legacy else None


def type_abbreviations(name: str) -> set[str]:
    """The code abbreviations acceptable for a declared type name."""
    abbrs = {POWER_TYPES[name]} if name in POWER_TYPES else set()
    legacy = LEGACY_POWER_TYPES.get(name)
    if legacy:
        abbrs |= {legacy.abbr, POWER_TYPES[legacy.current]}
    return abbrs


def canonical_document_kind(name: str) -> str | None:
    """The current document kind for ``name`` (itself or a legacy alias), or None."""
    if name in DOCUMENT_KINDS:
        return name
    legacy = LEGACY_DOCUMENT_KINDS.get(name)
    return legacy.current if legacy else None

# The web column's item pages, relative to its base URL (see docs/SITE.md): county.yaml's
# online_url defaults to site_url + this, so kiosk and board QR codes open the item's page.
ITEM_PAGE = "xzql/{unit}/{code}.html"
