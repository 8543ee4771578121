"""A frame drawn the way the sign looks: round lamps on black, unlit lamps faintly visible.

Used by the simulator window, previews and screenshots, so staff judge text as it will really
appear across a lobby rather than as crisp square pixels. Vectorised: one upscale and one
multiply per frame, whatever the panel size.
"""

from __future__ import annotations

import functools

import numpy as np

UNLIT = np.array([28, 22, 22], np.uint8)  # a dark lamp still shows on a real panel


@functools.cache
def lamp_mask(pitch: int) -> np.ndarray:
    """A (pitch, pitch, 1) float mask: 1 inside the round lamp, 0 in the gaps."""
    centre = (pitch - 1) / 2
    radius = max(0.5, pitch * 0.42)
    y, x = np.mgrid[0:pitch, 0:pitch]
    inside = (x - centre) ** 2 + (y - centre) ** 2 <= radius**2
    return inside.astype(np.float32)[:, :, None]


def led_dots(frame: np.ndarray, pitch: int = 6, brightness: int = 100) -> np.ndarray:
    """``frame`` (h, w, 3) → (h·pitch, w·pitch, 3) uint8 image of round lamps."""
    height, width = frame.shape[:2]
    lamps = np.where(frame.any(axis=2, keepdims=True), frame, UNLIT)
    if brightness < 100:
        lamps = (lamps.astype(np.uint16) * max(brightness, 0) // 100).astype(np.uint8)
    big = lamps.repeat(pitch, axis=0).repeat(pitch, axis=1)
    mask = np.tile(lamp_mask(pitch), (height, width, 1))
    return (big * mask).astype(np.uint8)


MAX_SHOT_PIXELS = 4_000_000  # a screenshot of any panel stays a few MB in memory and on the wire


def bounded_shot(frame: np.ndarray, brightness: int = 100, pitch: int = 4) -> np.ndarray:
    """``frame`` drawn as lamps at the largest pitch (≤ ``pitch``) that keeps the image under
    MAX_SHOT_PIXELS; a panel too large even at one pixel per lamp is averaged down (box
    filter: the layout stays recognisable where sampling would alias the text away)."""
    height, width = frame.shape[:2]
    fits = int((MAX_SHOT_PIXELS / max(height * width, 1)) ** 0.5)
    if fits >= 1:
        return led_dots(frame, min(pitch, fits), brightness)
    from PIL import Image

    step = 1
    while -(-height // step) * -(-width // step) > MAX_SHOT_PIXELS:
        step += 1
    lamps = np.where(frame.any(axis=2, keepdims=True), frame, UNLIT).astype(np.uint8)  # one pixel a lamp
    if brightness < 100:
        lamps = (lamps.astype(np.uint16) * max(brightness, 0) // 100).astype(np.uint8)
    return np.asarray(Image.fromarray(lamps, "RGB").reduce(step))


def png_bytes(image: np.ndarray) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(image, "RGB").save(buffer, "PNG")
    return buffer.getvalue()
