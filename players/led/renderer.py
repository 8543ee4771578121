"""The LED renderer: plans in, frames out, paced to the output, proof of play reported.

``show()`` (runtime thread) only hands the plan over; the render loop (main thread, as pygame
needs) picks it up between frames. A new layout rebuilds the composer; a new version of the
same layout only updates the playlist, so the text on screen keeps moving. A layout that cannot
be used is logged and the last good one stays on the sign.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from players.led.compose import Composer
from players.led.dots import bounded_shot, png_bytes
from players.led.layout import DEFAULT_TEMPLATE, LayoutError, LedLayout, parse_layout
from players.led.outputs.base import LedOutput, OutputError, ProgramOutput
from players.led.playlist import Playlist
from players.led.program import ProgramDriver
from players.led.text import shown_fields
from players.plan import Entry, Plan
from players.renderer import PlayReporter
from signage.text.fonts import FontFile
from signage.text.timezones import county_zone, utc_now, wall_time

log = logging.getLogger(__name__)
IDENTIFY_KEY = "identify"


class LedRenderer:
    kind = "led"

    def __init__(self, output: LedOutput | ProgramOutput, screen: str = "", *, fps: float = 60.0,
                 clock: Callable[[], float] = time.monotonic,
                 wall: Callable[[], dt.datetime] = utc_now) -> None:
        self.output, self.screen, self.fps = output, screen, fps
        self.clock, self._wall = clock, wall
        self.zone: dt.tzinfo = county_zone()  # the plan's county zone, from the first plan on
        self._lock = threading.Lock()
        self._pending: Plan | None = None
        self._identify = False
        self.layout: LedLayout | None = None
        self.layout_source: dict | None = None
        self.playlist: Playlist | None = None
        self.composer: Composer | ProgramDriver | None = None
        self.frame: np.ndarray | None = None
        self.brightness = 100
        self._brightness_checked = -1.0
        self.output_fps = fps
        # Decided once: an isinstance() against a runtime-checkable Protocol costs ~15 µs a frame.
        self._streams = isinstance(output, LedOutput)

    def wall(self) -> dt.datetime:
        """The county's wall time (clock zone, dayparts, brightness), whatever the box's zone."""
        return wall_time(self._wall(), self.zone)

    # -- Renderer protocol -------------------------------------------------------------------

    def show(self, plan: Plan) -> None:
        with self._lock:
            self._pending = plan

    def identify(self) -> None:
        with self._lock:
            self._identify = True

    def entry_fields(self, layout: dict) -> frozenset[str] | None:
        """The item fields this sign can show: its template's and the fixed forms' (see text.py);
        None (keep everything) for a template that does not parse (the layout is refused later)."""
        try:
            return shown_fields(str(layout.get("template") or DEFAULT_TEMPLATE))
        except ValueError:
            return None

    def screenshot(self) -> bytes | None:
        frame = self.frame
        if frame is None:
            return None
        return png_bytes(bounded_shot(frame.copy(), self.brightness))

    def run(self, stop: threading.Event, played: PlayReporter) -> None:
        try:
            while not stop.is_set():
                now = self.clock()
                self.step(now, played)
                self._pace(stop, now)
        finally:
            self.output.close()

    # -- one frame ---------------------------------------------------------------------------

    def step(self, now: float, played: PlayReporter) -> np.ndarray | None:
        """Take pending work, compose the frame for ``now``, send it, report what finished."""
        self._take_pending(now)
        if self.composer is None:
            return None
        frame = self.composer.render(now)
        self._report(played)
        self.frame = frame
        if self._streams:
            self.output.show(frame, self._brightness(now))  # type: ignore[union-attr]
        return frame

    def _report(self, played: PlayReporter) -> None:
        assert self.composer is not None
        for item in self.composer.take_entered():
            log.info("[%s] %s", self.screen, "".join(run.text for run in item.runs))
        passed, self.composer.passed = self.composer.passed, []
        for entry in passed:
            if entry.key != IDENTIFY_KEY:
                played(entry)

    def _pace(self, stop: threading.Event, started: float) -> None:
        """Sleep to the next refresh; a late frame is not made up (the clock sets positions)."""
        delay = 1.0 / self.output_fps - (self.clock() - started)
        if delay > 0:
            stop.wait(delay)

    def _brightness(self, now: float) -> int:
        if now - self._brightness_checked >= 1.0 and self.layout is not None:
            self.brightness = self.layout.brightness_at(self.wall().strftime("%H:%M"))
            self._brightness_checked = now
        return self.brightness

    # -- plans -------------------------------------------------------------------------------

    def _take_pending(self, now: float) -> None:
        with self._lock:
            plan, self._pending = self._pending, None
            identify, self._identify = self._identify, False
        if plan is not None:
            self._apply(plan, now)
        if identify and self.playlist is not None:
            self._interrupt(now, [self._identify_entry()], 1)

    def _apply(self, plan: Plan, now: float) -> None:
        if plan.layout != self.layout_source:
            try:
                layout = parse_layout(plan.layout)
            except LayoutError as exc:
                log.error("version %s not shown, the last good layout stays: %s", plan.version, exc)
                return
            self._use_layout(layout, plan.layout)
        assert self.playlist is not None
        self.zone = plan.zone()  # with the version, not before: a refused version changes nothing
        log.info("[%s] version %s: %d entries on layout %s", self.screen, plan.version,
                 len(plan.entries), self.layout.id if self.layout else "?")
        fresh = self.playlist.update(plan)
        if fresh:
            self._interrupt(now, fresh, self.layout.urgent_repeat)  # type: ignore[union-attr]

    def _use_layout(self, layout: LedLayout, source: dict) -> None:
        try:
            self.output_fps = self.output.open(layout, self.fps)
        except OutputError as exc:
            log.error("%s output cannot drive layout %s: %s", self.output.name, layout.id, exc)
            raise
        old = self.playlist
        self.layout, self.layout_source = layout, source
        self.playlist = Playlist(layout.template, self.wall)
        if old is not None and old.plan is not None:
            self.playlist.update(old.plan)
        if self._streams:
            self.composer = Composer(layout, self.playlist.next, wall=self.wall, font=_font_from(layout))
        else:  # the controller scrolls: send each item once
            self.composer = ProgramDriver(layout, self.playlist.next, self.output, self._brightness,
                                          wall=self.wall, font=_font_from(layout))
        log.info("layout %s: %d×%d %s at %.0f fps on %s", layout.id, layout.width, layout.height,
                 layout.colour, self.output_fps, self.output.name)

    def _interrupt(self, now: float, entries: list[Entry], repeat: int) -> None:
        assert self.composer is not None and self.playlist is not None
        cut = self.composer.preempt(now)
        self.playlist.interrupt(cut, entries, repeat)

    def _identify_entry(self) -> Entry:
        return Entry(kind="announcements", unit="", key=IDENTIFY_KEY, ref="",
                     data={"text": f"屏幕 {self.screen}"}, urgent=True)


def _font_from(layout: LedLayout) -> FontFile | None:
    return FontFile(Path(layout.font)) if layout.font else None
