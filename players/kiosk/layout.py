"""A kiosk's screen and how big things are on it, in millimetres turned into pixels.

Touch targets and type are specified in millimetres (a finger and an eye do not care about
pixels) and converted with the panel's pixel pitch, so the same layout reads and taps the same
on a 32-inch portrait kiosk and on a 21-inch landscape one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

MIN_TARGET_MM = 9.0  # the smallest touch target anywhere
MAIN_TARGET_MM = 13.0  # main buttons: 12–15 mm
NAV_TARGET_MM = 15.5  # the navigation bar's buttons: at least 15 mm (docs/KIOSK.md), after rounding to pixels


class KioskLayoutError(ValueError):
    """The layout cannot drive a kiosk; the message names the field."""


@dataclass(frozen=True, slots=True)
class Theme:
    background: tuple[int, int, int]
    text: tuple[int, int, int]
    muted: tuple[int, int, int]
    accent: tuple[int, int, int]  # headings, the county title
    tile: tuple[int, int, int]
    tile_text: tuple[int, int, int]
    line: tuple[int, int, int]
    banner: tuple[int, int, int]
    banner_text: tuple[int, int, int]


NORMAL = Theme(background=(247, 245, 240), text=(25, 25, 25), muted=(95, 95, 95), accent=(178, 24, 24),
               tile=(178, 24, 24), tile_text=(255, 255, 255), line=(200, 196, 188),
               banner=(255, 214, 0), banner_text=(0, 0, 0))
HIGH_CONTRAST = Theme(background=(0, 0, 0), text=(255, 255, 255), muted=(230, 230, 230),
                      accent=(255, 230, 0), tile=(255, 255, 255), tile_text=(0, 0, 0),
                      line=(255, 255, 255), banner=(255, 230, 0), banner_text=(0, 0, 0))


@dataclass(frozen=True, slots=True)
class KioskLayout:
    width: int = 1080
    height: int = 1920
    pixel_pitch_mm: float = 0.364
    idle_seconds: float = 75.0  # without a touch: then the countdown
    countdown_seconds: float = 20.0  # a tap cancels it; at zero, back to home
    attract_seconds: float = 180.0  # idle at home this long: the attract loop
    admin_pin_sha256: str = ""  # exit needs the corner gesture and this PIN; empty: no exit

    def px(self, mm: float) -> int:
        """Millimetres on the glass → pixels."""
        return max(1, round(mm / self.pixel_pitch_mm))

    def mm(self, px: float) -> float:
        return px * self.pixel_pitch_mm

    @property
    def portrait(self) -> bool:
        return self.height >= self.width

    def pin_ok(self, pin: str) -> bool:
        digest = hashlib.sha256(pin.encode()).hexdigest()
        return bool(self.admin_pin_sha256) and digest == self.admin_pin_sha256


def kiosk_layout(data: dict[str, Any] | None, overrides: dict[str, Any] | None = None) -> KioskLayout:
    """From the plan's layout mapping (``layouts/kiosk-*.yaml``) and the player's own settings."""
    merged = {**(data or {}), **(overrides or {})}
    try:
        layout = KioskLayout(
            width=int(merged.get("width", 1080)), height=int(merged.get("height", 1920)),
            pixel_pitch_mm=float(merged.get("pixel_pitch_mm", 0.364)),
            idle_seconds=float(merged.get("idle_seconds", 75)),
            countdown_seconds=float(merged.get("countdown_seconds", 20)),
            attract_seconds=float(merged.get("attract_seconds", 180)),
            admin_pin_sha256=str(merged.get("admin_pin_sha256") or ""))
    except (TypeError, ValueError) as exc:
        raise KioskLayoutError(f"kiosk layout {merged.get('id', '?')!r}: {exc}") from None
    if not (320 <= layout.width <= 8192 and 320 <= layout.height <= 8192):
        raise KioskLayoutError(f"kiosk layout: {layout.width}×{layout.height} is not a screen size")
    if not 0.05 <= layout.pixel_pitch_mm <= 2.0:
        raise KioskLayoutError(f"kiosk layout: pixel_pitch_mm {layout.pixel_pitch_mm} is not 0.05–2 mm")
    return layout
