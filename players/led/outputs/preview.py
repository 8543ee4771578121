"""Headless output: frames kept in memory (the last one, or every one for an animation).

A player with ``output: {type: preview}`` runs without any display (servers, the demo, tests);
its screenshots still show exactly what a sign would. :func:`save_animation` writes the GIF
or PNG that ``signage preview led`` gives staff before they publish.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import numpy as np
from PIL import Image

from players.led.dots import led_dots
from players.led.layout import LedLayout
from players.led.outputs.base import Frame
from players.plan import Plan
from signage.text.timezones import utc_now


class PreviewOutput:
    name = "preview"

    def __init__(self, keep_frames: bool = False, fps: float = 25.0) -> None:
        self.keep_frames = keep_frames
        self.fps = fps
        self.frames: list[Frame] = []
        self.last: Frame | None = None
        self.shown = 0

    def open(self, layout: LedLayout, fps: float) -> float:
        return min(fps, self.fps)

    def show(self, frame: Frame, brightness: int) -> None:
        self.last = frame
        self.shown += 1
        if self.keep_frames:
            self.frames.append(frame.copy())

    def close(self) -> None:
        pass


MAX_ANIMATION_BYTES = 256 * 1024 * 1024  # palette frames a GIF preview may hold while it is written


class PreviewTooLong(ValueError):
    """A GIF preview would need more memory than MAX_ANIMATION_BYTES; the message says what to do."""


def save_animation(frames: Iterable[Frame], path: Path, fps: float, *, pitch: int = 4,
                   dots: bool = True, budget: int = MAX_ANIMATION_BYTES) -> Path:
    """Frames → an animated GIF, or a PNG of the fullest frame (the most lamps lit, so a still
    shows text rather than the blank panel text enters from); drawn as lamps unless ``dots=False``.

    Frames are taken one at a time: a PNG keeps only the fullest so far, a GIF keeps each frame
    as a palette image (a byte per pixel: Pillow writes a GIF's frames at the end), and a GIF that
    would need more than ``budget`` bytes is refused with PreviewTooLong before it is written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() != ".gif":
        fullest, lit = None, -1
        for frame in frames:
            count = int(np.count_nonzero(frame.any(axis=2)))
            if count > lit:
                fullest, lit = frame.copy(), count
        if fullest is None:
            raise ValueError("no frames to save")
        Image.fromarray(_look(fullest, pitch, dots), "RGB").save(path)
        return path
    # Lamp colours are few: an adaptive palette keeps them exact and the file small.
    palette: list[Image.Image] = []
    used = 0
    for frame in frames:
        image = Image.fromarray(_look(frame, pitch, dots), "RGB")
        used += image.width * image.height
        if used > budget:
            raise PreviewTooLong(
                f"预览过长：{len(palette) + 1} 帧已超过 {budget // 2**20} MB 内存上限"
                f"（每帧 {image.width}×{image.height} 像素）。请用 --seconds 缩短时长、"
                "--pitch 减小灯距、--fps 降低帧率，或用 --item/--unit 只看部分内容；"
                "也可输出 .png 只看一帧。")
        palette.append(image.quantize(colors=32, method=Image.Quantize.MEDIANCUT))
    if not palette:
        raise ValueError("no frames to save")
    palette[0].save(path, save_all=True, append_images=palette[1:], loop=0,
                    duration=max(20, round(1000 / fps)), optimize=False, disposal=1)
    return path


def _look(frame: Frame, pitch: int, dots: bool) -> np.ndarray:
    if dots:
        return led_dots(frame, pitch)
    return frame.repeat(pitch, axis=0).repeat(pitch, axis=1)


def record(plan: Plan, *, fps: float = 25.0, seconds: float | None = None,
           wall: Callable[[], dt.datetime] = utc_now, limit: float = 120.0) -> list[Frame]:
    """Every frame of :func:`frames_of` in a list (short recordings: tests, benchmarks)."""
    return list(frames_of(plan, fps=fps, seconds=seconds, wall=wall, limit=limit))


def frames_of(plan: Plan, *, fps: float = 25.0, seconds: float | None = None,
              wall: Callable[[], dt.datetime] = utc_now, limit: float = 120.0) -> Iterator[Frame]:
    """Frames of ``plan`` on its sign, on a virtual clock, one at a time (a long recording is
    never held whole): for ``seconds``, or until every entry has passed once (at most ``limit``)."""
    from players.led.renderer import LedRenderer

    output = PreviewOutput(fps=fps)
    clock = [0.0]
    renderer = LedRenderer(output, plan.screen, fps=fps, clock=lambda: clock[0], wall=wall)
    renderer.show(plan)
    played: set[tuple[str, str, str]] = set()
    wanted = {(e.kind, e.unit, e.key) for e in plan.current(wall())}  # on the county's clock
    end = seconds if seconds is not None else limit
    frame = 0
    while clock[0] < end:
        before = output.shown
        renderer.step(clock[0], lambda e: played.add((e.kind, e.unit, e.key)))
        if output.last is not None and output.shown > before:
            yield output.last.copy()
        frame += 1
        clock[0] = frame / fps
        if seconds is None and wanted <= played:
            break
