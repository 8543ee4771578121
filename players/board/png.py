"""Board pages as PNG through Pillow: previews for staff and the golden images tests compare.

Draws the same drawing list as the PDF backend, so a preview shows exactly the printed layout.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from players.board.canvas import PT, Fonts, Line, Page, Picture, Polygon, Rect, Text
from signage.text.fonts import FontFile, load_pillow_font


def render_png(page: Page, fonts: Fonts, dpi: int = 150) -> Image.Image:
    scale = dpi / 25.4  # pixels per millimetre
    image = Image.new("RGB", (round(page.width * scale), round(page.height * scale)), "white")
    draw = ImageDraw.Draw(image)
    for shape in page.shapes:
        _draw(image, draw, shape, scale, fonts)
    return image


def save_png(page: Page, path: Path, fonts: Fonts, dpi: int = 150) -> None:
    render_png(page, fonts, dpi).save(path, optimize=True, dpi=(dpi, dpi))


def _draw(image: Image.Image, draw: ImageDraw.ImageDraw, shape: object, scale: float, fonts: Fonts) -> None:
    if isinstance(shape, Text):
        pixels = max(1, round(shape.size * PT * scale))
        x = shape.x * scale
        for file, run in fonts.runs(shape.text, shape.bold):  # fallback fonts for rare characters
            font = _font(file, pixels)
            draw.text((x, shape.y * scale), run, font=font, fill=shape.colour, anchor="ls")
            x += font.getlength(run)
    elif isinstance(shape, Line):
        draw.line([(shape.x1 * scale, shape.y1 * scale), (shape.x2 * scale, shape.y2 * scale)],
                  fill=shape.colour, width=max(1, round(shape.width * scale)))
    elif isinstance(shape, Rect):
        box = [shape.x * scale, shape.y * scale, (shape.x + shape.w) * scale, (shape.y + shape.h) * scale]
        width = max(1, round(shape.width * scale)) if shape.stroke else 0
        draw.rounded_rectangle(box, radius=shape.radius * scale, fill=shape.fill, outline=shape.stroke,
                               width=width)
    elif isinstance(shape, Polygon):
        points = [(x * scale, y * scale) for x, y in shape.points]
        draw.polygon(points, fill=shape.fill, outline=shape.stroke,
                     width=max(1, round(shape.width * scale)) if shape.stroke else 0)
    elif isinstance(shape, Picture):
        with Image.open(io.BytesIO(shape.png)) as picture:
            size = (max(1, round(shape.w * scale)), max(1, round(shape.h * scale)))
            image.paste(picture.convert("RGB").resize(size, Image.Resampling.NEAREST),
                        (round(shape.x * scale), round(shape.y * scale)))


@functools.lru_cache(maxsize=64)
def _font(font: FontFile, pixels: int) -> ImageFont.FreeTypeFont:
    return load_pillow_font(font, pixels)
