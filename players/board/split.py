"""Cutting a drawn row in two where a page ends, so that no text is ever lost off the paper.

A row taller than the room left (a 2,000-character legal basis, a 40-step flowchart) is cut at
a height where no text line, arrowhead, diamond or picture is crossed: between two lines of its
cells, or between two boxes of a chart. Lines crossing the cut are cut with it; boxes crossing
it (a table cell) continue on the next part with their frame. A cut that also crosses no box
(between two steps of a flowchart) is preferred when one is reasonably low on the page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from signage.diagrams.shapes import PT, Line, Picture, Polygon, Rect, Shape, Text

ASCENT, DESCENT = 0.88, 0.12  # of an ideograph, in ems: the text's box
CLEAR = 0.15  # mm kept between a cut and the ink it passes


def extent(shape: Shape) -> tuple[float, float]:
    """The shape's top and bottom, in mm."""
    if isinstance(shape, Text):
        return shape.y - ASCENT * shape.size * PT, shape.y + DESCENT * shape.size * PT
    if isinstance(shape, Line):
        return min(shape.y1, shape.y2), max(shape.y1, shape.y2)
    if isinstance(shape, Polygon):
        ys = [y for _, y in shape.points]
        return min(ys), max(ys)
    return shape.y, shape.y + shape.h


def _merged(spans: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    result: list[tuple[float, float]] = []
    for top, bottom in sorted(spans):
        if result and top <= result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], bottom))
        else:
            result.append((top, bottom))
    return result


def _lowest_free(spans: list[tuple[float, float]], limit: float) -> float:
    """The lowest height ≤ ``limit`` inside none of ``spans`` (merged, sorted)."""
    cut = limit
    for top, bottom in reversed(spans):
        if top - CLEAR < cut < bottom + CLEAR:
            cut = top - CLEAR
    return cut


def find_cut(shapes: list[Shape], limit: float, *, prefer_whole_boxes: bool = True) -> float:
    """Where to cut ``shapes`` (relative to the row's top) no lower than ``limit``; ≤ 0 if nowhere."""
    hard = _merged(extent(s) for s in shapes if isinstance(s, Text | Polygon | Picture))
    cut = _lowest_free(hard, limit)
    if prefer_whole_boxes:
        boxes = _merged([*hard, *(extent(s) for s in shapes if isinstance(s, Rect))])
        whole = _lowest_free(boxes, limit)
        if whole >= 0.4 * limit:
            return whole
    return cut


def cut_shapes(shapes: list[Shape], cut: float, pad: float = 0.0) -> tuple[list[Shape], list[Shape]]:
    """The shapes above ``cut`` and those below it moved up to start at 0 (then ``pad`` lower);
    lines and boxes crossing the cut are cut with it, a box continuing from 0 on the next part."""
    above: list[Shape] = []
    below: list[Shape] = []
    for shape in shapes:
        top, bottom = extent(shape)
        if bottom <= cut:
            above.append(shape)
        elif top >= cut:
            below.append(_shifted(shape, pad - cut))
        elif isinstance(shape, Line):
            first, second = _cut_line(shape, cut)
            above.append(first)
            below.append(_shifted(second, pad - cut))
            if pad:
                x = shape.x1 + (shape.x2 - shape.x1) * (cut - shape.y1) / (shape.y2 - shape.y1)
                below.append(Line(x, 0.0, x, pad, shape.width, shape.colour))
        elif isinstance(shape, Rect):
            above.append(dataclasses.replace(shape, h=cut - shape.y))
            below.append(dataclasses.replace(shape, y=0.0, h=bottom - cut + pad))
        else:  # find_cut never crosses these; kept whole above rather than lost
            above.append(shape)
    return above, below


def _cut_line(line: Line, cut: float) -> tuple[Line, Line]:
    """The part above the cut and the part below it."""
    t = (cut - line.y1) / (line.y2 - line.y1)
    x = line.x1 + (line.x2 - line.x1) * t
    start, end = dataclasses.replace(line, x2=x, y2=cut), dataclasses.replace(line, x1=x, y1=cut)
    return (start, end) if line.y1 < line.y2 else (end, start)


def _shifted(shape: Shape, dy: float, dx: float = 0.0) -> Shape:
    if isinstance(shape, Line):
        return dataclasses.replace(shape, x1=shape.x1 + dx, y1=shape.y1 + dy, x2=shape.x2 + dx,
                                   y2=shape.y2 + dy)
    if isinstance(shape, Polygon):
        return dataclasses.replace(shape, points=tuple((x + dx, y + dy) for x, y in shape.points))
    return dataclasses.replace(shape, x=shape.x + dx, y=shape.y + dy)


def moved(shapes: Iterable[Shape], dx: float, dy: float) -> list[Shape]:
    return [_shifted(shape, dy, dx) for shape in shapes]
