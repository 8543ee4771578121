"""The boards' drawing list (``players.board.canvas`` shapes, in millimetres) drawn with pygame.

The kiosk shows an item's flowchart exactly as the printed board lays it out
(``signage.diagrams.flowchart``), only scaled to pixels, so the two never disagree. Orthogonal lines
(nearly every line of a flowchart) are filled pixel rectangles, crisp at any scale; slanted lines
and polygon edges use pygame-ce's anti-aliased ``aaline``. Text goes through ``KioskFonts`` with
its baseline where the shape says (canvas ``Text.y`` is the baseline).

A theme mapping swaps colours for the high-contrast mode (black ↔ white): every shape colour and
the chart's background pass through it; pictures (QR codes) are left alone, since an inverted QR
code is not read by every phone.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Mapping

import pygame
import segno

from players.board.canvas import (
    BLACK,
    GREY,
    LIGHT,
    PT,
    RED,
    Colour,
    Fonts,
    Line,
    Picture,
    Polygon,
    Rect,
    Text,
)
from players.kiosk.fonts import KioskFonts
from players.kiosk.ui import Label, ground_under
from signage.diagrams.flowchart import TERMINAL_FILL, layout_flowchart

WHITE: Colour = (255, 255, 255)
Theme = Mapping[Colour, Colour]
# Board colours → high contrast: white on black, fills dark, red lightened to stay readable.
HIGH_CONTRAST: Theme = {BLACK: WHITE, WHITE: BLACK, TERMINAL_FILL: (45, 45, 45), LIGHT: (40, 40, 40),
                        GREY: (200, 200, 200), RED: (255, 120, 110)}
QR_BORDER = 4  # quiet zone, in modules (ISO/IEC 18004 asks for 4)


class _Pen:
    """Millimetres → pixels on one surface, with the theme applied."""

    def __init__(self, surface: pygame.Surface, origin: tuple[float, float], px_per_mm: float,
                 fonts: KioskFonts, colours: Theme | None, labels: list[Label] | None = None) -> None:
        self.surface, self.origin, self.scale, self.fonts = surface, origin, px_per_mm, fonts
        self.colours = colours or {}
        self.labels = labels  # where the text went, in what colour on what ground (the render model)

    def colour(self, colour: Colour) -> Colour:
        return self.colours.get(colour, colour)

    def point(self, x: float, y: float) -> tuple[float, float]:
        return self.origin[0] + x * self.scale, self.origin[1] + y * self.scale

    def stroke(self, width_mm: float) -> int:
        """A stroke at least one pixel wide, so hairlines never vanish on screen."""
        return max(1, round(width_mm * self.scale))


def draw_shapes(surface: pygame.Surface, shapes: Iterable[object], *, origin: tuple[float, float] = (0, 0),
                px_per_mm: float, fonts: KioskFonts, colours: Theme | None = None,
                labels: list[Label] | None = None) -> None:
    """Draw board ``shapes`` with their (0, 0) mm at ``origin`` px, ``px_per_mm`` to the millimetre;
    each text drawn is appended to ``labels`` when given."""
    pen = _Pen(surface, origin, px_per_mm, fonts, colours, labels)
    for shape in shapes:
        if isinstance(shape, Text):
            _text(pen, shape)
        elif isinstance(shape, Line):
            _line(pen, shape)
        elif isinstance(shape, Rect):
            _rect(pen, shape)
        elif isinstance(shape, Polygon):
            _polygon(pen, shape)
        elif isinstance(shape, Picture):
            _picture(pen, shape)


def text_px(size_pt: float, px_per_mm: float) -> int:
    """A board text size in points → the kiosk's pixel size at this scale."""
    return max(1, round(size_pt * PT * px_per_mm))


def _text(pen: _Pen, shape: Text) -> None:
    size = text_px(shape.size, pen.scale)
    x, y = pen.point(shape.x, shape.y)  # y is the baseline
    colour = pen.colour(shape.colour)
    image = pen.fonts.render(shape.text, size, colour, shape.bold)
    left, top = round(x), round(y) - pen.fonts.ascent(size)
    if pen.labels is not None:
        rect = (left, top, image.get_width(), image.get_height())
        pen.labels.append(Label(rect, shape.text, size, colour, ground_under(pen.surface, rect)))
    pen.surface.blit(image, (left, top))


def _line(pen: _Pen, shape: Line) -> None:
    (x1, y1), (x2, y2) = pen.point(shape.x1, shape.y1), pen.point(shape.x2, shape.y2)
    colour, width = pen.colour(shape.colour), pen.stroke(shape.width)
    if math.isclose(x1, x2, abs_tol=0.01) or math.isclose(y1, y2, abs_tol=0.01):
        pygame.draw.rect(pen.surface, colour, _bar(x1, y1, x2, y2, width))
    else:
        pygame.draw.aaline(pen.surface, colour, (x1, y1), (x2, y2), width)


