"""Text hygiene: what makes Chinese text look careless or behave badly on screens."""

from __future__ import annotations

import re
from collections.abc import Iterator

from signage.catalogue.findings import Finding, Location
from signage.catalogue.model import Announcement, Notice, PowerItem, Unit
from signage.catalogue.rules.context import CheckContext
from signage.catalogue.rules.registry import ERROR, WARNING, check, define
from signage.catalogue.rules.text import texts
from signage.text.invisible import INVISIBLE, invisible_kind

STRAY_SPACE = define(
    "GK-TEXT-001", WARNING, "unit, power, notice, announcement", "多余空格",
    "“{field}”含有多余空格：{where}。",
    "删除{where}的空格（中文之间不加空格）。",
)
CONTROL_CHAR = define(
    "GK-TEXT-002", ERROR, "unit, power, notice, announcement", "含有不可见控制字符",
    "“{field}”含有不可见字符 {codepoint}（{kind}）。",
    "删除该字符：它可能来自复制粘贴，会在屏幕上显示为乱码或改变文字方向。",
)
HALF_WIDTH_PUNCT = define(
    "GK-TEXT-003", WARNING, "unit, power, notice, announcement", "中文中使用了半角标点",
    "“{field}”在中文中使用了半角标点“{mark}”：…{context}…",
    "中文语句使用全角标点：将“{mark}”改为“{full}”。",
)
FULL_WIDTH_ALNUM = define(
    "GK-TEXT-004", WARNING, "unit, power, notice, announcement", "使用了全角数字或字母",
    "“{field}”含有全角字符“{chars}”。",
    "数字和字母使用半角：改为“{half}”。",
)
TOO_LONG = define(
    "GK-TEXT-005", WARNING, "unit, power, notice, announcement", "文字过长",
    "“{field}”有 {length} 个字，超过 {limit} 字。",
    "精简到 {limit} 字以内，长的内容放入正文或说明字段。",
)

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}，。、；：？！])[ \u3000]+(?=[{_CJK}])")
_HALF_PUNCT = re.compile(rf"(?<=[{_CJK}])[,;:?!()]|[,;:?!()](?=[{_CJK}])")
_FULL_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+")
_COMMON = "|".join(p.pattern for p in (INVISIBLE, _HALF_PUNCT, _FULL_ALNUM, _SPACE_BETWEEN_CJK))
_SUSPECT_SINGLE = re.compile(_COMMON + r"|^\s|\s$|\n")
_SUSPECT_MULTI = re.compile(_COMMON + r"|[ \t\u3000]\n|[ \t\u3000]$")
_FULL_FORMS = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
LIMITS = {"name": 50, "title": 100, "text": 150, "flowchart.steps.name": 20,
          "department": 40, "materials": 120}
_CODE_LIKE = frozenset(("code", "id"))


@check("power")
@check("notice")
@check("announcement")
@check("unit")
def text_hygiene(obj: PowerItem | Notice | Announcement | Unit, ctx: CheckContext) -> Iterator[Finding]:
    for text in texts(obj):
        name, value, multiline = text.field, text.text, text.multiline
        limit = LIMITS.get(name)
        gate = _SUSPECT_MULTI if multiline else _SUSPECT_SINGLE
        if not gate.search(value) and (not limit or len(value) <= limit):
            continue  # the common case: one regex pass, no location built
        where = text.location
        bad = INVISIBLE.search(value)
        if bad or (not multiline and "\n" in value):
            ch = bad.group() if bad else "\n"
            yield CONTROL_CHAR.finding(where, name, field=name, codepoint=f"U+{ord(ch):04X}",
                                       kind=invisible_kind(ch) if bad else "换行符")
        yield from _spacing(where, name, value, multiline)
        mark = _HALF_PUNCT.search(value)
        if mark:
            start = max(mark.start() - 6, 0)
            yield HALF_WIDTH_PUNCT.finding(where, name, field=name, mark=mark.group(),
                                           full=_FULL_FORMS[mark.group()],
                                           context=value[start:mark.end() + 6])
        wide = _FULL_ALNUM.search(value)
        if wide and name not in _CODE_LIKE:
            chars = wide.group()
            half = "".join(chr(ord(c) - 0xFEE0) for c in chars)
            yield FULL_WIDTH_ALNUM.finding(where, name, field=name, chars=chars, half=half)
        if limit and len(value) > limit:
            yield TOO_LONG.finding(where, name, field=name, length=len(value), limit=limit)


def _spacing(where: Location, name: str, value: str, multiline: bool) -> Iterator[Finding]:
    if not multiline and value != value.strip():
        yield STRAY_SPACE.finding(where, name, field=name, where="开头或结尾")
    elif multiline and any(line != line.rstrip() for line in value.split("\n")):
        yield STRAY_SPACE.finding(where, name, field=name, where="行尾")
    elif _SPACE_BETWEEN_CJK.search(value):
        yield STRAY_SPACE.finding(where, name, field=name, where="汉字之间")
