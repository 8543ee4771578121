"""Frames as windows slid over pre-rendered strips, positioned by a monotonic clock.

Every zone computes where its text is from the time alone (position = speed × elapsed), so a
late frame shows the text where it should be by now instead of drifting behind; nothing is
re-drawn per frame except copying the visible slice of a strip into the frame buffer.

Only the strips on screen and the next one are held, however long the playlist: a strip is
rendered when its item is about to enter and dropped once it has passed.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from players.led.glyphs import GlyphSet, Run, render_runs
from players.led.layout import LedLayout, Zone
from players.plan import Entry
from signage.text.fonts import FontFile
from signage.text.linebreak import wrap
from signage.text.timezones import county_now


@dataclass(frozen=True, slots=True)
class Item:
    """An entry and the colour runs the sign shows for it."""

    entry: Entry
    runs: tuple[Run, ...]


Source = Callable[[], Item | None]  # the next item to show, or None when there is nothing


class Painter:
    """Draws runs for one row height in the layout's colours (glyph masks cached inside)."""

    def __init__(self, layout: LedLayout, row_height: int, font: FontFile | None = None) -> None:
        self.glyphs = GlyphSet(row_height, font)
        self.palette = layout.colours
        self.row_height = row_height

    def strip(self, runs: tuple[Run, ...] | list[Run]) -> np.ndarray:
        return render_runs(self.glyphs, list(runs), self.palette)

    def lines(self, runs: tuple[Run, ...], width: int) -> list[np.ndarray]:
        """Runs broken into lines no wider than ``width`` (Chinese line-breaking rules)."""
        text = "".join(run.text for run in runs)
        roles = [run.role for run in runs for _ in run.text]
        result, cursor = [], 0
        for line in wrap(text, width, self.glyphs.width):
            start = text.find(line, cursor)
            start = cursor if start < 0 else start
            cursor = start + len(line)
            result.append(self.strip(_runs_of(line, roles[start:cursor])))
        return result


def _runs_of(text: str, roles: list[str]) -> list[Run]:
    runs: list[Run] = []
    for char, role in zip(text, roles, strict=False):
        if runs and runs[-1].role == role:
            runs[-1] = Run(runs[-1].text + char, role)
        else:
            runs.append(Run(char, role))
    return runs


def blit(into: np.ndarray, strip: np.ndarray, x: int, y: int = 0) -> None:
    """Copy ``strip`` into ``into`` at (x, y), clipped to ``into``."""
    height, width = into.shape[:2]
    left, top = max(0, x), max(0, y)
    right, bottom = min(width, x + strip.shape[1]), min(height, y + strip.shape[0])
    if left < right and top < bottom:
        into[top:bottom, left:right] = strip[top - y:bottom - y, left - x:right - x]


@dataclass(slots=True)
class _Piece:
    start: int  # tape position of the piece's left edge
    strip: np.ndarray
    entry: Entry | None  # None for separators

    @property
    def end(self) -> int:
        return self.start + self.strip.shape[1]


