"""Chinese text for the kiosk through ``pygame.freetype``: measured, wrapped, rendered, centred.

The face is the outline CJK font ``signage.text.fonts`` finds (Noto Sans CJK SC is face 2 of Debian's
TTC; face 0 would draw Japanese glyph shapes), opened with ``font_index``.

Vertical placement: a line of text at ``y`` owns the line box ``[y, y + line_height)``, and its
baseline sits at ``y + baseline(size)``, chosen so that the *ink of an ideograph* (the bounding
box of 国, as FreeType reports it) is centred in the line box. Centring the font's
ascender/descender box instead would put Chinese visibly high or low, because that box is
built for Latin ascenders and descenders, not for the ideographic em box.

Rare characters: a text is drawn in runs, each in the first font of the outline chain that has
its glyphs (Noto Sans CJK, then HanaMin A/B for CJK Extension B and beyond, as the boards do), so
a rare character of a name prints instead of a box; pygame.freetype sets one face per call.

Line breaking is ``signage.text.linebreak`` (禁则, words and numbers whole), measured here in pixels;
pygame's own ``wraplength`` breaks those rules and is never used.
"""

from __future__ import annotations

import functools
import math

import pygame
import pygame.freetype

from signage.text.fonts import FontFile, find_cjk_font, find_fallback_fonts, font_runs
from signage.text.linebreak import wrap

LEADING = 1.4  # line box height, in ems: Chinese reads best with generous leading
CENTRE_GLYPH = "国"  # a full, box-shaped ideograph: its ink is the ideographic face
Colour = tuple[int, int, int] | tuple[int, int, int, int]


