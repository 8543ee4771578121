"""The kiosk's state and frame: navigation, content versions, idle reset, attract loop, overlays.

Independent of the display: :meth:`KioskApp.draw` draws one frame on any surface and rebuilds
the render model; :meth:`KioskApp.handle` takes pygame mouse events. Time comes from injected
clocks, so tests can run idle timers and inertia without waiting.

A new content version never yanks the page a citizen is reading: it is kept pending and applied
at the next navigation (a tap on a tile, row or nav button) or idle reset. Urgent
announcements are the exception: their banner shows at once.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable

import pygame

from players.kiosk import screens
from players.kiosk.content import KioskContent, kiosk_content
from players.kiosk.draw import HIGH_CONTRAST as CHART_HIGH_CONTRAST
from players.kiosk.draw import chart_surface, qr_surface
from players.kiosk.fonts import KioskFonts
from players.kiosk.host import Block, Sizes
from players.kiosk.layout import HIGH_CONTRAST, NAV_TARGET_MM, NORMAL, KioskLayout, Theme
from players.kiosk.speech import Speaker
from players.kiosk.ui import Canvas, Gestures, Label, Model
from players.plan import Entry, Plan
from signage.text.timezones import utc_now

CORNER_MM = 18.0  # the admin gesture: five taps in the top-left corner …
CORNER_TAPS, CORNER_WINDOW = 5, 4.0  # … within four seconds
IDENTIFY_SECONDS = 10.0
ATTRACT_PERIOD = 8.0  # seconds each item shows in the attract loop
ATTRACT_FPS = 10  # the attract loop's drift is slow: ten frames a second look smooth
CHART_MM = 130.0  # flowcharts are laid out this wide, then drawn across the page


class KioskApp:
    """The kiosk's state and navigation; the screens see it through :class:`~players.kiosk.host.Host`."""

    def __init__(self, layout: KioskLayout, fonts: KioskFonts, *,
                 clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], dt.datetime] = utc_now, speaker: Speaker | None = None,
                 played: Callable[[Entry], None] | None = None, screen_id: str = "") -> None:
        self.layout, self.fonts, self.clock, self.now = layout, fonts, clock, now
        self.speaker = speaker or Speaker()
        self.played = played or (lambda entry: None)
        self.screen_id = screen_id
        self.content = KioskContent()
        self.pending: Plan | None = None
        self.urgent: list[Entry] = []
        self.large = False
        self.high_contrast = False
        self.sizes = Sizes.of(layout, 1.0)
        self.stack: list[screens.Screen] = [screens.HomeScreen(self)]
        self.model = Model()
        self.gestures = Gestures(slop=layout.px(4))
        self.last_touch = clock()
        self.countdown_since: float | None = None
        self.attracting = False
        self.identify_until = 0.0
        self.corner_taps: list[float] = []
        self.exit_requested = False
        self.opened: dict[str, int] = {}  # kind/unit/key → times opened here: the home page's 常用事项
        self.dirty = True  # input or a new version since the last frame
        self.drawn_state: tuple[object, ...] | None = None

    # -- content -------------------------------------------------------------------------

    def offer(self, plan: Plan) -> None:
        """A new version: shown at the next navigation; its urgent banner at once."""
        self.dirty = True
        self.urgent = [e for e in plan.current(self.now()) if e.kind == "announcements" and e.urgent]
        if not self.content.version and self.content.index is None:
            self.content = kiosk_content(plan, self.now)  # nothing on screen yet
        else:
            self.pending = plan

    def _apply_pending(self) -> None:
        """Take the pending version; every page in the stack follows it (lists rebuilt, an item
        page shows the item's new version), since none of them is being read right now."""
        if self.pending is not None:
            self.content, self.pending = kiosk_content(self.pending, self.now), None
            for screen in self.stack:
                screen.refresh()

    # -- navigation ----------------------------------------------------------------------

    @property
    def screen(self) -> screens.Screen:
        return self.stack[-1]

    def push(self, screen: screens.Screen) -> None:
        self.speaker.stop()
        self.stack.append(screen)
        self._apply_pending()

    def open(self, entry: Entry) -> None:
        """An item or notice page; opening it is the kiosk's proof of play."""
        self.push(screens.DetailScreen(self, entry))
        key = f"{entry.kind}/{entry.unit}/{entry.key}"
        self.opened[key] = self.opened.get(key, 0) + 1
        self.played(entry)

    def back(self) -> None:
        self.speaker.stop()
        if len(self.stack) > 1:
            self.stack.pop()
        self._apply_pending()

    def home(self) -> None:
        self.speaker.stop()
        del self.stack[1:]
        self._apply_pending()

    def reset(self) -> None:
        """Back to a fresh home page: search, scroll and text modes cleared, new content taken."""
        self.home()
        self.stack = [screens.HomeScreen(self)]
        self.large = self.high_contrast = False
        self.sizes = Sizes.of(self.layout, 1.0)
        self.countdown_since = None
        self._apply_pending()

    def toggle_large(self) -> None:
        self.large = not self.large
        self.sizes = Sizes.of(self.layout, 1.35 if self.large else 1.0)

    def toggle_contrast(self) -> None:
        self.high_contrast = not self.high_contrast

    @property
    def theme(self) -> Theme:
        return HIGH_CONTRAST if self.high_contrast else NORMAL

    # -- input ---------------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> None:
        """Mouse events only: SDL also delivers each touch as mouse events, so consuming one
        stream makes every tap fire once."""
        now = self.clock()
        if event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.WINDOWEXPOSED,
                          pygame.WINDOWRESTORED, pygame.VIDEOEXPOSE) or \
                (event.type == pygame.MOUSEMOTION and event.buttons[0]):
            self.dirty = True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            self.gestures.down(event.pos, now)
        elif event.type == pygame.MOUSEMOTION and event.buttons[0]:
            dy = self.gestures.move(event.pos, now)
            if dy:
                self.touch()
                self.screen.drag(dy)
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1:
            kind, velocity = self.gestures.up(event.pos, now)
            if kind == "tap":
                self.tap(event.pos)
            elif kind == "fling":
                self.touch()
                self.screen.fling(velocity)

    def tap(self, pos: tuple[int, int]) -> None:
        self.touch()
        if self.countdown_since is not None:
            self.countdown_since = None  # the tap only cancels the countdown
            return
        if self.attracting:
            self.attracting = False
            self.reset()
            return
        if self._corner(pos):
            return
        target = self.model.hit(pos)
        if target is not None:
            target.action()  # a navigation takes a pending version (push, back, home)

    def touch(self) -> None:
        self.last_touch = self.clock()

    def _corner(self, pos: tuple[int, int]) -> bool:
        corner = self.layout.px(CORNER_MM)
        if pos[0] > corner or pos[1] > corner:
            return False
        now = self.clock()
        self.corner_taps = [t for t in self.corner_taps if now - t < CORNER_WINDOW] + [now]
        if len(self.corner_taps) >= CORNER_TAPS and self.layout.admin_pin_sha256:
            self.corner_taps = []
            self.push(screens.PinScreen(self))
        return False  # the corner still works as part of the header

    # -- time ----------------------------------------------------------------------------

    def update(self, dt_seconds: float) -> None:
        """Inertia and idle timers; call once a frame (or once a wake-up when idle)."""
        if self.screen.update(dt_seconds):
            self.dirty = True
        idle = self.clock() - self.last_touch
        at_rest = len(self.stack) == 1 and not (self.large or self.high_contrast)
        if not at_rest and self.countdown_since is None and idle >= self.layout.idle_seconds:
            self.countdown_since = self.clock()
        if self.countdown_since is not None and \
                self.clock() - self.countdown_since >= self.layout.countdown_seconds:
            self.reset()
            self.touch()
        if at_rest and idle >= self.layout.attract_seconds and not self.attracting:
            self.attracting = True
            self._apply_pending()

    def countdown_left(self) -> int | None:
        if self.countdown_since is None:
            return None
        return max(0, math.ceil(self.layout.countdown_seconds - (self.clock() - self.countdown_since)))

    def identify(self) -> None:
        self.identify_until = self.clock() + IDENTIFY_SECONDS

    # -- drawing -------------------------------------------------------------------------

    def state(self) -> tuple[object, ...]:
        """Everything a frame depends on besides input: equal states draw equal frames."""
        scroll = self.screen.scroll.offset if self.screen.scroll is not None else None
        attract = int(self.clock() * ATTRACT_FPS) if self.attracting else None
        return (id(self.screen), len(self.stack), scroll, self.large, self.high_contrast, attract,
                self.countdown_left(), self.clock() < self.identify_until, self.speaker.speaking,
                self.content.version, self.pending is not None, tuple(id(e) for e in self.urgent))

    def changed(self) -> bool:
        """Whether the next frame would differ from the one on screen."""
        return self.dirty or self.state() != self.drawn_state

    def draw(self, surface: pygame.Surface) -> Model:
        """One frame; returns (and keeps) its render model."""
        self.dirty, self.drawn_state = False, self.state()
        model = Model()
        canvas = Canvas(surface, self.fonts, self.theme, model)
        surface.fill(self.theme.background)
        if self.attracting:
            self._attract(canvas)
        else:
            top = self._header(canvas)
            top = self._banner(canvas, top)
            bottom = self._nav(canvas)
            margin = self.layout.px(6)
            self.screen.draw(canvas, (margin, top + margin, self.layout.width - 2 * margin,
                                      bottom - top - 2 * margin))
        self._overlays(canvas)
        self.model = model
        return model

    def _header(self, canvas: Canvas) -> int:
        sizes, layout = self.sizes, self.layout
        height = self.fonts.line_height(sizes.title) + 2 * sizes.pad
        pygame.draw.rect(canvas.surface, self.theme.tile, pygame.Rect(0, 0, layout.width, height))
        title = self.content.title if not self.screen.title else self.screen.title
        room = layout.width - 2 * layout.px(6)
        size = sizes.title if self.fonts.width(title, sizes.title, True) <= room else sizes.heading
        while len(title) > 1 and self.fonts.width(title, size, True) > room:
            title = title[:-2] + "…"
        top = sizes.pad + (self.fonts.line_height(sizes.title) - self.fonts.line_height(size)) // 2
        canvas.text(title, layout.px(6), top, size, colour=self.theme.tile_text, bold=True)
        return height

    def _banner(self, canvas: Canvas, top: int) -> int:
        if not self.urgent:
            return top
        sizes = self.sizes
        text = "【紧急】" + "　".join(str(e.data.get("text", "")) for e in self.urgent)
        lines = self.fonts.wrap(text, self.layout.width - 2 * sizes.pad, sizes.body, True)[:3]
        height = len(lines) * self.fonts.line_height(sizes.body) + 2 * sizes.pad
        pygame.draw.rect(canvas.surface, self.theme.banner, pygame.Rect(0, top, self.layout.width, height))
        for index, line in enumerate(lines):
            canvas.text(line, sizes.pad, top + sizes.pad + index * self.fonts.line_height(sizes.body),
                        sizes.body, colour=self.theme.banner_text, bold=True)
        return top + height

    def _nav(self, canvas: Canvas) -> int:
        """The nav bar: 返回 首页 朗读 on inner pages; 大字 高对比 everywhere. Returns its top."""
        layout, sizes = self.layout, self.sizes
        height = layout.px(NAV_TARGET_MM)
        top = layout.height - height - layout.px(5)
        pygame.draw.line(canvas.surface, self.theme.line, (0, top - layout.px(3)),
                         (layout.width, top - layout.px(3)), 2)
        buttons: list[tuple[str, Callable[[], None]]] = []
        if len(self.stack) > 1:
            buttons += [("返回", self.back), ("首页", self.home)]
            if self.screen.speech() and self.speaker.available:
                buttons.append(("停止朗读" if self.speaker.speaking else "朗读", self._read_aloud))
        buttons += [("标准字" if self.large else "大字", self.toggle_large),
                    ("标准对比" if self.high_contrast else "高对比", self.toggle_contrast)]
        gap = layout.px(3)
        width = (layout.width - layout.px(6) * 2 - gap * (len(buttons) - 1)) // len(buttons)
        for index, (label, action) in enumerate(buttons):
            rect = (layout.px(6) + index * (width + gap), top, width, height)
            canvas.button(rect, label, action, min(sizes.body, layout.px(8)))
        return top - layout.px(3)

    def _read_aloud(self) -> None:
        if self.speaker.speaking:
            self.speaker.stop()
        else:
            self.speaker.speak(self.screen.speech())

    def _overlays(self, canvas: Canvas) -> None:
        left = self.countdown_left()
        if left is not None:
            self._dialog(canvas, ["长时间无人操作", f"{left} 秒后返回首页", "点击屏幕任意位置继续使用"])
        if self.clock() < self.identify_until:
            self._dialog(canvas, ["屏幕编号", self.screen_id or "kiosk"])

    def _dialog(self, canvas: Canvas, lines: list[str]) -> None:
        layout, sizes = self.layout, self.sizes
        shade = pygame.Surface((layout.width, layout.height), pygame.SRCALPHA)
        shade.fill((0, 0, 0, 150))
        canvas.surface.blit(shade, (0, 0))
        line = self.fonts.line_height(sizes.heading)
        width, height = layout.width * 4 // 5, len(lines) * line + 4 * sizes.pad
        rect = ((layout.width - width) // 2, (layout.height - height) // 2, width, height)
        pygame.draw.rect(canvas.surface, self.theme.background, pygame.Rect(rect), border_radius=16)
        pygame.draw.rect(canvas.surface, self.theme.accent, pygame.Rect(rect), width=4, border_radius=16)
        for index, text in enumerate(lines):
            canvas.text(text, rect[0], rect[1] + 2 * sizes.pad + index * line, sizes.heading,
                        bold=index == 0, align="centre", width=width)

    def _attract(self, canvas: Canvas) -> None:
        """Idle at home for long: one featured item after another, laid out over the whole screen
        (the county, the item and what it takes, the supervision line, the invitation), the whole
        picture drifting slowly (no burn-in)."""
        layout, sizes, theme = self.layout, self.sizes, self.theme
        entries = self.content.powers or self.content.notices
        t = self.clock()
        drift_x = int(layout.px(15) * math.sin(t / 23.0))
        drift_y = int(layout.px(40) * math.sin(t / 37.0))
        big = int(sizes.title * 1.4)
        top = layout.height // 10 + drift_y
        canvas.text(self.content.title, drift_x, top, big, colour=theme.accent, bold=True,
                    align="centre", width=layout.width)
        top = layout.height * 3 // 10 + drift_y
        room = layout.width - layout.px(40)
        left = (layout.width - room) // 2 + drift_x
        if entries:
            entry = entries[int(t // ATTRACT_PERIOD) % len(entries)]
            name = str(entry.data.get("name") or entry.data.get("title") or "")
            for line in self.fonts.wrap(name, room, big, True)[:3]:
                canvas.text(line, drift_x, top, big, bold=True, align="centre", width=layout.width)
                top += self.fonts.line_height(big)
            canvas.text(self.content.unit_name(entry.unit), drift_x, top, sizes.heading, colour=theme.muted,
                        align="centre", width=layout.width)
            top += self.fonts.line_height(sizes.heading) + layout.px(12)
            for label, value in _attract_facts(entry):
                canvas.text(label, left, top, sizes.body, colour=theme.accent, bold=True)
                top += self.fonts.line_height(sizes.body)
                for line in self.fonts.wrap(value, room, sizes.heading)[:2]:
                    canvas.text(line, left, top, sizes.heading)
                    top += self.fonts.line_height(sizes.heading)
                top += layout.px(4)
        phone = self.content.county.get("supervision_phone")
        bottom = layout.height * 8 // 10 + drift_y
        if phone:
            canvas.text(f"☎ 监督投诉电话 {phone}", drift_x, bottom - self.fonts.line_height(sizes.heading)
                        - layout.px(8), sizes.heading, bold=True, align="centre", width=layout.width)
        canvas.text("请触摸屏幕开始查询", drift_x, bottom, big, colour=theme.accent, bold=True,
                    align="centre", width=layout.width)

    # -- detail pages --------------------------------------------------------------------

    def page_blocks(self, page: screens.DetailScreen, width: int, theme: Theme) -> list[Block]:
        """A detail page laid out as stacked blocks: what a citizen asks first, the other fields,
        the flowchart, the QR code."""
        sizes = self.sizes
        blocks = [self._field(label, value, width, theme, lead=lead) for label, value, lead in page.fields()]
        steps = (page.entry.data.get("flowchart") or {}).get("steps")
        if steps:
            # Laid out as on a 130-mm board cell (narrower in large-text mode), then scaled to fit.
            px_per_mm = width / (CHART_MM / sizes.scale)
            labels: list[Label] = []
            chart = chart_surface(list(steps), width, px_per_mm, kiosk_fonts=self.fonts, size_pt=8.0,
                                  colours=CHART_HIGH_CONTRAST if self.high_contrast else
                                  {(255, 255, 255): theme.background}, labels=labels)
            blocks.append(self._titled(width, theme, "办理流程图", chart, labels))
        url = self.content.item_url(page.entry)
        if url:
            qr = qr_surface(url, self.layout.px(40))
            blocks.append(self._titled(width, theme, "扫码查看网上办事页面", qr, []))
        placed, y = [], 0
        for surface, labels in blocks:
            placed.append(Block(y, surface, tuple(labels)))
            y += surface.get_height() + sizes.pad
        return placed

    def _field(self, label: str, value: str, width: int, theme: Theme,
               lead: bool = False) -> tuple[pygame.Surface, list[Label]]:
        """A field's label above its value, wrapped by the Chinese rules (hard breaks kept); the
        fields a citizen asks first (``lead``) with a larger label and a rule beside them."""
        sizes, fonts = self.sizes, self.fonts
        indent = sizes.pad * 2 if lead else 0
        lines = [part for paragraph in value.split("\n")
                 for part in fonts.wrap(paragraph, width - indent, sizes.body)]
        label_size = sizes.body if lead else sizes.small
        label_h, line_h = fonts.line_height(label_size), fonts.line_height(sizes.body)
        block = pygame.Surface((width, label_h + len(lines) * line_h + sizes.pad))
        block.fill(theme.background)
        model = Model()
        canvas = Canvas(block, fonts, theme, model)
        if lead:
            bar = pygame.Rect(0, 0, max(3, sizes.pad // 2), block.get_height())
            pygame.draw.rect(block, theme.accent, bar)
        canvas.text(label, indent, 0, label_size, colour=theme.accent, bold=True)
        for index, line in enumerate(lines):
            canvas.text(line, indent, label_h + index * line_h, sizes.body)
        return block, model.labels

    def _titled(self, width: int, theme: Theme, title: str, image: pygame.Surface,
                labels: list[Label]) -> tuple[pygame.Surface, list[Label]]:
        sizes, fonts = self.sizes, self.fonts
        head = fonts.line_height(sizes.small) + sizes.pad
        block = pygame.Surface((width, head + image.get_height()))
        block.fill(theme.background)
        model = Model()
        Canvas(block, fonts, theme, model).text(title, 0, 0, sizes.small, colour=theme.accent, bold=True)
        left = (width - image.get_width()) // 2 if image.get_width() < width else 0
        block.blit(image, (left, head))
        return block, [*model.labels, *(label.moved(left, head) for label in labels)]


def _attract_facts(entry: Entry) -> list[tuple[str, str]]:
    """What the attract loop says about an item: where, how long, how much."""
    data = entry.data
    fee = data.get("fee") or {}
    free = fee.get("charged") in (None, "", False, "否")
    days = data.get("promised_days") or data.get("statutory_days")
    facts = [("办理地点", data.get("place")), ("办理时限", f"{days}个工作日" if days else ""),
             ("收费", "不收费" if free else str(fee.get("standard") or "收费"))]
    if entry.kind != "powers":
        facts = [("发文机关", data.get("issuer")), ("日期", data.get("date"))]
    return [(label, str(value)) for label, value in facts if value]
