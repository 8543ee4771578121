"""One pass over every text of a subject for the character-level rules: standard characters
(:mod:`.standard_chars`), combining marks (:mod:`.combining`) and what the kiosk and the boards
can draw (:mod:`.channel_glyphs`). Each rule keeps its own module; walking the texts once and
testing the whole joined text first (one C-level set or regex test) keeps the checker within
1.5× of reading the YAML (bench/check_catalogue.py)."""

from __future__ import annotations

from collections.abc import Iterator

from signage.catalogue.findings import Finding
from signage.catalogue.model import Announcement, Notice, PowerItem, Unit
from signage.catalogue.rules import channel_glyphs, combining, standard_chars
from signage.catalogue.rules.context import CheckContext
from signage.catalogue.rules.registry import check
from signage.catalogue.rules.text import texts


@check("power")
@check("notice")
@check("announcement")
@check("unit")
def characters(obj: PowerItem | Notice | Announcement | Unit, ctx: CheckContext) -> Iterator[Finding]:
    fields = [text for text in texts(obj) if not text.text.isascii()]
    if not fields:
        return
    joined = "".join(text.text for text in fields)
    if standard_chars.may_need_conversion(joined):
        yield from standard_chars.standard_characters(fields)
    if combining.has_marks(joined):
        yield from combining.stray_marks(fields)
    yield from channel_glyphs.outline_glyphs(obj, fields, joined)
