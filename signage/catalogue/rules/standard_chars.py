"""规范汉字: official disclosure is written in standard simplified characters (国家通用语言文字法).

Traditional characters pasted from other sources are found with OpenCC's Traditional → Simplified
converter (phrase-aware, so 乾坤 keeps its 乾 and 干部 is left alone). Characters that read the
same in both forms never alarm: the converter leaves them unchanged.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterator

import opencc

from signage.catalogue.findings import Finding
from signage.catalogue.model import Announcement, Notice, PowerItem, Unit
from signage.catalogue.rules.context import CheckContext
from signage.catalogue.rules.registry import WARNING, check, define
from signage.catalogue.rules.text import texts

TRADITIONAL = define(
    "GK-TEXT-006", WARNING, "unit, power, notice, announcement", "使用了繁体字",
    "“{field}”含有繁体字{chars}：…{context}…",
    "公开内容使用规范汉字：改为“{corrected}”。",
)

_CONTEXT = 24


@functools.cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=65536)
def _may_convert(char: str) -> bool:
    """Whether the converter changes ``char`` on its own (a cheap gate before converting text)."""
    return _converter().convert(char) != char


def simplified(text: str) -> str | None:
    """``text`` in standard simplified characters, or None when it already is."""
    if text.isascii() or not any(_may_convert(ch) for ch in text if ord(ch) >= 0x3400):
        return None
    converted = _converter().convert(text)
    return None if converted == text else converted


def _changed(text: str, converted: str) -> tuple[str, int]:
    """The traditional characters (as 「劃」「證」) and where the first one is."""
    chars: list[str] = []
    first = -1
    matcher = difflib.SequenceMatcher(None, text, converted, autojunk=False)
    for tag, start, stop, _, _ in matcher.get_opcodes():
        if tag != "equal":
            first = start if first < 0 else first
            for ch in text[start:stop]:
                if ch not in chars:
                    chars.append(ch)
    return "".join(f"“{ch}”" for ch in chars), max(first, 0)


@check("power")
@check("notice")
@check("announcement")
@check("unit")
def standard_characters(obj: PowerItem | Notice | Announcement | Unit,
                        ctx: CheckContext) -> Iterator[Finding]:
    for text in texts(obj):
        converted = simplified(text.text)
        if converted is None:
            continue
        chars, first = _changed(text.text, converted)
        start = max(0, first - _CONTEXT // 2)
        context = text.text[start:start + _CONTEXT].replace("\n", " ")
        corrected = converted if len(converted) <= 60 else converted[start:start + _CONTEXT]
        yield TRADITIONAL.finding(text.location, text.field, field=text.field, chars=chars,
                                  context=context, corrected=corrected)
