"""The kiosk renderer: a pygame window (fullscreen and locked down on a real kiosk) around
:class:`~players.kiosk.app.KioskApp`, plugged into the player runtime.

Idle means idle: a frame is drawn only when something on screen changed (input, inertia, the
countdown's second, the attract loop's drift, a new version, a screenshot asked for); between
them the loop sleeps, waking every ``IDLE_WAIT`` to look for input (SDL's own event wait polls
every millisecond: 2.6 % of a core under Xvfb, more than the whole idle budget), so a static page
costs next to no CPU. ``redraw:
always`` in the renderer settings keeps the old full-redraw loop (60 frames a second) for the
benchmark's baseline."""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import threading
import time
from collections.abc import Callable

import pygame

from players.kiosk.app import KioskApp
from players.kiosk.fonts import KioskFonts
from players.kiosk.layout import KioskLayout, KioskLayoutError, kiosk_layout
from players.plan import Plan
from players.renderer import PlayReporter
from signage.text.timezones import utc_now

log = logging.getLogger(__name__)
FPS = 60
IDLE_WAIT = 0.03  # s: a static page sleeps this long between looks for input (a tap waits ≤ 30 ms)


class KioskRenderer:
    kind = "kiosk"

    def __init__(self, screen: str = "", *, fullscreen: bool = True, settings: dict | None = None,
                 now: Callable[[], dt.datetime] = utc_now) -> None:
        self.screen_id, self.fullscreen = screen, fullscreen
        self.now = now  # what is valid when (tests give a fixed day)
        self.settings = dict(settings or {})  # player-side overrides: admin_pin_sha256 …
        self.redraw_always = str(self.settings.get("redraw", "")) == "always"  # the bench's baseline
        self.frames_drawn = 0
        self._invalidated = False
        self._lock = threading.Lock()
        self._pending: Plan | None = None
        self._identify = False
        self._shot_wanted = threading.Event()
        self._shot_ready = threading.Event()
        self._shot: bytes | None = None
        self.app: KioskApp | None = None
        self.surface: pygame.Surface | None = None

    # -- Renderer protocol --------------------------------------------------------------------

    def show(self, plan: Plan) -> None:
        with self._lock:
            self._pending = plan

    def identify(self) -> None:
        with self._lock:
            self._identify = True

    def screenshot(self) -> bytes | None:
        """Asked from the runtime thread; the render loop takes it between frames."""
        self._shot_ready.clear()
        self._shot_wanted.set()
        return self._shot if self._shot_ready.wait(5.0) else None

    def invalidate(self) -> None:
        """Draw the next frame even if nothing changed (tests waiting for frames; any thread)."""
        self._invalidated = True

    def run(self, stop: threading.Event, played: PlayReporter) -> None:
        pygame.display.init()
        pygame.freetype.init()
        clock = pygame.time.Clock()
        last = time.monotonic()
        try:
            while not stop.is_set():
                self._take_pending(played)
                if self.app is None:
                    stop.wait(0.1)
                    continue
                for event in pygame.event.get():
                    if event.type == pygame.QUIT and not self.fullscreen:
                        stop.set()
                    self.app.handle(event)
                now = time.monotonic()
                self.app.update(now - last)
                last = now
                if self._due():
                    self.frame()
                    clock.tick(FPS)
                else:
                    stop.wait(IDLE_WAIT)
                    clock.tick()  # the sleep is not a frame: pacing starts afresh at the next one
                if self.app.exit_requested:
                    log.warning("[%s] closed by the administrator", self.screen_id)
                    stop.set()
        finally:
            pygame.display.quit()

    def _due(self) -> bool:
        """A frame is due: the baseline loop, a change on screen, a screenshot or a test asked."""
        assert self.app is not None
        asked, self._invalidated = self._invalidated, False
        return self.redraw_always or asked or self._shot_wanted.is_set() or self.app.changed()

    # -- frames -------------------------------------------------------------------------------

    def frame(self) -> None:
        assert self.app is not None and self.surface is not None
        self.app.draw(self.surface)
        pygame.display.flip()
        self.frames_drawn += 1
        if self._shot_wanted.is_set():
            self._shot_wanted.clear()
            buffer = io.BytesIO()
            pygame.image.save(self.surface, buffer, "screenshot.png")
            self._shot = buffer.getvalue()
            self._shot_ready.set()

    def _take_pending(self, played: PlayReporter) -> None:
        with self._lock:
            plan, self._pending = self._pending, None
            identify, self._identify = self._identify, False
        if plan is not None:
            self._apply(plan, played)
        if identify and self.app is not None:
            self.app.identify()

    def _apply(self, plan: Plan, played: PlayReporter) -> None:
        try:
            layout = kiosk_layout(plan.layout, self.settings)
        except KioskLayoutError as exc:
            log.error("[%s] version %s not shown, the last good layout stays: %s", self.screen_id,
                      plan.version, exc)
            return
        size = (layout.width, layout.height)
        if self.app is None or (self.app.layout.width, self.app.layout.height) != size:
            self._open(layout, played)
        assert self.app is not None
        self.app.layout = layout
        self.app.offer(plan)
        log.info("[%s] version %s: %d entries", self.screen_id, plan.version, len(plan.entries))

    def _open(self, layout: KioskLayout, played: PlayReporter) -> None:
        """The window: fullscreen, borderless, no cursor on a kiosk; a plain window otherwise."""
        flags = pygame.FULLSCREEN | pygame.NOFRAME if self.fullscreen else 0
        if os.environ.get("SDL_VIDEODRIVER") == "dummy":
            flags = 0
        self.surface = pygame.display.set_mode((layout.width, layout.height), flags)
        pygame.display.set_caption(f"政务公开查询 {self.screen_id}")
        pygame.mouse.set_visible(not self.fullscreen)
        fonts = self.app.fonts if self.app is not None else KioskFonts()
        self.app = KioskApp(layout, fonts, played=played, screen_id=self.screen_id, now=self.now)
