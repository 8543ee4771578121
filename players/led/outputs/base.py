"""The one small interface every LED output implements, and the bandwidth arithmetic.

A *frame* is a ``(height, width, 3)`` ``uint8`` numpy array of lamp colours at full brightness;
an output applies the brightness itself (a controller command, or scaling the values).

Two kinds of output exist:

* *streaming* outputs (a window mirrored by a sending card, the simulator, TPM2 over a UART)
  take every frame through :meth:`LedOutput.show`;
* *program* outputs (asynchronous controllers that scroll by themselves) take each item's
  rendered strip once through :meth:`ProgramOutput.play` and move it on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from players.led.layout import LedLayout, Zone
from players.renderer import RendererError

Frame = np.ndarray
BITS_PER_BYTE_ON_THE_WIRE = 10  # 8N1: a start bit, 8 data bits, a stop bit


class OutputError(RendererError):
    """The output cannot drive this sign; the message says why and what to change."""


@dataclass(frozen=True, slots=True)
class Bandwidth:
    """What streaming a layout costs on a serial link."""

    bytes_per_frame: int
    baud: int

    @property
    def max_fps(self) -> float:
        return self.baud / BITS_PER_BYTE_ON_THE_WIRE / self.bytes_per_frame

    def describe(self, fps: float) -> str:
        return (f"{self.bytes_per_frame} bytes per frame × {fps:g} fps needs "
                f"{self.bytes_per_frame * fps * BITS_PER_BYTE_ON_THE_WIRE:,.0f} baud; the link has "
                f"{self.baud:,} (at most {self.max_fps:.1f} fps)")


def bits_per_pixel(colour: str) -> int:
    """Bits a lamp needs on the wire: 1 for mono, 2 for red/green, 24 for RGB."""
    return {"mono": 1, "dual": 2, "rgb": 24}[colour]


def frame_bytes(layout: LedLayout) -> int:
    bits = layout.width * layout.height * bits_per_pixel(layout.colour)
    return (bits + 7) // 8


@runtime_checkable
class LedOutput(Protocol):
    """A streaming output: one frame at a time."""

    name: str

    def open(self, layout: LedLayout, fps: float) -> float:
        """Get ready for this layout; return the frame rate it will really take (≤ ``fps``).

        Raise :class:`OutputError` when the sign cannot be driven at all."""

    def show(self, frame: Frame, brightness: int) -> None:
        """Put a frame on the sign (``brightness`` in percent); may block until the refresh."""

    def close(self) -> None: ...


@runtime_checkable
class ProgramOutput(Protocol):
    """An output for a controller that scrolls by itself: strips are sent once per item."""

    name: str

    def open(self, layout: LedLayout, fps: float) -> float: ...

    def play(self, zone: Zone, strip: Frame, effect: str, speed: float, brightness: int) -> None:
        """Send one item's rendered strip for ``zone``; the controller moves it at ``speed``."""

    def close(self) -> None: ...
