"""Glyphs as lamp masks: each character drawn once, without anti-aliasing, then reused.

An LED lamp is on or off, so grey edges from anti-aliasing would just be lost (or lit at
random). 16-px rows use a bitmap CJK font at its native size (GNU Unifont), where every font
pixel is one lamp; taller rows use the outline CJK font with Pillow's ``fontmode = "1"``.
A character the font lacks is drawn as a visible placeholder box, never as a blank.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from signage.text.fonts import (
    LED_ROWS,
    FontFile,
    find_bitmap_font,
    find_cjk_font,
    load_pillow_font,
    missing_glyphs,
)

Mask = np.ndarray  # (row height, advance) bool


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text in one colour role (text, tag, title, clock, urgent)."""

    text: str
    role: str = "text"


class GlyphSet:
    """Lamp masks for one font at one row height, cached per character."""

    def __init__(self, row_height: int = LED_ROWS, font: FontFile | None = None) -> None:
        self.row_height = row_height
        self.font_file = font or self._default_font(row_height)
        self.font: ImageFont.FreeTypeFont = load_pillow_font(self.font_file, row_height)
        self.baseline = self._ideographic_baseline()
        self._masks: dict[str, Mask] = {}
        self.placeholders: set[str] = set()  # characters drawn as boxes so far

    @staticmethod
    def _default_font(row_height: int) -> FontFile:
        return find_bitmap_font() if row_height == LED_ROWS else find_cjk_font()

    def _ideographic_baseline(self) -> int:
        """Where the baseline goes so an ideograph's ink sits centred in the row.

        Centring the font's ascent+descent box instead would push CJK text down (that box
        holds Latin descenders and line gap), and cut the bottom off on a 32-px row."""
        ascent, descent = self.font.getmetrics()
        if ascent + descent == self.row_height:  # a bitmap font at its native size: as designed
            return ascent
        _left, top, _right, bottom = self.font.getbbox("国", anchor="ls")
        if bottom <= top:  # a font without 国: fall back to its metrics
            return min(self.row_height - 1, ascent)
        return (self.row_height - (bottom - top)) // 2 - top

    def mask(self, char: str) -> Mask:
        mask = self._masks.get(char)
        if mask is None:
            mask = self._masks[char] = self._draw(char)
        return mask

    def width(self, text: str) -> int:
        return sum(self.mask(char).shape[1] for char in text)

    def render(self, text: str) -> Mask:
        """The whole text as one mask (row height × total advance)."""
        if not text:
            return np.zeros((self.row_height, 0), bool)
        return np.hstack([self.mask(char) for char in text])

    def _draw(self, char: str) -> Mask:
        # a mark NFC could not compose would draw as a dotted circle: a placeholder, flagged
        if char == "\n" or unicodedata.combining(char) or missing_glyphs(self.font_file, char):
            if char != "\n":
                self.placeholders.add(char)
            return self._placeholder()
        advance = max(1, round(self.font.getlength(char)))
        image = Image.new("1", (advance, self.row_height), 0)
        draw = ImageDraw.Draw(image)
        draw.fontmode = "1"
        draw.text((0, self.baseline), char, font=self.font, fill=1, anchor="ls")
        return np.array(image, dtype=bool)

    def _placeholder(self) -> Mask:
        """A hollow box with a centre dot: clearly "a character is here", unlike a gap."""
        size = self.row_height
        box = np.zeros((size, size), bool)
        top, bottom, left, right = 1, size - 2, 1, size - 2
        box[top, left:right + 1] = box[bottom, left:right + 1] = True
        box[top:bottom + 1, left] = box[top:bottom + 1, right] = True
        middle = size // 2
        box[middle - 1:middle + 1, middle - 1:middle + 1] = True
        return box


def render_runs(glyphs: GlyphSet, runs: list[Run], palette: dict[str, tuple[int, int, int]]) -> np.ndarray:
    """Runs → an RGB strip (row height × width × 3, uint8): the unit everything scrolls."""
    pieces = []
    for run in runs:
        mask = glyphs.render(run.text)
        colour = np.array(palette.get(run.role) or palette["text"], np.uint8)
        pieces.append(mask[:, :, None] * colour)
    if not pieces:
        return np.zeros((glyphs.row_height, 0, 3), np.uint8)
    return np.ascontiguousarray(np.hstack(pieces), dtype=np.uint8)
