"""Boards' pages and documents, drawn with the shared vocabulary of :mod:`signage.diagrams.shapes`.

Layout happens once, against the real font's advance widths; the PDF and PNG backends only
replay the drawing list, so both put every glyph and line in the same place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from signage.diagrams.shapes import (
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
    Shape,
    Text,
    arrow,
)

__all__ = ["BLACK", "GREY", "LIGHT", "PT", "RED", "Colour", "Document", "Fonts", "Line", "Page", "Picture",
           "Polygon", "Rect", "Shape", "Text", "arrow"]


@dataclass(slots=True)
class Page:
    width: float
    height: float
    shapes: list[Shape] = field(default_factory=list)

    def add(self, *shapes: Shape) -> None:
        self.shapes.extend(shapes)


@dataclass(slots=True)
class Document:
    title: str
    pages: list[Page] = field(default_factory=list)
    subject: str = ""
    author: str = ""
    keywords: str = ""
