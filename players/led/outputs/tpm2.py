"""TPM2 over a serial line: whole RGB frames streamed to microcontroller panels (WLED HUB75 builds).

A TPM2 packet (public description: the "TPM2 Protocol Description" gist by jblang,
https://gist.github.com/jblang/89e24e2655be6c463c56, "TPM2 Packet Structure") is::

    0xC9  0xDA  size-high  size-low  payload…  0x36
    start data  payload size, big-endian      end

The payload is the frame's lamps row by row, 3 bytes (R, G, B) each: TPM2 knows only RGB, so a
mono or red/green layout is sent in RGB too. Brightness is applied by scaling the values.

Serial TPM2 has no packet numbers (only TPM2.net adds them), so a frame must fit one packet:
at most 65,535 bytes, 21,845 lamps. Larger panels are refused rather than split in a way the
firmware would draw over its first lamps.

The UART is usually the limit: at 8N1 every byte costs 10 bits, so a 64×32 panel (6,149 bytes a
packet) takes 15 fps at 921,600 baud and 1.9 fps at 115,200. :meth:`Tpm2Output.open` lowers the
frame rate to what fits and refuses a link where even ``min_fps`` does not.
"""

from __future__ import annotations

import logging
import math
import time

import numpy as np

from players.led.layout import LedLayout
from players.led.outputs.base import Bandwidth, Frame, OutputError
from players.led.outputs.serial_link import Clock, SerialLink

log = logging.getLogger(__name__)

START, DATA_FRAME, END = 0xC9, 0xDA, 0x36
MAX_PAYLOAD = 0xFFFF
OVERHEAD = 5  # start, type, two size bytes, end


def tpm2_packet(payload: bytes) -> bytes:
    """One TPM2 data-frame packet around ``payload``."""
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"a TPM2 payload holds at most {MAX_PAYLOAD} bytes, not {len(payload)}")
    return bytes((START, DATA_FRAME, len(payload) >> 8, len(payload) & 0xFF)) + payload + bytes((END,))


def decode_tpm2(stream: bytes) -> list[bytes]:
    """The payloads of the complete TPM2 data frames in ``stream``; noise and cut packets are skipped."""
    payloads, at = [], 0
    while (at := stream.find(START, at)) >= 0 and at + 4 <= len(stream):
        size = stream[at + 2] << 8 | stream[at + 3]
        end = at + 4 + size
        if end < len(stream) and stream[at + 1] == DATA_FRAME and stream[end] == END:
            payloads.append(bytes(stream[at + 4:end]))
            at = end + 1
        else:
            at += 1
    return payloads


class Tpm2Output:
    """A streaming output (``type: tpm2``): every changed frame as one TPM2 packet."""

    name = "tpm2"

    def __init__(self, port: str, baud: int = 115200, *, min_fps: float = 5.0, keepalive: float = 1.0,
                 reopen_interval: float = 2.0, clock: Clock = time.monotonic) -> None:
        """``keepalive``: resend an unchanged frame after this many seconds (0: never), because
        firmware leaves realtime mode when the stream goes quiet (WLED after 2.5 s by default)."""
        self.port, self.baud, self.min_fps, self.keepalive = port, int(baud), float(min_fps), keepalive
        self.reopen_interval, self.clock = reopen_interval, clock
        self.link: SerialLink | None = None
        self.shape: tuple[int, int, int] | None = None
        self._last: bytes | None = None
        self._last_at = -math.inf

    def open(self, layout: LedLayout, fps: float) -> float:
        payload = layout.width * layout.height * 3
        if payload > MAX_PAYLOAD:
            raise OutputError(
                f"TPM2 over a serial line carries at most {MAX_PAYLOAD:,} bytes ({MAX_PAYLOAD // 3:,} RGB "
                f"lamps) a frame and has no packet numbers to split one; {layout.width}×{layout.height} "
                f"needs {payload:,}. Use a program output (the controller scrolls by itself) or split "
                "the panel over several controllers")
        fps = self._fitting_fps(Bandwidth(bytes_per_frame=payload + OVERHEAD, baud=self.baud), fps)
        self.close()
        self.shape = (layout.height, layout.width, 3)
        self.link = SerialLink(self.port, self.baud, reopen_interval=self.reopen_interval, clock=self.clock)
        self.link.connect()  # a device that is not there yet is only a warning; show() retries
        return fps

    def show(self, frame: Frame, brightness: int) -> None:
        if self.link is None or self.shape is None:
            raise RuntimeError("Tpm2Output.show() before open()")
        if frame.shape != self.shape:
            raise ValueError(f"frame is {frame.shape}, the layout needs {self.shape}")
        packet = tpm2_packet(_scaled(frame, brightness).tobytes())
        now = self.clock()
        if packet == self._last and not (self.keepalive and now - self._last_at >= self.keepalive):
            return
        sent = self.link.write(packet)
        self._last, self._last_at = (packet, now) if sent else (None, -math.inf)

    def close(self) -> None:
        if self.link is not None:
            self.link.close()
        self.link, self._last = None, None

    def _fitting_fps(self, bandwidth: Bandwidth, fps: float) -> float:
        """``fps`` if the link carries it, else the most it carries (with a warning), else refuse."""
        if bandwidth.max_fps < self.min_fps:
            raise OutputError(
                f"RGB streaming over this UART is not viable: {bandwidth.describe(self.min_fps)}, "
                f"below the minimum of {self.min_fps:g} fps. Use a program output (the controller "
                "scrolls by itself) or a faster link (a higher baud rate, USB CDC or Ethernet)")
        if fps <= bandwidth.max_fps:
            return fps
        lowered = max(math.floor(bandwidth.max_fps * 10) / 10, self.min_fps)
        log.warning("TPM2 on %s: %s; running at %.1f fps instead of %g", self.port,
                    bandwidth.describe(fps), lowered, fps)
        return lowered


def _scaled(frame: Frame, brightness: int) -> np.ndarray:
    """The frame at ``brightness`` percent: TPM2 has no brightness command, so scale the values."""
    level = min(max(int(brightness), 0), 100)
    if level == 100:
        return np.ascontiguousarray(frame, dtype=np.uint8)
    return (frame.astype(np.uint16) * level // 100).astype(np.uint8)
