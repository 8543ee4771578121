"""LED glyphs: characters the LED sign's 16-px bitmap font cannot draw (shown there as a box).

Kiosks and boards use an outline CJK font; an LED row is drawn with a bitmap font (GNU Unifont
by default, :func:`signage.text.fonts.find_bitmap_font`) that stops at the Basic Multilingual Plane,
so a rare character of a name (𬌗, CJK Extension E) or an emoji is a placeholder box there.
Only the fields an LED sign shows are checked, and only for content that goes to LED signs
(the check itself is in :mod:`signage.catalogue.rules.channel_glyphs`, beside the kiosk's and the
boards', so each finding can say truly what the other channels do).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator

from signage.catalogue.findings import Finding
from signage.catalogue.model import Announcement, Catalogue, Notice, PowerItem, Unit
from signage.catalogue.rules.context import CheckContext
from signage.catalogue.rules.registry import INFO, WARNING, check, define
from signage.text.fonts import (
    BITMAP_ENV,
    BITMAP_PACKAGES,
    FontFile,
    FontNotFoundError,
    find_bitmap_font,
    missing_glyphs,
)

MISSING_GLYPH = define(
    "GK-LED-001", WARNING, "unit, power, notice, announcement", "LED屏无法显示的字符",
    "“{field}”中有LED屏点阵字体（{font}）无法显示的字符：{chars}。",
    "LED屏会把这些字符显示为方框。请核对是否录入正确；人名、地名等确需使用的生僻字，可改用常用的"
    "规范写法或在其后加注拼音，表情符号等请删除或改为文字。{others}",
)
NOT_CHECKED = define(
    "GK-LED-002", INFO, "catalogue", "未能检查LED屏字符",
    "找不到LED屏使用的16像素点阵字体（{reason}），未检查LED屏能否显示每个字符。",
    f"在运行检查的计算机上安装 GNU Unifont：apt-get install {BITMAP_PACKAGES[0]}"
    f"（或将环境变量 {BITMAP_ENV} 设为点阵字体文件的路径）；"
    "否则生僻字、表情符号可能在LED屏上显示为方框而不被发现。",
)

LED = "led"
FIELDS: dict[type, tuple[str, ...]] = {
    PowerItem: ("name", "implementing_unit", "department", "consult_phone", "supervision_phone"),
    Notice: ("title",),
    Announcement: ("text",),
    Unit: ("name", "short_name", "consult_phone", "supervision_phone", "complaint_phone"),
}
INHERITED = frozenset(("consult_phone", "supervision_phone", "complaint_phone"))
# Characters already found drawable, per font: most text is seen whole in one C-level set lookup.
_DRAWABLE: dict[FontFile, set[str]] = {}


@functools.cache
def _led_font(configured_by_env: str | None) -> tuple[FontFile | None, str]:
    """The LED font (or None and why not), looked up once per value of ``$SIGNAGE_BITMAP_FONT``.

    A failed search is remembered too (it globs the font folders, milliseconds per call). The
    checker keeps unit findings between checks, so a font installed later needs a restart anyway.
    """
    try:
        return find_bitmap_font(), ""
    except FontNotFoundError:
        if configured_by_env:
            return None, f"{BITMAP_ENV} 指向的 {configured_by_env} 不存在或无法按16像素显示"
        return None, "未安装"


def current_led_font() -> FontFile | None:
    """The bitmap font LED signs draw with by default, None when none is installed."""
    return _led_font(os.environ.get(BITMAP_ENV) or None)[0]


def undrawable(font: FontFile, text: str) -> list[str]:
    """The characters of ``text`` that ``font`` lacks, each once, in order of appearance."""
    drawable = _DRAWABLE.setdefault(font, set())
    if drawable.issuperset(text):
        return []
    missing = missing_glyphs(font, text)
    drawable.update(set(text) - missing)
    return list(dict.fromkeys(char for char in text if char in missing))


@check("catalogue")
def led_font_missing(catalogue: Catalogue, ctx: CheckContext) -> Iterator[Finding]:
    """Once per check, at county.yaml: without a bitmap font no LED glyph was checked."""
    font, reason = _led_font(os.environ.get(BITMAP_ENV) or None)
    if font is None:
        yield NOT_CHECKED.finding(catalogue.county.where(), None, reason=reason)
