"""A small drawing vocabulary in millimetres (text, lines, boxes, polygons, pictures) and font
measuring: what boards (PDF, PNG), the kiosk (pygame) and the web column (SVG) all draw.

Layout happens once, here, against the real font's advance widths; the backends only replay
the drawing list. So the PDF and its PNG preview put every glyph and line in the same place,
and a test can check the layout (nothing outside the page, nothing overlapping) without
parsing either file.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from PIL import ImageFont

from signage.text.fonts import FontFile, find_cjk_font, find_fallback_fonts, font_runs, load_pillow_font

PT = 25.4 / 72  # millimetres per typographic point
Colour = tuple[int, int, int]
BLACK: Colour = (0, 0, 0)
RED: Colour = (190, 20, 20)  # the red of 公开栏 headers
GREY: Colour = (110, 110, 110)
LIGHT: Colour = (236, 236, 236)
_MEASURE_PX = 200  # glyph advances are read at this size and scaled: layout is size-independent


@dataclass(frozen=True, slots=True)
class Text:
    """One line of text; (x, y) is the left end of its baseline."""

    x: float
    y: float
    text: str
    size: float  # points
    bold: bool = False
    colour: Colour = BLACK


@dataclass(frozen=True, slots=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.3
    colour: Colour = BLACK


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    stroke: Colour | None = BLACK
    fill: Colour | None = None
    width: float = 0.3
    radius: float = 0.0  # rounded corners (start/end terminals)


@dataclass(frozen=True, slots=True)
class Polygon:
    points: tuple[tuple[float, float], ...]
    stroke: Colour | None = BLACK
    fill: Colour | None = None
    width: float = 0.3


@dataclass(frozen=True, slots=True)
class Picture:
    """A raster image (a QR code, a unit's flowchart image) placed in a box."""

    x: float
    y: float
    w: float
    h: float
    png: bytes


Shape = Text | Line | Rect | Polygon | Picture


class Fonts:
    """The CJK outline font (regular and bold) and how wide text set in it is, in mm."""

    def __init__(self, regular: FontFile | None = None, bold: FontFile | None = None,
                 fallbacks: tuple[FontFile, ...] | None = None) -> None:
        self.regular = regular or find_cjk_font()
        self.bold = bold or find_cjk_font(bold=True)
        # Rare characters (CJK Extension B …) the CJK font lacks are set in these, so they print.
        self.fallbacks = find_fallback_fonts() if fallbacks is None else fallbacks

    def file(self, bold: bool) -> FontFile:
        return self.bold if bold else self.regular

    def runs(self, text: str, bold: bool = False) -> list[tuple[FontFile, str]]:
        """``text`` in runs of one font each: the CJK font, or a fallback where it has no glyph."""
        return font_runs((self.file(bold), *self.fallbacks), text)

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """Advance width of ``text`` at ``size`` points, in millimetres."""
        return sum(_advance(font, run) for font, run in self.runs(text, bold)) * size / _MEASURE_PX * PT

    def measure(self, size: float, bold: bool = False):
        return functools.partial(self.width, size=size, bold=bold)


@functools.lru_cache(maxsize=65536)
def _advance(font: FontFile, text: str) -> float:
    return _font(font).getlength(text)


@functools.cache
def _font(font: FontFile) -> ImageFont.FreeTypeFont:
    return load_pillow_font(font, _MEASURE_PX)


def arrow(x1: float, y1: float, x2: float, y2: float, *, width: float = 0.3, head: float = 2.2,
          colour: Colour = BLACK) -> tuple[Line, Polygon]:
    """A line from (x1, y1) to (x2, y2) with a filled head at the end."""
    import math

    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    bx, by = x2 - ux * head, y2 - uy * head
    half = head * 0.45
    left, right = (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)
    return (Line(x1, y1, bx, by, width, colour),
            Polygon(((x2, y2), left, right), stroke=None, fill=colour))