class KioskFonts:
    """The CJK face (regular and bold) at pixel sizes, with caches sized for a kiosk's few sizes."""

    def __init__(self, regular: FontFile | None = None, bold: FontFile | None = None, *,
                 leading: float = LEADING, width_cache: int = 16384, render_cache: int = 512,
                 fallbacks: tuple[FontFile, ...] | None = None) -> None:
        pygame.freetype.init()  # idempotent; works headless (SDL_VIDEODRIVER=dummy)
        self.files = {False: regular or find_cjk_font(), True: bold or find_cjk_font(bold=True)}
        self.fallbacks = find_fallback_fonts() if fallbacks is None else fallbacks
        self.leading = leading
        # Per-instance LRUs (functools on methods would pin every instance forever).
        self._font = functools.lru_cache(maxsize=64)(self._open)
        self._advance = functools.lru_cache(maxsize=width_cache)(self._char_advance)
        self._width = functools.lru_cache(maxsize=width_cache)(self._text_width)
        self._render = functools.lru_cache(maxsize=render_cache)(self._draw)
        self._metrics = functools.lru_cache(maxsize=64)(self._vertical)

    # -- fonts and measures -----------------------------------------------------------------

    def font(self, size_px: int, bold: bool = False, file: FontFile | None = None) -> pygame.freetype.Font:
        """The face (``file``, or the CJK font) at ``size_px`` (cached and shared: do not change
        its attributes)."""
        return self._font(_px(size_px), bool(bold), file or self.files[bool(bold)])

    def runs(self, text: str, bold: bool = False) -> list[tuple[FontFile, str]]:
        """``text`` in runs of one font each: the CJK font, or a fallback where it has no glyph."""
        return font_runs((self.files[bool(bold)], *self.fallbacks), text)

    def _open(self, size_px: int, bold: bool, file: FontFile) -> pygame.freetype.Font:
        font = pygame.freetype.Font(str(file.path), size=size_px, font_index=file.index)
        font.antialiased = True
        font.kerning = False  # so a text's advance is the sum of its characters' (see width)
        font.origin = True  # render_to positions the baseline origin, not the ink's corner
        font.pad = False
        return font

    def width(self, text: str, size_px: int, bold: bool = False) -> int:
        """Advance width of ``text`` in pixels (what it takes in a line, bearings included)."""
        return self._width(text, _px(size_px), bool(bold))

    def _text_width(self, text: str, size_px: int, bold: bool) -> int:
        return sum(self._advance(char, size_px, bold) for char in text)

    def _char_advance(self, char: str, size_px: int, bold: bool) -> int:
        """One character's hinted advance; a missing glyph counts as the .notdef box it draws as.

        ``get_metrics`` answers None for missing glyphs, so the padded rect (whose width is the
        advance) is asked instead. Advances are whole pixels and kerning is off, so summing
        characters gives exactly the rendered width, and wrapping stays linear per line."""
        file = self.runs(char, bold)[0][0] if char else None
        font = self.font(size_px, bold, file)
        font.pad = True
        try:
            return font.get_rect(char).width
        finally:
            font.pad = False

    def line_height(self, size_px: int) -> int:
        """Height of one line box (baseline to baseline) for text of ``size_px``."""
        return self._metrics(_px(size_px))[0]

    def baseline(self, size_px: int) -> int:
        """Distance from the top of the line box to the baseline: ideographs centred in the box."""
        return self._metrics(_px(size_px))[1]

    def ascent(self, size_px: int) -> int:
        """Distance from the top of a ``render()`` surface to its baseline.

        Blit a rendered line at ``y + baseline(size) - ascent(size)`` to put it in the line box
        at ``y``. It is at least ``baseline(size)``: the surface also holds the font's full
        ascender, so tall Latin marks are never clipped by the line box."""
        return self._metrics(_px(size_px))[2]

    def _vertical(self, size_px: int) -> tuple[int, int, int, int]:
        """(line height, baseline, ascent, descent) of a render surface, for one size.

        The ink box of 国 is read from FreeType (``get_rect`` without padding: ``y`` is the ink's
        top above the baseline, ``height`` its height). Its centre is ``top - height / 2``
        above the baseline; putting that centre at ``line_height / 2`` gives the baseline."""
        line = max(1, round(size_px * self.leading))
        font = self.font(size_px, False)
        ink = font.get_rect(CENTRE_GLYPH)
        if ink.height > 0:
            baseline = round(line / 2 + ink.y - ink.height / 2)
        else:  # a face without 国: fall back to the ideographic em box, 0.88 em above the baseline
            baseline = round((line - size_px) / 2 + 0.88 * size_px)
        ascent = max(baseline, math.ceil(font.get_sized_ascender(size_px)))
        descent = max(line - baseline, math.ceil(-font.get_sized_descender(size_px)))
        return line, baseline, ascent, descent

    # -- text ----------------------------------------------------------------------------------

    def wrap(self, text: str, width_px: int, size_px: int, bold: bool = False) -> list[str]:
        """Lines no wider than ``width_px``, broken by the Chinese rules (signage.text.linebreak).

        Cached: a banner or a page re-wraps the same text every frame otherwise."""
        return list(self._wrap(text, int(width_px), _px(size_px), bool(bold)))

    @functools.lru_cache(maxsize=1024)  # noqa: B019 - one KioskFonts per process, kept for its life
    def _wrap(self, text: str, width_px: int, size: int, bold: bool) -> tuple[str, ...]:
        return tuple(wrap(text, width_px, lambda part: self._width(part, size, bold)))

    def render(self, text: str, size_px: int, colour: Colour | pygame.Color,
               bold: bool = False) -> pygame.Surface:
        """One line, anti-aliased on a transparent surface; its baseline is ``ascent(size)`` down.

        Cached (LRU): the result is shared, so blit it, do not draw on it."""
        return self._render(text, _px(size_px), tuple(pygame.Color(colour)), bool(bold))

    def _draw(self, text: str, size_px: int, colour: tuple[int, ...], bold: bool) -> pygame.Surface:
        _line, _baseline, ascent, descent = self._metrics(size_px)
        # Room for the last glyph's overhang past its advance (italic-like tails of Latin letters,
        # bold strokes): measuring the ink with get_rect would cost a layout per new line.
        overhang = max(2, size_px // 8) if text else 0
        surface = pygame.Surface((max(1, self.width(text, size_px, bold) + overhang), ascent + descent),
                                 pygame.SRCALPHA)
        x = 0
        for file, run in self.runs(text, bold):
            self.font(size_px, bold, file).render_to(surface, (x, ascent), run, colour)
            x += self.width(run, size_px, bold)
        return surface


def _px(size: float) -> int:
    """Whole pixel sizes: hinting and the caches both want them."""
    return max(1, round(size))
