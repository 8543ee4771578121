"""Chinese line breaking, shared by the kiosk and the printed boards.

The rules (GB/T 15834 practice, 禁则): no line starts with closing punctuation (，。、；：？！）》」…),
no line ends with opening punctuation (（《「…), and Latin words, numbers and telephone numbers
(``0412-4822310``, ``GB/T 9704``'s parts) are never split unless a single one is wider than a
whole line. Every library tried breaks at least one of these, hence this small module.

Text is cut into unbreakable pieces: each CJK character alone, each run of Latin letters and
digits (with the joiners inside numbers and codes), each space. Closing punctuation sticks to
the piece before it and opening punctuation to the piece after it; lines are then filled greedily.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# May not start a line (they close something or end a clause).
NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’…‥%‰℃,.;:?!)]}·－—～")
# May not end a line (they open something).
NO_LINE_END = frozenset("（《「『【〔〈“‘([{")

_PIECE = re.compile(
    r"[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+(?:[-./:@_'][A-Za-z0-9]+)*"  # words, numbers
    r"|\s+"
    r"|.",
    re.DOTALL,
)

Measure = Callable[[str], float]


def pieces(text: str) -> list[str]:
    """Unbreakable pieces of one paragraph, with punctuation already glued to its neighbour."""
    raw = _PIECE.findall(text)
    glued: list[str] = []
    carry = ""  # opening punctuation waiting for the next piece
    for piece in raw:
        if piece in NO_LINE_END:
            carry += piece
            continue
        piece = carry + piece
        carry = ""
        if glued and piece[0] in NO_LINE_START and not glued[-1].isspace():
            glued[-1] += piece
        else:
            glued.append(piece)
    if carry:
        if glued:
            glued[-1] += carry
        else:
            glued.append(carry)
    return glued


def wrap(text: str, width: float, measure: Measure = len) -> list[str]:
    """Lines of ``text`` no wider than ``width`` (as ``measure`` counts), hard breaks kept."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += _wrap_paragraph(paragraph, width, measure)
    return lines


def _wrap_paragraph(paragraph: str, width: float, measure: Measure) -> list[str]:
    lines: list[str] = []
    line = ""
    for piece in pieces(paragraph):
        if piece.isspace():
            if line:
                line += piece  # dropped again if the line ends here
            continue
        if measure(line + piece) <= width:
            line += piece
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = piece
        if measure(line) > width:
            *full, line = _split_wide(line, width, measure)
            lines += full
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _split_wide(piece: str, width: float, measure: Measure) -> list[str]:
    """A piece wider than a line, cut at characters (the only case a word is split)."""
    parts: list[str] = []
    current = ""
    for char in piece:
        if current and measure(current + char) > width and char not in NO_LINE_START:
            parts.append(current)
            current = ""
        current += char
    parts.append(current)
    return parts
