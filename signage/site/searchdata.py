"""The search index the site ships: the kiosk's index-building rules (signage.text.search) as
compact JSON, one shard per unit (a one-item edit rewrites one shard), the character table once,
and a manifest naming them. ``static/search.js`` builds the same encoded texts in the browser."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from signage.site import urls
from signage.site.records import Page, SiteContent, SiteUnit
from signage.text import search

FIELD_ORDER = tuple(sorted(search.SCORES))


@dataclass(frozen=True, slots=True)
class _Doc:
    kind: str
    unit: str
    data: dict[str, Any]


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def manifest(content: SiteContent) -> bytes:
    return _dumps(
        {
            "v": 1,
            "glyphs": urls.SEARCH_GLYPHS,
            "join": search.JOIN,
            "fields": list(FIELD_ORDER),
            "scores": search.SCORES,
            "codes": list(search.CODES),
            "shards": [urls.search_shard(u.id) for u in content.units],
        }
    )


def shard(unit: SiteUnit, label: dict[str, str]) -> tuple[bytes, set[str]]:
    """A unit's shard and the characters it uses."""
    names = {
        unit.id: tuple(dict.fromkeys(n for n in (unit.data.get("name"), unit.data.get("short_name")) if n))
    }
    docs: list[list[Any]] = []
    texts: dict[tuple[int, str], list[Any]] = {}
    chars: set[str] = set()
    for number, page in enumerate((*unit.powers, *unit.notices)):
        data = page.data | (
            {"power_type": page.data.get("power_type") or ""} if page.kind == "powers" else {}
        )
        primary = search.normalise(page.title)
        docs.append([page.path, page.title, _label(page, label), len(primary)])
        for field, text in search.searchable(_Doc(page.kind, page.unit, data), names):
            field_no = FIELD_ORDER.index(field)
            entry = texts.get((field_no, text))
            if entry is None:
                placed = search.characters(text)
                encoded = "".join(ch for ch, _ in placed)
                chars.update(encoded)
                entry = texts[field_no, text] = [field_no, encoded, "".join(str(p) for _, p in placed), []]
            if not entry[3] or entry[3][-1] != number:
                entry[3].append(number)
    return _dumps({"docs": docs, "texts": list(texts.values())}), chars


def glyphs(chars: Iterable[str]) -> bytes:
    return _dumps(search.glyph_table(chars))


def _label(page: Page, unit_label: dict[str, str]) -> str:
    name = unit_label.get(page.unit, page.unit)
    if page.kind == "powers":
        return f"{name} · {page.data.get('power_type') or '行政权力'} · {page.data.get('code') or ''}".rstrip(
            " ·"
        )
    return f"{name} · {page.data.get('doc_number') or ''} {page.data.get('date') or ''}".strip()
