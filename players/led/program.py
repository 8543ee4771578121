"""Driving a controller that scrolls by itself (a program output): one strip per item, sent once.

The controller moves the text, so the player only decides *what* and *when*: each item is sent
when the one before it has had its time on the sign (the time the layout's speed gives it to
cross the panel, or its pages × hold), then reported as played. Fixed zones (a title, a clock)
are sent once, and again when the clock's minute changes. Nothing is streamed per frame, which
is why a slow serial link can drive a long sign.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import numpy as np

from players.led.compose import FixedZone, Item, Painter, Source, blit
from players.led.layout import LedLayout, Zone
from players.led.outputs.base import ProgramOutput
from players.plan import Entry
from signage.text.fonts import FontFile
from signage.text.timezones import county_now


class ProgramDriver:
    """Same face as :class:`~players.led.compose.Composer` (render, passed, preempt), for
    program outputs; :meth:`render` returns what was last sent, for screenshots."""

    def __init__(self, layout: LedLayout, source: Source, output: ProgramOutput,
                 brightness: Callable[[float], int], *,
                 wall: Callable[[], dt.datetime] = county_now, font: FontFile | None = None) -> None:
        self.layout, self.source, self.output, self.brightness = layout, source, output, brightness
        self.zone = layout.scroll_zone
        self.painter = Painter(layout, self.zone.row, font)
        self.fixed = [(zone, FixedZone(zone, layout.width, Painter(layout, zone.row, font), wall))
                      for zone in layout.zones if not zone.scrolls]
        self.frame = np.zeros((layout.height, layout.width, 3), np.uint8)
        self.current: Item | None = None
        self.until = 0.0
        self.passed: list[Entry] = []
        self.entered: list[Item] = []

    def render(self, now: float) -> np.ndarray:
        self._send_fixed(now)
        if self.current is not None and now < self.until:
            return self.frame
        if self.current is not None:
            self.passed.append(self.current.entry)
        self.current = self.source()
        if self.current is not None:
            self._send_item(self.current, now)
        return self.frame

    def preempt(self, now: float) -> list[Entry]:
        cut = [self.current.entry] if self.current is not None else []
        self.current = None
        return cut

    def take_entered(self) -> list[Item]:
        items, self.entered = self.entered, []
        return items

    def _send_fixed(self, now: float) -> None:
        for zone, drawer in self.fixed:
            shown = drawer.shown
            rows = self.frame[zone.y:zone.y + zone.height]
            drawer.draw(rows, now, self.passed)
            if drawer.shown != shown:
                self.output.play(zone, rows.copy(), "static", self.layout.speed, self.brightness(now))

    def _send_item(self, item: Item, now: float) -> None:
        strip = self.painter.strip(item.runs)
        self.output.play(self.zone, strip, self.zone.effect, self.layout.speed, self.brightness(now))
        self.until = now + self._duration(strip)
        self.entered.append(item)
        rows = self.frame[self.zone.y:self.zone.y + self.zone.height]
        rows[:] = 0
        blit(rows, strip, 0, (self.zone.height - strip.shape[0]) // 2)

    def _duration(self, strip: np.ndarray) -> float:
        """Seconds the controller needs to show one strip in this zone's effect."""
        zone: Zone = self.zone
        width = strip.shape[1]
        if zone.effect == "scroll-left":
            return (self.layout.width + width) / self.layout.speed
        lines = max(1, math.ceil(width / self.layout.width))
        if zone.effect == "scroll-up":
            return lines * (self.painter.row_height / self.layout.speed + zone.hold)
        return lines * max(zone.hold, 0.5)
