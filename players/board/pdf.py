"""Boards as PDF through fpdf2: real text (selectable, searchable), subset-embedded CJK fonts,
vector lines.

Why this stack: fpdf2 embeds Noto Sans CJK's CFF outlines as a subset (a few hundred KB for a
board instead of a 300-dpi raster of several MB) and reads the Simplified Chinese face out of
Debian's TTC collection (``collection_font_number``); reportlab cannot embed CFF-outline CJK
fonts. The library is only fed finished lines: its own CJK wrapping breaks the Chinese rules,
so all breaking happens in :mod:`signage.text.linebreak` while laying out (:mod:`players.board.canvas`).
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import TextMode

from players.board.canvas import Document, Fonts, Line, Page, Picture, Polygon, Rect, Text
from signage.text.fonts import FontFile

FAMILY = "NotoSansSC"
FALLBACK = "fallback"
# Stroke width of a synthetic bold, in points per point of type size. fpdf2 2.8 writes the
# stroke width of ``text()`` unscaled, so the line width given is read as points.
SYNTHETIC_BOLD = 0.03


LOG = logging.getLogger(__name__)


def write_pdf(document: Document, path: Path | io.BytesIO, fonts: Fonts) -> None:
    pdf = _new_pdf(document, fonts)
    for page in document.pages:
        _draw_page(pdf, page, fonts)
    with _fpdf_warnings_in_chinese(document.title):
        pdf.output(path)


class _Collect(logging.Filter):
    """Takes fpdf2's English warnings off stderr, to be told once, in Chinese."""

    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            self.messages.append(record.getMessage())
            return False
        return True


@contextlib.contextmanager
def _fpdf_warnings_in_chinese(title: str) -> Iterator[None]:
    collect = _Collect()
    loggers = [logging.getLogger("fpdf"), logging.getLogger("fpdf.output")]
    for logger in loggers:
        logger.addFilter(collect)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(collect)
    for message in collect.messages:
        if "missing the following glyphs" in message:
            chars = message.split("glyphs:", 1)[1].strip()
            LOG.warning("公开栏“%s”中有字体无法显示的字符 %s，打印出来是空白方框。"
                        "请核对这些字是否录入正确，生僻字可安装 fonts-hanazono 字体后重新生成"
                        "（技术信息：fpdf2：%s）", title, chars, message)
        else:
            LOG.warning("生成公开栏“%s”的 PDF 时出现警告（技术信息：fpdf2：%s）", title, message)


def _new_pdf(document: Document, fonts: Fonts) -> FPDF:
    first = document.pages[0]
    pdf = FPDF(unit="mm", format=(first.width, first.height))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(document.title)
    pdf.set_subject(document.subject)
    pdf.set_author(document.author)
    pdf.set_keywords(document.keywords)
    pdf.set_creator("disclosure-signage")
    pdf.set_lang("zh-CN")
    return pdf


def _draw_text(pdf: FPDF, shape: Text, fonts: Fonts) -> None:
    """A text in runs: the CJK font, and a fallback font for what it lacks (fpdf2's own
    fallback applies to cells only, not to ``text``).

    When ``fonts`` has one face for both weights, bold is the regular face filled and stroked
    (synthetic bold): one CJK face embedded instead of two halves the cost of a PDF."""
    families = {font: f"{FALLBACK}{number}" for number, font in enumerate(fonts.fallbacks)}
    synthetic = shape.bold and fonts.bold == fonts.regular
    x = shape.x
    for font, run in fonts.runs(shape.text, shape.bold):
        family = families.get(font)
        style = "" if family or synthetic else ("B" if shape.bold else "")
        _register(pdf, family or FAMILY, style, font)
        pdf.set_font(family or FAMILY, style, shape.size)
        if synthetic:  # in its own graphics state: the PDF's text mode outlives the text (Tr)
            with pdf.local_context(text_mode=TextMode.FILL_STROKE, draw_color=shape.colour,
                                   line_width=shape.size * SYNTHETIC_BOLD):
                pdf.text(x, shape.y, run)
        else:
            pdf.text(x, shape.y, run)
        x += pdf.get_string_width(run)


def _register(pdf: FPDF, family: str, style: str, font: FontFile) -> None:
    """Embed a font when the document first uses it: parsing a CJK face costs a few hundred ms
    and the fallback fonts (TrueType, decompiled whole by fpdf2) over a second, so a document
    that sets no rare character and no bold pays for neither."""
    if f"{family.lower()}{style}" in pdf.fonts:
        return
    pdf.add_font(family, style, str(font.path), collection_font_number=font.index)
    # The subset keeps the font's own glyph boxes; recomputing them from the CFF outlines
    # costs about a second a document and changes nothing a viewer or printer uses.
    ttfont = getattr(pdf.fonts[f"{family.lower()}{style}"], "ttfont", None)
    if ttfont is not None:
        ttfont.recalcBBoxes = False


def _draw_page(pdf: FPDF, page: Page, fonts: Fonts) -> None:
    pdf.add_page(format=(page.width, page.height))
    for shape in page.shapes:
        if isinstance(shape, Text):
            pdf.set_text_color(*shape.colour)
            _draw_text(pdf, shape, fonts)
        elif isinstance(shape, Line):
            pdf.set_draw_color(*shape.colour)
            pdf.set_line_width(shape.width)
            pdf.line(shape.x1, shape.y1, shape.x2, shape.y2)
        elif isinstance(shape, Rect):
            _rect(pdf, shape)
        elif isinstance(shape, Polygon):
            _style(pdf, shape.stroke, shape.fill, shape.width)
            pdf.polygon(list(shape.points), style=_mode(shape.stroke, shape.fill))
        elif isinstance(shape, Picture):
            pdf.image(io.BytesIO(shape.png), shape.x, shape.y, shape.w, shape.h)


def _rect(pdf: FPDF, rect: Rect) -> None:
    _style(pdf, rect.stroke, rect.fill, rect.width)
    mode = _mode(rect.stroke, rect.fill)
    if rect.radius:
        pdf.rect(rect.x, rect.y, rect.w, rect.h, style=mode, round_corners=True,
                 corner_radius=rect.radius)
    else:
        pdf.rect(rect.x, rect.y, rect.w, rect.h, style=mode)


def _style(pdf: FPDF, stroke: tuple | None, fill: tuple | None, width: float) -> None:
    if stroke is not None:
        pdf.set_draw_color(*stroke)
        pdf.set_line_width(width)
    if fill is not None:
        pdf.set_fill_color(*fill)


def _mode(stroke: tuple | None, fill: tuple | None) -> str:
    return ("D" if stroke else "") + ("F" if fill else "") or "D"


