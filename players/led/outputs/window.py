"""``window``: a borderless window at an exact position and size, one window pixel per lamp.

Synchronous LED controllers (the sending cards of most full-colour lobby screens) mirror a
fixed rectangle of the PC's video output onto the panel, so the player draws the frame 1:1 at
that rectangle: no border, no scaling, no smoothing. Presents through an SDL renderer with
vsync where the driver offers it, so the scroll steps once per refresh without tearing.
"""

from __future__ import annotations

import os

import numpy as np

from players.led.layout import LedLayout
from players.led.outputs.base import Frame, OutputError

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")


def scaled(frame: Frame, brightness: int) -> Frame:
    if brightness >= 100:
        return frame
    return (frame.astype(np.uint16) * max(0, brightness) // 100).astype(np.uint8)


class _PygameWindow:
    """The SDL plumbing the window and simulator share: a window, a vsync renderer, a texture."""

    name = "window"
    title = "LED"

    def __init__(self, x: int = 0, y: int = 0, vsync: bool = True, borderless: bool = True) -> None:
        self.position = (x, y)
        self.vsync = vsync
        self.borderless = borderless
        self.closed = False
        self._window = self._renderer = self._texture = None
        self.size = (0, 0)

    def _open_window(self, size: tuple[int, int]) -> None:
        import pygame
        from pygame._sdl2 import video

        if self._window is not None and self.size == size:
            return
        self.close()
        try:
            pygame.display.init()
            self._window = video.Window(self.title, size=size, position=self.position,
                                        borderless=self.borderless)
            self._renderer = video.Renderer(self._window, accelerated=-1, vsync=self.vsync)
            self._texture = video.Texture(self._renderer, size, streaming=True)
        except pygame.error as exc:
            raise OutputError(f"cannot open a {size[0]}×{size[1]} window: {exc} "
                              "(is a display running? DISPLAY/WAYLAND_DISPLAY)") from exc
        self.size = size
        self.closed = False

    def _present(self, image: np.ndarray) -> None:
        import pygame

        for event in pygame.event.get():
            if event.type in (pygame.QUIT, pygame.WINDOWCLOSE) and not self.borderless:
                self.closed = True
        surface = pygame.image.frombuffer(np.ascontiguousarray(image).data, self.size, "RGB")
        self._texture.update(surface)
        self._renderer.clear()
        self._renderer.blit(self._texture)
        self._renderer.present()

    def close(self) -> None:
        """Destroy the window and let go of the display (the X connection included)."""
        import pygame

        if self._window is not None:
            self._window.destroy()
        self._window = self._renderer = self._texture = None
        pygame.display.quit()


class WindowOutput(_PygameWindow):
    name = "window"
    title = "LED"

    def open(self, layout: LedLayout, fps: float) -> float:
        self._open_window((layout.width, layout.height))
        return fps

    def show(self, frame: Frame, brightness: int) -> None:
        self._present(scaled(frame, brightness))
