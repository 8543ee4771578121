"""Screens and layouts declared in ``layouts/``: what each screen is and what it shows.

``layouts/screens.yaml`` lists the screens; every other ``layouts/*.yaml`` file holds one
``layout:`` mapping (panel size, zones, fonts … owned by its renderer) that the publisher sends
to the screens using it. Problems are reported with file and line like content findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from signage.catalogue.vocab import CHANNELS, POWER_TYPES
from signage.catalogue.yamlsource import LocatedDict, read_yaml
from signage.contract.topics import valid_screen_id

SCREEN_KINDS = {"led": "led", "kiosk": "kiosk", "board": "board"}  # kind → channel it shows
SECTIONS = ("announcements", "powers", "notices")
_HOURS = re.compile(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)")


class ScreensError(Exception):
    """layouts/ cannot be used; the message names the file, line and what to fix."""


@dataclass(frozen=True, slots=True)
class Daypart:
    """A time window ("08:00-17:30", may wrap past midnight) and the sections it shows."""

    name: str
    hours: str
    show: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Selection:
    units: tuple[str, ...] = ()  # empty: every unit
    types: tuple[str, ...] = ()  # empty: every power type
    channel: str = ""
    show: tuple[str, ...] = SECTIONS


@dataclass(frozen=True, slots=True)
class Screen:
    id: str
    kind: str
    site: str
    groups: tuple[str, ...]
    layout: dict[str, Any]
    select: Selection
    dayparts: tuple[Daypart, ...] = ()


@dataclass(slots=True)
class ScreenSet:
    screens: dict[str, Screen] = field(default_factory=dict)
    layouts: dict[str, dict[str, Any]] = field(default_factory=dict)


def load_screens(path: Path) -> ScreenSet:
    """Screens from ``path`` (a screens file, or a folder holding screens.yaml and layouts)."""
    folder, screens_file = (path, path / "screens.yaml") if path.is_dir() else (path.parent, path)
    result = ScreenSet()
    for layout_file in sorted(folder.glob("*.yaml")):
        if layout_file != screens_file:
            data = _read(layout_file)
            layout = data.get("layout")
            if not isinstance(layout, dict) or not layout.get("id"):
                raise ScreensError(f"{layout_file}:{data.line}: expected `layout:` with an `id`")
            result.layouts[str(layout["id"])] = _checked(_plain(layout), layout_file, layout)
    data = _read(screens_file)
    rows = data.get("screens")
    if not isinstance(rows, list) or not rows:
        raise ScreensError(f"{screens_file}:{data.line}: expected `screens:` with a list of screens")
    for row, line in zip(rows, rows.lines, strict=True):
        screen = _screen(row, f"{screens_file}:{line}", result.layouts)
        if screen.id in result.screens:
            raise ScreensError(f"{screens_file}:{line}: screen id {screen.id!r} is used twice")
        result.screens[screen.id] = screen
    return result


def _read(path: Path) -> LocatedDict:
    doc = read_yaml(path, str(path))
    if not isinstance(doc.data, LocatedDict):
        problems = "; ".join(f"{f.location}: {f.message}" for f in doc.findings) or "not a mapping"
        raise ScreensError(problems)
    errors = [f for f in doc.findings if f.is_error]
    if errors:
        raise ScreensError("; ".join(f"{f.location}: {f.message}" for f in errors))
    return doc.data


def _plain(value: Any) -> Any:
    """Located values → plain dict/list/str, with numbers and booleans typed for renderers."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        if re.fullmatch(r"-?\d+", value):
            return int(value)
        if re.fullmatch(r"-?\d+\.\d+", value):
            return float(value)
        return {"true": True, "false": False}.get(value, value)
    return value


def _checked(layout: dict[str, Any], path: Path, located: LocatedDict) -> dict[str, Any]:
    """Validate a layout whose renderer can say so, so a bad layout never reaches a sign; the
    error names the line of the field at fault."""
    if layout.get("kind") == "led":
        from players.led.layout import LayoutError, parse_layout

        try:
            parse_layout(layout)
        except LayoutError as exc:
            raise ScreensError(f"{path}:{_line_of(located, str(exc))}: {exc}") from None
    return layout


_SEGMENT = re.compile(r"([A-Za-z_]+)(?:\[(\d+)\])?(?:\.([A-Za-z_]+))?")


def _line_of(layout: LocatedDict, message: str) -> int:
    """The line of the field a layout error names: renderers write ``where: field …`` with
    ``where`` like ``LED layout 'x': zones[1]`` or ``colours.text``, so the segments after the
    layout's name lead down the located mapping."""
    node: Any = layout
    line = layout.line
    for segment in message.split(": ")[1:]:
        match = _SEGMENT.match(segment)
        if match is None or not isinstance(node, LocatedDict) or match.group(1) not in node:
            break
        name, index, sub = match.groups()
        line, node = node.line_of(name), node[name]
        if index is not None and isinstance(node, list) and int(index) < len(node):
            line, node = node.lines[int(index)], node[int(index)]
        if sub and isinstance(node, LocatedDict) and sub in node:
            line, node = node.line_of(sub), node[sub]
    return line


def _screen(row: Any, where: str, layouts: dict[str, dict[str, Any]]) -> Screen:
    if not isinstance(row, dict):
        raise ScreensError(f"{where}: each screen is a mapping with id, kind, layout …")
    screen_id, kind = str(row.get("id") or ""), str(row.get("kind") or "")
    if not valid_screen_id(screen_id):
        raise ScreensError(f"{where}: screen id {screen_id!r} must be lower-case a-z, 0-9, - or _")
    if kind not in SCREEN_KINDS:
        raise ScreensError(f"{where}: kind {kind!r} must be one of {', '.join(SCREEN_KINDS)}")
    layout_id = str(row.get("layout") or "")
    if layout_id and layout_id not in layouts:
        raise ScreensError(f"{where}: layout {layout_id!r} not found in layouts/ "
                           f"(known: {', '.join(layouts) or 'none'})")
    return Screen(
        id=screen_id, kind=kind, site=str(row.get("site") or ""),
        groups=tuple(_strings(row.get("groups"))),
        layout=layouts.get(layout_id, {"id": "", "kind": kind}),
        select=_selection(row.get("select") or {}, kind, where),
        dayparts=tuple(_daypart(p, where) for p in row.get("dayparts") or ()),
    )


def _strings(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _selection(row: Any, kind: str, where: str) -> Selection:
    if not isinstance(row, dict):
        raise ScreensError(f"{where}: select must be a mapping (units, types, channel, show)")
    types = tuple(_strings(row.get("types")))
    unknown = [t for t in types if t not in POWER_TYPES]
    if unknown:
        raise ScreensError(f"{where}: unknown power types {unknown}")
    channel = str(row.get("channel") or SCREEN_KINDS[kind])
    if channel not in CHANNELS:
        raise ScreensError(f"{where}: channel {channel!r} must be one of {', '.join(CHANNELS)}")
    show = tuple(_strings(row.get("show"))) or SECTIONS
    if set(show) - set(SECTIONS):
        raise ScreensError(f"{where}: show may list {', '.join(SECTIONS)}")
    return Selection(tuple(_strings(row.get("units"))), types, channel, show)


def _daypart(row: Any, where: str) -> Daypart:
    if not isinstance(row, dict) or not _HOURS.fullmatch(str(row.get("hours", ""))):
        raise ScreensError(f"{where}: each daypart needs hours like \"08:00-17:30\"")
    show = tuple(_strings(row.get("show"))) or SECTIONS
    return Daypart(str(row.get("name") or row["hours"]), str(row["hours"]), show)