def _bar(x1: float, y1: float, x2: float, y2: float, width: int) -> pygame.Rect:
    """An orthogonal line as whole pixels, ``width`` thick and centred on it (crisp, no blur).

    Square caps (half the width past each end) close the corners where a routed arrow turns;
    the overhang lands inside a box's border or an arrowhead, never in the open."""
    cap = width / 2
    if math.isclose(x1, x2, abs_tol=0.01):
        left = round(x1 - cap)
        top, bottom = round(min(y1, y2) - cap), round(max(y1, y2) + cap)
        return pygame.Rect(left, top, width, max(1, bottom - top))
    top = round(y1 - cap)
    left, right = round(min(x1, x2) - cap), round(max(x1, x2) + cap)
    return pygame.Rect(left, top, max(1, right - left), width)


def _rect(pen: _Pen, shape: Rect) -> None:
    left, top = pen.point(shape.x, shape.y)
    right, bottom = pen.point(shape.x + shape.w, shape.y + shape.h)
    box = pygame.Rect(round(left), round(top), round(right) - round(left), round(bottom) - round(top))
    radius = round(shape.radius * pen.scale)
    if shape.fill is not None:
        pygame.draw.rect(pen.surface, pen.colour(shape.fill), box, border_radius=radius)
    if shape.stroke is not None:
        pygame.draw.rect(pen.surface, pen.colour(shape.stroke), box, pen.stroke(shape.width),
                         border_radius=radius)


def _polygon(pen: _Pen, shape: Polygon) -> None:
    """Filled first, then edged with anti-aliased lines (also in the fill colour when unstroked,
    which smooths the filled arrowheads' slanted sides)."""
    points = [pen.point(x, y) for x, y in shape.points]
    if len(points) < 3:
        return
    if shape.fill is not None:
        pygame.draw.polygon(pen.surface, pen.colour(shape.fill), points)
    edge = shape.stroke if shape.stroke is not None else shape.fill
    if edge is None:
        return
    width = pen.stroke(shape.width) if shape.stroke is not None else 1
    for start, end in zip(points, points[1:] + points[:1], strict=True):
        pygame.draw.aaline(pen.surface, pen.colour(edge), start, end, width)


def _picture(pen: _Pen, shape: Picture) -> None:
    """Enlarged without smoothing (QR modules stay sharp), reduced with it (photos stay clean)."""
    image = pygame.image.load(io.BytesIO(shape.png), "picture.png")
    left, top = pen.point(shape.x, shape.y)
    size = (max(1, round(shape.w * pen.scale)), max(1, round(shape.h * pen.scale)))
    if size[0] >= image.get_width() and size[1] >= image.get_height():
        image = pygame.transform.scale(image, size)
    else:
        image = pygame.transform.smoothscale(_true_colour(image), size)
    pen.surface.blit(image, (round(left), round(top)))


def _true_colour(image: pygame.Surface) -> pygame.Surface:
    """32-bit RGBA (smoothscale refuses palette PNGs such as segno's); no display needed."""
    if image.get_bitsize() >= 24:
        return image
    rgba = pygame.Surface(image.get_size(), pygame.SRCALPHA)
    rgba.blit(image, (0, 0))
    return rgba


def chart_surface(steps: list[dict], width_px: int, px_per_mm: float, fonts: Fonts | None = None,
                  kiosk_fonts: KioskFonts | None = None, *, size_pt: float = 8.0,
                  colours: Theme | None = None, labels: list[Label] | None = None) -> pygame.Surface:
    """An item's flowchart as the board lays it out, ``width_px`` wide, on a white (themed) ground."""
    chart = layout_flowchart(steps, width_px / px_per_mm, fonts or Fonts(), size=size_pt)
    surface = pygame.Surface((width_px, max(1, math.ceil(chart.height * px_per_mm))))
    surface.fill((colours or {}).get(WHITE, WHITE))
    draw_shapes(surface, chart.shapes, px_per_mm=px_per_mm, fonts=kiosk_fonts or KioskFonts(),
                colours=colours, labels=labels)
    return surface


def qr_surface(url: str, size_px: int) -> pygame.Surface:
    """A QR code for ``url``, black on white, in a square of ``size_px`` (quiet zone included).

    Modules are whole pixels (the largest integer scale that fits, centred on white), never
    smooth-scaled: blurred module edges are what makes phones fail to read a QR code on glass.
    If ``size_px`` is smaller than one pixel per module, the square grows to fit."""
    code = segno.make(url, error="m", micro=False)
    modules = code.symbol_size(scale=1, border=QR_BORDER)[0]
    scale = max(1, size_px // modules)
    side = max(size_px, modules * scale)
    surface = pygame.Surface((side, side))
    surface.fill(WHITE)
    offset = (side - modules * scale) // 2
    for row, bits in enumerate(code.matrix_iter(scale=1, border=QR_BORDER)):
        for column, dark in enumerate(bits):
            if dark:
                surface.fill(BLACK, (offset + column * scale, offset + row * scale, scale, scale))
    return surface
