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
from signage.catalogue.rules.registry import WARNING, define
from signage.catalogue.rules.text import TextField

TRADITIONAL = define(
    "GK-TEXT-006", WARNING, "unit, power, notice, announcement", "使用了繁体字",
    "“{field}”含有繁体字{chars}：…{context}…",
    "公开内容使用规范汉字：改为“{corrected}”。",
)

_CONTEXT = 24


@functools.cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


_UNCHANGED: set[str] = set()  # characters the converter leaves alone on their own


def may_need_conversion(text: str) -> bool:
    """False when every character of ``text`` is one the converter never changes alone (one
    C-level set test for almost all text); the characters seen are remembered."""
    if _UNCHANGED.issuperset(text):
        return False
    convert = _converter().convert
    suspects = False
    for char in set(text) - _UNCHANGED:
        if convert(char) == char:
            _UNCHANGED.add(char)
        else:
            suspects = True
    return suspects


def simplified(text: str) -> str | None:
    """``text`` in standard simplified characters, or None when it already is."""
    if text.isascii() or not may_need_conversion(text):
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


def standard_characters(fields: list[TextField]) -> Iterator[Finding]:
    """Run by :mod:`signage.catalogue.rules.characters` (one pass over the texts)."""
    for text in fields:
        converted = simplified(text.text)
        if converted is None:
            continue
        chars, first = _changed(text.text, converted)
        start = max(0, first - _CONTEXT // 2)
        context = text.text[start:start + _CONTEXT].replace("\n", " ")
        corrected = converted if len(converted) <= 60 else converted[start:start + _CONTEXT]
        yield TRADITIONAL.finding(text.location, text.field, field=text.field, chars=chars,
                                  context=context, corrected=corrected)
