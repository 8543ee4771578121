"""Combining marks NFC could not compose: text is normalised to NFC on load (schema.nfc), so a
mark left over sits on a character with no precomposed form (a CJK ideograph, a digit) and every
channel draws it as a dotted circle or a stray accent."""

from __future__ import annotations

import re
from collections.abc import Iterator

from signage.catalogue.findings import Finding
from signage.catalogue.rules.registry import WARNING, define
from signage.catalogue.rules.text import TextField

STRAY_MARK = define(
    "GK-TEXT-007", WARNING, "unit, power, notice, announcement", "含有无法合成的组合符号",
    "“{field}”中“{base}”后有无法与之合成的组合符号 {marks}，各渠道会显示为虚线圆圈或错位的符号。",
    "删除该符号（多来自复制粘贴或输入法）；确需带声调的拼音请直接输入带调字母，如 ǎ、é。",
)

# The combining blocks clerks' text picks up (diacritics, extended, supplement, for symbols, half marks).
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u3099\u309a]+")


def has_marks(text: str) -> bool:
    return _MARKS.search(text) is not None


def stray_marks(fields: list[TextField]) -> Iterator[Finding]:
    """Run by :mod:`signage.catalogue.rules.characters` (one pass over the texts)."""
    for text in fields:
        value = text.text
        for match in _MARKS.finditer(value):
            base = value[match.start() - 1] if match.start() else "（行首）"
            marks = "、".join(f"U+{ord(mark):04X}" for mark in match.group())
            yield STRAY_MARK.finding(text.location, text.field, field=text.field, base=base, marks=marks)
