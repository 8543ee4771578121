"""Headless output: frames kept in memory (the last one, or every one for an animation).

A player with ``output: {type: preview}`` runs without any display (servers, the demo, tests);
its screenshots still show exactly what a sign would. :func:`save_animation` writes the GIF
or PNG that ``signage preview led`` gives staff before they publish.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

from players.led.dots import led_dots
from players.led.layout import LedLayout
from players.led.outputs.base import Frame
from players.plan import Plan


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


def save_animation(frames: list[Frame], path: Path, fps: float, *, pitch: int = 4,
                   dots: bool = True) -> Path:
    """Frames → an animated GIF, or a PNG of the fullest frame (the most lamps lit, so a still
    shows text rather than the blank panel text enters from); drawn as lamps unless ``dots=False``."""
    if not frames:
        raise ValueError("no frames to save")
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() != ".gif":
        fullest = max(frames, key=lambda f: int(np.count_nonzero(f.any(axis=2))))
        Image.fromarray(_look(fullest, pitch, dots), "RGB").save(path)
        return path
    images = [Image.fromarray(_look(f, pitch, dots), "RGB") for f in frames]
    # Lamp colours are few: an adaptive palette keeps them exact and the file small.
    palette = [im.quantize(colors=32, method=Image.Quantize.MEDIANCUT) for im in images]
    palette[0].save(path, save_all=True, append_images=palette[1:], loop=0,
                    duration=max(20, round(1000 / fps)), optimize=False, disposal=1)
    return path


def _look(frame: Frame, pitch: int, dots: bool) -> np.ndarray:
    if dots:
        return led_dots(frame, pitch)
    return frame.repeat(pitch, axis=0).repeat(pitch, axis=1)


def record(plan: Plan, *, fps: float = 25.0, seconds: float | None = None,
           wall: Callable[[], dt.datetime] = dt.datetime.now, limit: float = 120.0) -> list[Frame]:
    """Frames of ``plan`` on its sign, on a virtual clock: for ``seconds``, or until every
    entry has passed once (at most ``limit`` seconds)."""
    from players.led.renderer import LedRenderer

    output = PreviewOutput(keep_frames=True, fps=fps)
    clock = [0.0]
    renderer = LedRenderer(output, plan.screen, fps=fps, clock=lambda: clock[0], wall=wall)
    renderer.show(plan)
    played: set[tuple[str, str, str]] = set()
    wanted = {(e.kind, e.unit, e.key) for e in plan.current(wall())}
    end = seconds if seconds is not None else limit
    frame = 0
    while clock[0] < end:
        renderer.step(clock[0], lambda e: played.add((e.kind, e.unit, e.key)))
        frame += 1
        clock[0] = frame / fps
        if seconds is None and wanted <= played:
            break
    return output.frames
