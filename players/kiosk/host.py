"""What a kiosk screen is, and what it may ask of the app that shows it: sizes, fonts, content, navigation.

The screens depend on this small face rather than on :class:`players.kiosk.app.KioskApp`, so
the app can import the screens without the screens importing the app.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import pygame

from players.kiosk.content import KioskContent
from players.kiosk.fonts import KioskFonts
from players.kiosk.layout import KioskLayout, Theme
from players.kiosk.ui import Canvas, Label, Rect, Scroller
from players.plan import Entry


@dataclass(frozen=True, slots=True)
class Block:
    """A laid-out part of a page: its top within the page, its picture and the text on it
    (label rects relative to the block), so the render model holds a page's text and colours
    even where it is scrolled out of view."""

    top: int
    surface: pygame.Surface
    labels: tuple[Label, ...] = ()

    @property
    def bottom(self) -> int:
        return self.top + self.surface.get_height()


@dataclass(frozen=True, slots=True)
class Sizes:
    """Type and spacing in pixels for the current text scale (large-text mode re-lays out)."""

    scale: float
    title: int
    heading: int
    body: int
    small: int
    pad: int

    @classmethod
    def of(cls, layout: KioskLayout, scale: float) -> Sizes:
        return cls(scale, layout.px(14 * scale), layout.px(12 * scale), layout.px(10 * scale),
                   layout.px(7.5 * scale), layout.px(4))


class Host(Protocol):
    """The app as its screens see it."""

    layout: KioskLayout
    fonts: KioskFonts
    sizes: Sizes
    content: KioskContent
    exit_requested: bool
    opened: dict[str, int]  # how often each entry was opened here (kind/unit/key → count)

    def push(self, screen: Screen) -> None: ...

    def open(self, entry: Entry) -> None: ...

    def page_blocks(self, page: Screen, width: int, theme: Theme) -> Sequence[Block]: ...


class Screen(abc.ABC):
    """A page of the kiosk. ``scroll`` is the page's own scroller, if it scrolls."""

    title = ""

    def __init__(self, app: Host) -> None:
        self.app = app
        self.scroll: Scroller | None = None

    @abc.abstractmethod
    def draw(self, canvas: Canvas, area: Rect) -> None:
        """Draw the page's body into ``area``, registering its targets on ``canvas``."""

    def speech(self) -> str:
        """What 朗读 reads on this page (empty: no read-aloud button)."""
        return ""

    def refresh(self) -> None:  # noqa: B027 - optional: pages that hold no content need nothing
        """Take the content now in use (a new version, applied at a navigation)."""

    def drag(self, dy: int) -> None:
        if self.scroll is not None:
            self.scroll.drag(dy)

    def fling(self, velocity: float) -> None:
        if self.scroll is not None:
            self.scroll.fling(velocity)

    def update(self, dt: float) -> bool:
        return self.scroll.update(dt) if self.scroll is not None else False
