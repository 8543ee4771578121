"""A laid-out drawing as SVG, for the web column: the same shapes the boards print and the kiosk
draws, in millimetres, scaled by the browser. Text stays text (searchable, read by screen
readers); the font is the visitor's CJK font, so widths may differ a little from the layout's."""

from __future__ import annotations

import base64
from xml.sax.saxutils import escape, quoteattr

from signage.diagrams.shapes import PT, Colour, Line, Picture, Polygon, Rect, Shape, Text

FONT_STACK = ('"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
              '"WenQuanYi Micro Hei", sans-serif')


def to_svg(width: float, height: float, shapes: list[Shape], *, title: str, desc: str = "") -> str:
    """An inline ``<svg>`` element (role img, with its title) of ``shapes`` in a mm box."""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" '
             f'width="{_n(width)}mm" height="{_n(height)}mm" role="img" '
             f'aria-labelledby="chart-title" class="flowchart" font-family={quoteattr(FONT_STACK)}>',
             f'<title id="chart-title">{escape(title)}</title>']
    if desc:
        parts.append(f"<desc>{escape(desc)}</desc>")
    parts += [_shape(shape) for shape in shapes]
    parts.append("</svg>")
    return "".join(parts)


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _rgb(colour: Colour | None) -> str:
    return "none" if colour is None else "#{:02x}{:02x}{:02x}".format(*colour)


def _shape(shape: Shape) -> str:
    if isinstance(shape, Text):
        weight = ' font-weight="bold"' if shape.bold else ""
        return (f'<text x="{_n(shape.x)}" y="{_n(shape.y)}" font-size="{_n(shape.size * PT)}"'
                f' fill="{_rgb(shape.colour)}"{weight}>{escape(shape.text)}</text>')
    if isinstance(shape, Line):
        return (f'<line x1="{_n(shape.x1)}" y1="{_n(shape.y1)}" x2="{_n(shape.x2)}" y2="{_n(shape.y2)}"'
                f' stroke="{_rgb(shape.colour)}" stroke-width="{_n(shape.width)}"/>')
    if isinstance(shape, Rect):
        radius = f' rx="{_n(shape.radius)}"' if shape.radius else ""
        return (f'<rect x="{_n(shape.x)}" y="{_n(shape.y)}" width="{_n(shape.w)}" height="{_n(shape.h)}"'
                f'{radius} fill="{_rgb(shape.fill)}" stroke="{_rgb(shape.stroke)}"'
                f' stroke-width="{_n(shape.width)}"/>')
    if isinstance(shape, Polygon):
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in shape.points)
        return (f'<polygon points="{points}" fill="{_rgb(shape.fill)}" stroke="{_rgb(shape.stroke)}"'
                f' stroke-width="{_n(shape.width)}"/>')
    if isinstance(shape, Picture):
        data = base64.b64encode(shape.png).decode("ascii")
        return (f'<image x="{_n(shape.x)}" y="{_n(shape.y)}" width="{_n(shape.w)}" height="{_n(shape.h)}"'
                f' href="data:image/png;base64,{data}"/>')
    raise TypeError(f"unknown shape {shape!r}")
