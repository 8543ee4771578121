"""Which renderer a player runs, built from ``signage player KIND`` and the config's ``renderer:``."""

from __future__ import annotations

from typing import Any

from players.renderer import Renderer

RENDERER_KINDS = ("log", "led")


def make_renderer(kind: str, screen: str, options: dict[str, Any],
                  output: str | None = None) -> Renderer:
    """A renderer for ``kind``; ``output`` overrides the config's output type (LED)."""
    if kind == "log":
        from players.log import LogRenderer

        return LogRenderer(screen=screen, seconds_per_entry=float(options.get("seconds_per_entry", 1.0)))
    if kind == "led":
        from players.led.outputs import make_output
        from players.led.renderer import LedRenderer

        settings = options.get("output") or {}
        if output:
            settings = {**settings, "type": output} if isinstance(settings, dict) and \
                settings.get("type") == output else {"type": output}
        return LedRenderer(make_output(settings), screen, fps=float(options.get("fps", 60)))
    raise ValueError(f"unknown player kind {kind!r}; use one of {', '.join(RENDERER_KINDS)}")