class TapeZone:
    """Continuous left scroll: items follow one another on an endless tape.

    The window's right edge is at tape position p = speed × (now − origin); an item enters at
    the panel's right edge and has *played* once its last column leaves the left edge.
    """

    def __init__(self, zone: Zone, width: int, speed: float, painter: Painter, source: Source,
                 separator: tuple[Run, ...], gap: int) -> None:
        self.zone, self.width, self.speed = zone, width, speed
        self.painter, self.source = painter, source
        self.separator = painter.strip(separator) if separator else None
        self.gap = gap
        self.pieces: deque[_Piece] = deque()
        self.upcoming: Item | None = None  # the next item, fetched ahead
        self.origin: float | None = None
        self.tape_end = 0
        self.entered: list[Item] = []  # items placed on the tape since the composer last looked

    def restart(self, now: float) -> list[Entry]:
        """Clear the tape (an urgent announcement takes over); return the entries cut short."""
        cut = [p.entry for p in self.pieces if p.entry is not None]
        if self.upcoming is not None:
            cut.append(self.upcoming.entry)
        self.pieces.clear()
        self.upcoming, self.origin, self.tape_end = None, now, 0
        return cut

    def draw(self, into: np.ndarray, now: float, passed: list[Entry]) -> None:
        if self.origin is None:
            self.origin = now
        position = int((now - self.origin) * self.speed)
        self._fill(position)
        left = position - self.width
        while self.pieces and self.pieces[0].end <= left:
            gone = self.pieces.popleft()
            if gone.entry is not None:
                passed.append(gone.entry)
        into[:] = 0
        top = (into.shape[0] - self.painter.row_height) // 2
        for piece in self.pieces:
            if piece.start >= position:
                break
            blit(into, piece.strip, piece.start - left, top)

    def _fill(self, position: int) -> None:
        """Place items until the tape reaches the window's right edge."""
        while self.tape_end <= position:
            item = self.upcoming or self.source()
            self.upcoming = None
            if item is None:  # nothing to show: the tape stays blank up to here
                self.tape_end = position + 1
                return
            self._place(item.entry, self.painter.strip(item.runs))
            self.entered.append(item)
            if self.separator is not None:
                self._place(None, self.separator)
        if self.upcoming is None:
            self.upcoming = self.source()

    def _place(self, entry: Entry | None, strip: np.ndarray) -> None:
        self.pieces.append(_Piece(self.tape_end, strip, entry))
        self.tape_end += strip.shape[1] + self.gap


