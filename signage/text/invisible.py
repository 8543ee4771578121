"""Invisible characters: control codes, zero-width and direction marks, private-use code points.

They come in by copy and paste, show as garbage on a screen, can reorder what a reader sees (the
bidi overrides) and can hide in a register's entry. The content rules report them as findings; the
request register refuses them outright.
"""

from __future__ import annotations

import re

# C0 controls except tab (\t) and newline (\n); DEL and C1; zero-width and bidi marks; the BOM; private use
INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064"
                       "\u2066-\u2069\ufeff\ue000-\uf8ff]")


def invisible_kind(ch: str) -> str:
    """What a clerk should be told the character is."""
    code = ord(ch)
    if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069 or code in (0x200E, 0x200F):
        return "文字方向控制符"
    if 0xE000 <= code <= 0xF8FF:
        return "私用区字符"
    if code in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF):
        return "零宽字符"
    return "控制字符"
