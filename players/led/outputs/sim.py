"""``sim``: the panel drawn as round lamps on black, scaled up, in an ordinary window.

For office staff and development: it shows what a lobby sign shows, at a size a desk screen
can read, with the same frames and timing as the real outputs.
"""

from __future__ import annotations

from players.led.dots import led_dots
from players.led.layout import LedLayout
from players.led.outputs.base import Frame
from players.led.outputs.window import _PygameWindow


class SimOutput(_PygameWindow):
    name = "sim"

    def __init__(self, pitch: int = 6, x: int = 40, y: int = 40, vsync: bool = True,
                 title: str = "LED 模拟") -> None:
        super().__init__(x, y, vsync=vsync, borderless=False)
        self.pitch = pitch
        self.title = title

    def open(self, layout: LedLayout, fps: float) -> float:
        self._open_window((layout.width * self.pitch, layout.height * self.pitch))
        return fps

    def show(self, frame: Frame, brightness: int) -> None:
        self._present(led_dots(frame, self.pitch, brightness))
