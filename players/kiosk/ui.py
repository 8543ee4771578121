"""The kiosk's small UI vocabulary: a canvas that draws and records what it drew (the render
model tests read), touch gestures from one event stream, and inertial scrolling.

SDL turns a touch into mouse events as well as finger events; the kiosk consumes only the mouse
stream, so every tap fires exactly once whether it came from a finger or a mouse.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import pygame

from players.kiosk.fonts import KioskFonts
from players.kiosk.layout import Theme

Rect = tuple[int, int, int, int]
Action = Callable[[], None]


@dataclass(frozen=True, slots=True)
class Target:
    """Something a finger can tap: where, what it says, what it does."""

    rect: Rect
    label: str
    action: Action
    kind: str = "button"  # button, tile, row, key

    def contains(self, pos: tuple[int, int]) -> bool:
        x, y, w, h = self.rect
        return x <= pos[0] < x + w and y <= pos[1] < y + h


Colour = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Label:
    """A line of text on screen: where, what, how big, and in which colour on which ground (the
    ground is read from the pixels under the line box, so a contrast check sees what a citizen
    sees)."""

    rect: Rect
    text: str
    size: int  # pixels
    colour: Colour | None = None
    ground: Colour | None = None

    def moved(self, dx: int, dy: int) -> Label:
        x, y, w, h = self.rect
        return Label((x + dx, y + dy, w, h), self.text, self.size, self.colour, self.ground)


def ground_under(surface: pygame.Surface, rect: Rect) -> Colour:
    """The colour most of a box shows, on a 3×3 grid inside it: read under a line of text just
    before the text is drawn (a line the box's edge touches does not count)."""
    x, y, w, h = rect
    right, bottom = surface.get_width() - 1, surface.get_height() - 1
    points = [(x + w * fx // 10, y + h * fy // 10) for fx in (2, 5, 8) for fy in (2, 5, 8)]
    seen: dict[Colour, int] = {}
    for px, py in points:
        colour = tuple(surface.get_at((min(max(px, 0), right), min(max(py, 0), bottom))))[:3]
        seen[colour] = seen.get(colour, 0) + 1  # type: ignore[index]
    return max(seen, key=seen.__getitem__)  # type: ignore[return-value]


@dataclass(slots=True)
class Model:
    """What is on screen: every text and every target, in drawing order."""

    labels: list[Label] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)

    def target(self, label: str) -> Target:
        """The last-drawn target whose label contains ``label`` (it is on top)."""
        for target in reversed(self.targets):
            if label in target.label:
                return target
        raise LookupError(f"no target {label!r} on screen; there are: "
                          + ", ".join(t.label for t in self.targets[:40]))

    def text(self) -> str:
        return "\n".join(label.text for label in self.labels)

    def hit(self, pos: tuple[int, int]) -> Target | None:
        return next((t for t in reversed(self.targets) if t.contains(pos)), None)


class Canvas:
    """Draws on a surface in the current theme and text scale, recording the render model."""

    def __init__(self, surface: pygame.Surface, fonts: KioskFonts, theme: Theme, model: Model) -> None:
        self.surface, self.fonts, self.theme, self.model = surface, fonts, theme, model

    def text(self, text: str, x: int, y: int, size: int, *, colour: tuple[int, int, int] | None = None,
             bold: bool = False, align: str = "left", width: int = 0) -> Rect:
        """One line; ``y`` is the top of its line box. Returns the line box."""
        colour = colour or self.theme.text
        image = self.fonts.render(text, size, colour, bold)
        left = x + {"left": 0, "centre": (width - image.get_width()) // 2,
                    "right": width - image.get_width()}[align]
        top = y + self.fonts.baseline(size) - self.fonts.ascent(size)
        rect = (left, y, image.get_width(), self.fonts.line_height(size))
        ground = ground_under(self.surface, rect)
        self.surface.blit(image, (left, top))
        self.model.labels.append(Label(rect, text, size, tuple(colour)[:3], ground))  # type: ignore[arg-type]
        return rect

    def paragraph(self, text: str, x: int, y: int, width: int, size: int, *,
                  colour: tuple[int, int, int] | None = None, bold: bool = False) -> int:
        """Wrapped by the Chinese rules; returns the height used."""
        line = self.fonts.line_height(size)
        lines = self.fonts.wrap(text, width, size, bold) or [""]
        for index, part in enumerate(lines):
            self.text(part, x, y + index * line, size, colour=colour, bold=bold)
        return len(lines) * line

    def button(self, rect: Rect, label: str, action: Action, size: int, *, kind: str = "button",
               fill: tuple[int, int, int] | None = None, colour: tuple[int, int, int] | None = None,
               sub: str = "") -> Target:
        """A rounded button with a centred label (and a smaller second line ``sub``)."""
        x, y, w, h = rect
        fill = fill or self.theme.tile
        pygame.draw.rect(self.surface, fill, pygame.Rect(rect), border_radius=max(6, h // 8))
        if fill == self.theme.background:
            pygame.draw.rect(self.surface, self.theme.line, pygame.Rect(rect), width=3,
                             border_radius=max(6, h // 8))
        colour = colour or self.theme.tile_text
        sub_size = int(size * 0.62)
        block = self.fonts.line_height(size) + (self.fonts.line_height(sub_size) if sub else 0)
        top = y + (h - block) // 2
        self.text(label, x, top, size, colour=colour, bold=True, align="centre", width=w)
        if sub:
            self.text(sub, x, top + self.fonts.line_height(size), sub_size, colour=colour,
                      align="centre", width=w)
        target = Target(rect, f"{label} {sub}".strip(), action, kind)
        self.model.targets.append(target)
        return target

    def target(self, rect: Rect, label: str, action: Action, kind: str = "row") -> Target:
        """A tap target over something already drawn (a list row)."""
        target = Target(rect, label, action, kind)
        self.model.targets.append(target)
        return target


class Gestures:
    """Mouse events → taps and drags. A press that moves less than ``slop`` is a tap."""

    def __init__(self, slop: int) -> None:
        self.slop = slop
        self.start: tuple[int, int] | None = None
        self.last: tuple[int, int, float] | None = None
        self.dragging = False
        self.velocity = 0.0  # px/s along y, for a fling

    def down(self, pos: tuple[int, int], now: float) -> None:
        self.start, self.last, self.dragging, self.velocity = pos, (*pos, now), False, 0.0

    def move(self, pos: tuple[int, int], now: float) -> int:
        """The vertical drag since the last move (0 while it is still a tap)."""
        if self.start is None or self.last is None:
            return 0
        if not self.dragging and math.dist(pos, self.start) < self.slop:
            return 0
        self.dragging = True
        _, last_y, last_t = self.last
        dy = pos[1] - last_y
        if now > last_t:
            self.velocity = 0.6 * self.velocity + 0.4 * dy / (now - last_t)
        self.last = (*pos, now)
        return dy

    def up(self, pos: tuple[int, int], now: float) -> tuple[str, float]:
        """("tap", 0) or ("fling", velocity) or ("none", 0)."""
        if self.start is None:
            return "none", 0.0
        self.move(pos, now)
        kind = ("fling", self.velocity) if self.dragging else ("tap", 0.0)
        self.start = self.last = None
        self.dragging = False
        return kind


class Scroller:
    """A scroll offset moved by drags and, after a fling, by decaying inertia."""

    FRICTION = 3.2  # 1/s: the fling's speed decays as exp(-FRICTION·t)

    def __init__(self) -> None:
        self.offset = 0.0
        self.velocity = 0.0
        self.limit = 0.0  # the largest offset (content height − view height)

    def set_limit(self, content: float, view: float) -> None:
        self.limit = max(0.0, content - view)
        self.offset = min(self.offset, self.limit)

    def drag(self, dy: float) -> None:
        self.velocity = 0.0
        self.offset = min(max(self.offset - dy, 0.0), self.limit)

    def fling(self, velocity: float) -> None:
        self.velocity = -velocity

    def update(self, dt: float) -> bool:
        """Advance the inertia by ``dt`` seconds; True while still moving."""
        if abs(self.velocity) < 5:
            self.velocity = 0.0
            return False
        self.offset = min(max(self.offset + self.velocity * dt, 0.0), self.limit)
        if self.offset in (0.0, self.limit):
            self.velocity = 0.0
        self.velocity *= math.exp(-self.FRICTION * dt)
        return True