class PageZone:
    """Page by page (``page``, ``static``) or line by line upwards (``scroll-up``), with holds."""

    def __init__(self, zone: Zone, width: int, speed: float, painter: Painter, source: Source) -> None:
        self.zone, self.width, self.speed = zone, width, speed
        self.painter, self.source = painter, source
        self.lines_per_page = max(1, zone.height // painter.row_height)
        self.current: Item | None = None
        self.image: np.ndarray | None = None  # the current item's lines stacked
        self.started = 0.0
        self.duration = 0.0
        self.entered: list[Item] = []

    def restart(self, now: float) -> list[Entry]:
        cut = [self.current.entry] if self.current else []
        self.current = None
        self.started = now
        return cut

    def draw(self, into: np.ndarray, now: float, passed: list[Entry]) -> None:
        if self.current is None and not self._next(now):
            into[:] = 0
            return
        while now - self.started >= self.duration:
            passed.append(self.current.entry)  # type: ignore[union-attr]
            if not self._next(self.started + self.duration):
                into[:] = 0
                return
        self._show(into, now - self.started)

    def _next(self, start: float) -> bool:
        item = self.source()
        self.current, self.started = item, start
        if item is None:
            return False
        self.entered.append(item)
        row = self.painter.row_height
        lines = self.painter.lines(item.runs, self.width) or [np.zeros((row, 0, 3), np.uint8)]
        page_rows = self.lines_per_page * row
        pages = math.ceil(len(lines) / self.lines_per_page)
        blank = np.zeros((page_rows, self.width, 3), np.uint8)
        body = np.zeros((pages * page_rows, self.width, 3), np.uint8)
        centre = self.zone.effect == "static" and len(lines) == 1
        for index, line in enumerate(lines):
            x = (self.width - line.shape[1]) // 2 if centre else 0
            blit(body, line, x, index * row)
        if self.zone.effect == "scroll-up":
            self.image = np.vstack([blank, body[:len(lines) * row], blank])
            self.duration = (len(lines) + self.lines_per_page) * self._line_cycle()
        else:
            self.image = body
            self.duration = pages * max(self.zone.hold, 0.5)
        return True

    def _line_cycle(self) -> float:
        return self.painter.row_height / self.speed + self.zone.hold

    def _offset(self, elapsed: float) -> int:
        row = self.painter.row_height
        if self.zone.effect != "scroll-up":
            page = min(int(elapsed // max(self.zone.hold, 0.5)), self.image.shape[0] // row - 1)
            return page * self.lines_per_page * row
        cycle = self._line_cycle()
        steps = int(elapsed // cycle)
        moving = min((elapsed - steps * cycle) * self.speed, row)
        return min(steps * row + int(moving), self.image.shape[0] - self.lines_per_page * row)

    def _show(self, into: np.ndarray, elapsed: float) -> None:
        into[:] = 0
        assert self.image is not None
        offset = self._offset(elapsed)
        rows = self.lines_per_page * self.painter.row_height
        top = (into.shape[0] - rows) // 2
        blit(into, self.image[offset:offset + rows], 0, top)


class FixedZone:
    """Fixed text (a title such as 政务公开) and an optional clock; redrawn only when it changes."""

    def __init__(self, zone: Zone, width: int, painter: Painter,
                 wall: Callable[[], dt.datetime]) -> None:
        self.zone, self.width, self.painter, self.wall = zone, width, painter, wall
        self.title = painter.strip([Run(zone.text, "title")]) if zone.text else None
        self.shown: str | None = None
        self.checked = -1  # the whole second the clock was last read
        self.image = np.zeros((zone.height, width, 3), np.uint8)

    entered: list[Item] = []  # noqa: RUF012 - never filled: fixed zones take no items

    def restart(self, now: float) -> list[Entry]:
        return []

    def draw(self, into: np.ndarray, now: float, passed: list[Entry]) -> None:
        if int(now) != self.checked or self.shown is None:  # the clock is read once a second
            self.checked = int(now)
            clock = self.wall().strftime("%H:%M") if self.zone.clock else ""
            if clock != self.shown:
                self._render(clock)
                self.shown = clock
        into[:] = self.image

    def _render(self, clock: str) -> None:
        self.image[:] = 0
        top = (self.zone.height - self.painter.row_height) // 2
        clock_strip = self.painter.strip([Run(clock, "clock")]) if clock else None
        room = self.width - (clock_strip.shape[1] + 4 if clock_strip is not None else 0)
        if self.title is not None:
            x = {"left": 0, "centre": (room - self.title.shape[1]) // 2,
                 "right": room - self.title.shape[1]}[self.zone.align]
            blit(self.image, self.title[:, :max(0, room)], max(0, x), top)
        if clock_strip is not None:
            blit(self.image, clock_strip, self.width - clock_strip.shape[1], top)


class Composer:
    """The whole panel: one frame buffer, each zone drawing into its own rows."""

    def __init__(self, layout: LedLayout, source: Source, *,
                 wall: Callable[[], dt.datetime] = county_now, font: FontFile | None = None) -> None:
        self.layout = layout
        self.frame = np.zeros((layout.height, layout.width, 3), np.uint8)
        painters: dict[int, Painter] = {}
        self.zones = []
        for zone in layout.zones:
            painter = painters.get(zone.row) or painters.setdefault(zone.row, Painter(layout, zone.row, font))
            self.zones.append((zone, self._zone(zone, painter, source, wall)))
        self.passed: list[Entry] = []  # entries that fully passed, for the renderer to report

    def _zone(self, zone: Zone, painter: Painter, source: Source,
              wall: Callable[[], dt.datetime]) -> TapeZone | PageZone | FixedZone:
        layout = self.layout
        if not zone.scrolls:
            return FixedZone(zone, layout.width, painter, wall)
        if zone.effect == "scroll-left":
            separator = (Run(layout.separator, "tag"),) if layout.separator.strip() else ()
            return TapeZone(zone, layout.width, layout.speed, painter, source, separator, layout.gap)
        return PageZone(zone, layout.width, layout.speed, painter, source)

    def render(self, now: float) -> np.ndarray:
        """The frame at monotonic time ``now``; entries that finished go to :attr:`passed`."""
        for zone, drawer in self.zones:
            drawer.draw(self.frame[zone.y:zone.y + zone.height], now, self.passed)
        return self.frame

    def take_entered(self) -> list[Item]:
        """Items that started to show since the last call (for logs and program outputs)."""
        items: list[Item] = []
        for _, drawer in self.zones:
            items += drawer.entered
            drawer.entered = []
        return items

    def preempt(self, now: float) -> list[Entry]:
        """Clear the items zone at once (something urgent); return the entries cut short."""
        cut: list[Entry] = []
        for zone, drawer in self.zones:
            if zone.scrolls:
                cut += drawer.restart(now)
        return cut

    @property
    def placeholders(self) -> set[str]:
        """Characters drawn as placeholder boxes (missing from the LED font) so far."""
        found: set[str] = set()
        for _, drawer in self.zones:
            found |= drawer.painter.glyphs.placeholders
        return found
