"""Characters a channel cannot draw (LED, kiosk, board), each channel with its own fonts.

The LED sign draws with a 16-px bitmap font (:mod:`signage.catalogue.rules.led_glyphs`). The kiosk
and the boards (PDF and PNG) draw with the outline CJK font and then the fallback chain
(:func:`signage.text.fonts.outline_chain`: HanaMin A/B for CJK Extension B and beyond). So a rare
character of a name may print on a board and a kiosk and still be a box on an LED sign; an emoji
or a character newer than every font is a box everywhere. Each finding says
what the other channels do with the same characters, so the advice is true for each channel.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from signage.catalogue.findings import Finding
from signage.catalogue.model import Announcement, Notice, PowerItem, Unit
from signage.catalogue.rules.context import CheckContext
from signage.catalogue.rules.led_glyphs import (
    FIELDS,
    INHERITED,
    LED,
    MISSING_GLYPH,
    current_led_font,
    undrawable,
)
from signage.catalogue.rules.registry import WARNING, check, define
from signage.catalogue.rules.text import TextField
from signage.text.fonts import (
    FALLBACK_PACKAGES,
    FontFile,
    FontNotFoundError,
    find_cjk_font,
    find_fallback_fonts,
    undrawable_by_chain,
)

KIOSK_GLYPH = define(
    "GK-KIOSK-001", WARNING, "unit, power, notice, announcement", "触摸屏无法显示的字符",
    "“{field}”中有电子触摸屏字体（{font}）无法显示的字符：{chars}。",
    "触摸屏会把这些字符显示为方框。请核对是否录入正确；人名、地名中的生僻字可改用规范写法或加注拼音，"
    "表情符号请删除或改为文字。{others}",
)
BOARD_GLYPH = define(
    "GK-BOARD-001", WARNING, "unit, power, notice, announcement", "公开栏无法打印的字符",
    "“{field}”中有公开栏字体（{fonts}）都无法显示的字符：{chars}。",
    "公开栏会把这些字符打印为方框。{fix}{others}",
)

KIOSK, BOARD = "kiosk", "board"
_NAMES = {"led": "LED屏", KIOSK: "电子触摸屏", BOARD: "公开栏"}


@functools.cache
def board_chain() -> tuple[FontFile, ...]:
    """What the boards draw with: the CJK font, then the fallback fonts."""
    try:
        return (find_cjk_font(), *find_fallback_fonts())
    except FontNotFoundError:
        return ()


@functools.cache
def kiosk_chain() -> tuple[FontFile, ...]:
    """What the kiosk draws with: the same chain, run by run (players/kiosk/fonts.py)."""
    return board_chain()


def _on(obj: object, channel: str) -> bool:
    channels = getattr(obj, "channels", None)
    return not channels or channel in channels


def missing_on(channel: str, text: str) -> list[str]:
    """The characters of ``text`` that ``channel`` cannot draw ([] when its font is unknown)."""
    if channel == "led":
        font = current_led_font()
        return undrawable(font, text) if font else []
    chain = kiosk_chain() if channel == KIOSK else board_chain()
    return undrawable_by_chain(chain, text) if chain else []


def _others(channel: str, chars: list[str]) -> str:
    """What the other channels do with ``chars``: true for this installation's fonts."""
    fine = [_NAMES[other] for other in _NAMES if other != channel and not missing_on(other, "".join(chars))]
    return f"{'和'.join(fine)}能正常显示这些字符。" if fine else "其他渠道也无法显示这些字符。"


def _listed(chars: list[str]) -> str:
    return "、".join(f"“{char}” U+{ord(char):04X}" for char in chars)


_DRAWS: dict[str, set[str]] = {KIOSK: set(), BOARD: set()}  # characters known to draw, per channel


def outline_glyphs(obj: PowerItem | Notice | Announcement | Unit, fields: list[TextField],
                   joined: str) -> Iterator[Finding]:
    """Run by :mod:`signage.catalogue.rules.characters`; ``joined`` is every text of ``obj``."""
    kiosk = _on(obj, KIOSK) and bool(kiosk_chain()) and not _DRAWS[KIOSK].issuperset(joined)
    board = _on(obj, BOARD) and bool(board_chain()) and not _DRAWS[BOARD].issuperset(joined)
    if not (kiosk or board):
        return
    for channel in (KIOSK, BOARD):
        if not missing_on(channel, joined):
            _DRAWS[channel].update(joined)
    for text in fields:
        if text.text.isascii():
            continue
        if kiosk:
            chars = missing_on(KIOSK, text.text)
            if chars:
                fonts = "、".join(f.path.name for f in kiosk_chain())
                yield KIOSK_GLYPH.finding(text.location, text.field, field=text.field, font=fonts,
                                          chars=_listed(chars),
                                          others=_others(KIOSK, chars))
        if board:
            chars = missing_on(BOARD, text.text)
            if chars:
                fix = ("请删除或改为文字。" if find_fallback_fonts() else
                       f"在生成公开栏的计算机上安装 {FALLBACK_PACKAGES[0]} 可打印扩展B区等生僻字；"
                       "表情符号请删除或改为文字。")
                yield BOARD_GLYPH.finding(text.location, text.field, field=text.field,
                                          fonts="、".join(f.path.name for f in board_chain()),
                                          chars=_listed(chars), fix=fix, others=_others(BOARD, chars))


@check("power")
@check("notice")
@check("announcement")
@check("unit")
def led_glyphs(obj: PowerItem | Notice | Announcement | Unit, ctx: CheckContext) -> Iterator[Finding]:
    font = current_led_font()
    if font is None or not _on(obj, LED):
        return
    for name in FIELDS[type(obj)]:
        if name in INHERITED and name not in obj.field_lines:
            continue  # an item's inherited phone is its unit's, checked there
        value = getattr(obj, name)
        chars = undrawable(font, value) if value else None
        if chars:
            listed = "、".join(f"“{char}” U+{ord(char):04X}" for char in chars)
            yield MISSING_GLYPH.finding(obj.where(name), name, field=name, font=font.path.name,
                                        chars=listed, others=_others("led", chars))


