"""What an LED sign says about an entry: the layout's template filled in, split into colour runs.

A power item becomes e.g. ``【行政许可】建设工程规划许可 · 规划科 · 监督电话 0412-4822156``: the
template is cut at `` · ``, a part whose fields are all empty is left out (no dangling
"监督电话 " when an item has none), and 【…】 tags take the layout's second colour.
"""

from __future__ import annotations

import re
import string
import unicodedata
from typing import Any

from players.led.glyphs import Run
from players.plan import Entry

PART_SEPARATOR = " · "
NOTICE_TEMPLATE = "【{kind}】{title}{doc_number_spaced}"
_TAG = re.compile(r"(【[^】]*】)")
_FORMATTER = string.Formatter()


def entry_fields(entry: Entry, unit_names: dict[str, str] | None = None) -> dict[str, str]:
    """The fields a template may use, as display text."""
    data: dict[str, Any] = entry.data
    fields = {key: _text(value) for key, value in data.items()}
    fields["type"] = _text(data.get("power_type_declared") or data.get("power_type") or "")
    fields["unit"] = (unit_names or {}).get(entry.unit, entry.unit)
    for key in ("statutory_days", "promised_days"):
        if data.get(key) not in (None, ""):
            fields[key] = f"{data[key]}个工作日"
    if data.get("doc_number"):
        fields["doc_number_spaced"] = f" {data['doc_number']}"
    return fields


FIXED_FIELDS = frozenset({"name", "code", "power_type", "power_type_declared", "kind", "title",
                          "doc_number", "text", "urgent", "department", "supervision_phone"})


def shown_fields(template: str) -> frozenset[str]:
    """Item fields a sign with this template can show (the rest need not be kept in memory)."""
    names = {name.split(".")[0].split("[")[0] for _, name, _, _ in _FORMATTER.parse(template) if name}
    return FIXED_FIELDS | names


def entry_runs(entry: Entry, template: str, unit_names: dict[str, str] | None = None) -> list[Run]:
    """Colour runs for one entry: the layout template for power items, fixed forms otherwise."""
    fields = entry_fields(entry, unit_names)
    if entry.kind == "powers":
        text = fill_template(template, fields)
    elif entry.kind == "notices":
        text = fill_template(NOTICE_TEMPLATE, fields)
    else:
        tag = "【紧急】" if entry.urgent else "【公告】"
        return [Run(tag, "urgent" if entry.urgent else "tag"), Run(_one_line(fields.get("text", "")))]
    return tagged_runs(text)


def fill_template(template: str, fields: dict[str, str]) -> str:
    """The template with ``fields``; parts (cut at " · ") whose fields are all empty are dropped."""
    parts = []
    for part in template.split(PART_SEPARATOR):
        names = [name for _, name, _, _ in _FORMATTER.parse(part) if name]
        if names and not any(fields.get(name) for name in names):
            continue
        parts.append(part.format_map(_Blank(fields)))
    return _one_line(PART_SEPARATOR.join(parts))


def tagged_runs(text: str) -> list[Run]:
    """Split text into runs: 【tags】 in the tag colour, the rest in the text colour."""
    return [Run(piece, "tag" if _TAG.fullmatch(piece) else "text")
            for piece in _TAG.split(text) if piece]


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "、".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ""
    return "" if value is None else str(value)


def _one_line(text: str) -> str:
    """A sign has one line per row: hard breaks and runs of spaces become one space. NFC first,
    so a base letter and its combining mark are one glyph, not a letter and a dotted circle."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
