"""An LED sign's layout (``layouts/led-*.yaml``), read into typed settings with located errors.

A layout says what the sign physically is (pixels, colour mode) and how text moves on it
(zones, effect, speed, template).  It travels inside every plan, so the publisher validates it
before publishing (:func:`signage.publishing.screens.load_screens`) and the player again on receipt.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

COLOUR_MODES = ("mono", "dual", "rgb")
EFFECTS = ("scroll-left", "page", "scroll-up", "static")
# Named lamp colours; a dual sign has red and green lamps, and lights both for yellow.
NAMED_COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (255, 0, 0), "green": (0, 255, 0), "yellow": (255, 255, 0), "amber": (255, 160, 0),
    "white": (255, 255, 255), "blue": (0, 0, 255), "cyan": (0, 255, 255),
    "magenta": (255, 0, 255), "black": (0, 0, 0),
}
DUAL_COLOURS = ("red", "green", "yellow")
DEFAULT_COLOURS = {"text": "red", "tag": "green", "title": "yellow", "clock": "green",
                   "urgent": "yellow"}
DEFAULT_TEMPLATE = "【{type}】{name} · {department} · 监督电话 {supervision_phone}"
_HEX = re.compile(r"#([0-9a-fA-F]{6})")
_HOURS = re.compile(r"([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)")
MAX_SIDE = 4096


class LayoutError(ValueError):
    """The layout cannot drive a sign; the message names the layout, the field and the fix."""


@dataclass(frozen=True, slots=True)
class Zone:
    """A horizontal band of the panel with its own content and motion."""

    name: str
    y: int
    height: int
    effect: str = "scroll-left"  # how entries move; title zones are "static"
    text: str = ""  # fixed text (a title zone); empty: entries from the plan
    clock: bool = False  # a clock at the right end (HH:MM)
    align: str = "left"  # fixed text alignment: left, centre, right
    hold: float = 3.0  # seconds a page rests (page, scroll-up)
    row_height: int = 0  # pixels per text row; 0: 16 (the bitmap font) unless the zone is taller

    @property
    def scrolls(self) -> bool:
        return not self.text and not self.clock

    @property
    def row(self) -> int:
        """Pixels per text row: one line filling a tall single-line zone, else 16-px rows."""
        if self.row_height:
            return self.row_height
        single_line = self.effect in ("scroll-left", "static")
        return self.height if single_line and self.height >= 24 else min(16, self.height)


@dataclass(frozen=True, slots=True)
class BrightnessWindow:
    hours: str
    level: int  # percent


@dataclass(frozen=True, slots=True)
class LedLayout:
    id: str
    width: int
    height: int
    colour: str  # mono, dual, rgb
    zones: tuple[Zone, ...]
    speed: float = 32.0  # pixels per second
    template: str = DEFAULT_TEMPLATE
    separator: str = "　◆　"
    gap: int = 16  # pixels between items on the scrolling tape, besides the separator
    colours: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # role → RGB
    font: str | None = None  # a font file; default: the bitmap font for 16-px rows
    brightness: tuple[BrightnessWindow, ...] = ()
    urgent_repeat: int = 2  # times an urgent announcement passes when it preempts the loop

    @property
    def scroll_zone(self) -> Zone:
        return next(z for z in self.zones if z.scrolls)

    def colour_of(self, role: str) -> tuple[int, int, int]:
        return self.colours.get(role) or self.colours["text"]

    def brightness_at(self, hhmm: str) -> int:
        """Percent brightness at a time of day ("19:30"); 100 outside every window."""
        for window in self.brightness:
            start, end = window.hours.split("-")
            end = "24:00" if end == "24:00" else end
            inside = start <= hhmm < end if start <= end else (hhmm >= start or hhmm < end)
            if inside:
                return window.level
        return 100


def parse_layout(data: dict[str, Any]) -> LedLayout:
    """A layout mapping (as in the YAML file or a plan) → :class:`LedLayout`, or LayoutError."""
    name = str(data.get("id") or "?")
    where = f"LED layout {name!r}"
    width = _int(data, "width", where, 8, MAX_SIDE)
    height = _int(data, "height", where, 8, MAX_SIDE)
    colour = str(data.get("colour", "mono"))
    if colour not in COLOUR_MODES:
        raise LayoutError(f"{where}: colour {colour!r} must be one of {', '.join(COLOUR_MODES)}")
    zones = tuple(_zone(z, i, where, width, height) for i, z in enumerate(_list(data, "zones", where)))
    if not zones:
        zones = (Zone("scroll", 0, height),)
    _check_zones(zones, where, height)
    speed = _number(data, "speed", where, 1, 1000, 32.0)
    layout = LedLayout(
        id=name, width=width, height=height, colour=colour, zones=zones, speed=speed,
        template=_template(data.get("template", DEFAULT_TEMPLATE), where),
        separator=str(data.get("separator", "　◆　")),
        gap=_int(data, "gap", where, 0, width, 16),
        colours=_colours(data.get("colours") or {}, colour, where),
        font=str(data["font"]) if data.get("font") else None,
        brightness=_brightness(data.get("brightness") or [], where),
        urgent_repeat=_int(data, "urgent_repeat", where, 1, 10, 2),
    )
    return layout


def _check_zones(zones: tuple[Zone, ...], where: str, height: int) -> None:
    rows = sorted((z.y, z.y + z.height, z.name) for z in zones)
    for (_, end, first), (start, _, second) in itertools.pairwise(rows):
        if start < end:
            raise LayoutError(f"{where}: zones {first!r} and {second!r} overlap; give each its own rows")
    scrolling = [z for z in zones if z.scrolls]
    if len(scrolling) != 1:
        raise LayoutError(f"{where}: zones need exactly one zone without `text`/`clock` for the "
                          f"items (found {len(scrolling)})")


def _zone(raw: Any, index: int, where: str, width: int, height: int) -> Zone:
    here = f"{where}: zones[{index}]"
    if not isinstance(raw, dict):
        raise LayoutError(f"{here}: expected a mapping with name, y, height")
    y = _int(raw, "y", here, 0, height - 1, 0)
    zone_height = _int(raw, "height", here, 8, height - y, height - y)
    effect = str(raw.get("effect", "static" if raw.get("text") or raw.get("clock") else "scroll-left"))
    if effect not in EFFECTS:
        raise LayoutError(f"{here}: effect {effect!r} must be one of {', '.join(EFFECTS)}")
    align = str(raw.get("align", "left"))
    if align not in ("left", "centre", "center", "right"):
        raise LayoutError(f"{here}: align {align!r} must be left, centre or right")
    return Zone(name=str(raw.get("name") or f"zone{index}"), y=y, height=zone_height, effect=effect,
                text=str(raw.get("text") or ""), clock=bool(raw.get("clock", False)),
                align="centre" if align == "center" else align,
                hold=_number(raw, "hold", here, 0, 600, 3.0),
                row_height=_int(raw, "row_height", here, 0, zone_height, 0))


def _template(value: Any, where: str) -> str:
    text = str(value)
    try:
        text.format_map(_Probe())
    except (ValueError, IndexError) as exc:
        raise LayoutError(f"{where}: template {text!r} is not a valid template ({exc}); fields are "
                          "written {name}, literal braces {{ }}") from None
    return text


class _Probe(dict):
    def __missing__(self, key: str) -> str:
        return ""


def _colours(raw: Any, mode: str, where: str) -> dict[str, tuple[int, int, int]]:
    if not isinstance(raw, dict):
        raise LayoutError(f"{where}: colours must map roles (text, tag, title, clock, urgent) to colours")
    names = {**DEFAULT_COLOURS, **{str(k): str(v) for k, v in raw.items()}}
    if mode == "mono":  # one lamp colour: every role lights it
        lamp = names.get("text", "red")
        names = dict.fromkeys(names, lamp)
    result = {}
    for role, value in names.items():
        result[role] = _colour(value, mode, f"{where}: colours.{role}")
    return result


def _colour(value: str, mode: str, where: str) -> tuple[int, int, int]:
    if mode == "dual" and value not in DUAL_COLOURS:
        raise LayoutError(f"{where}: {value!r} cannot be lit on a red/green sign; use red, green or yellow")
    if value in NAMED_COLOURS:
        return NAMED_COLOURS[value]
    match = _HEX.fullmatch(value)
    if match and mode == "rgb":
        number = int(match.group(1), 16)
        return (number >> 16, (number >> 8) & 255, number & 255)
    raise LayoutError(f"{where}: colour {value!r} is unknown; use a name ({', '.join(NAMED_COLOURS)})"
                      + (" or #rrggbb" if mode == "rgb" else ""))


def _brightness(raw: Any, where: str) -> tuple[BrightnessWindow, ...]:
    if not isinstance(raw, list):
        raise LayoutError(f"{where}: brightness must be a list of {{hours: \"19:00-07:00\", level: 40}}")
    windows = []
    for index, row in enumerate(raw):
        here = f"{where}: brightness[{index}]"
        if not isinstance(row, dict) or not _HOURS.fullmatch(str(row.get("hours", ""))):
            raise LayoutError(f"{here}: expected hours \"HH:MM-HH:MM\" and level (percent)")
        windows.append(BrightnessWindow(str(row["hours"]), _int(row, "level", here, 0, 100)))
    return tuple(windows)


def _list(data: dict[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise LayoutError(f"{where}: {key} must be a list")
    return value


def _int(data: dict[str, Any], key: str, where: str, low: int, high: int,
         default: int | None = None) -> int:
    value = data.get(key, default)
    if value is None:
        raise LayoutError(f"{where}: {key} is missing (a whole number of pixels, {low}–{high})")
    try:
        number = int(str(value))
    except ValueError:
        raise LayoutError(f"{where}: {key} {value!r} is not a whole number") from None
    if not low <= number <= high:
        raise LayoutError(f"{where}: {key} {number} is outside {low}–{high}")
    return number


def _number(data: dict[str, Any], key: str, where: str, low: float, high: float,
            default: float) -> float:
    value = data.get(key, default)
    try:
        number = float(str(value))
    except ValueError:
        raise LayoutError(f"{where}: {key} {value!r} is not a number") from None
    if not low <= number <= high:
        raise LayoutError(f"{where}: {key} {number:g} is outside {low:g}–{high:g}")
    return number
