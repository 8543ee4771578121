"""Which renderer a player runs, built from ``signage player KIND`` and the config's ``renderer:``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from players.renderer import Renderer, RendererError

__all__ = ["RENDERER_KINDS", "RendererError", "make_renderer"]

RENDERER_KINDS = ("log", "led", "kiosk", "board")


def make_renderer(kind: str, screen: str, options: dict[str, Any], output: str | None = None,
                  cache_dir: Path = Path(".")) -> Renderer:
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
    if kind == "kiosk":
        from players.kiosk.renderer import KioskRenderer

        return KioskRenderer(screen, fullscreen=bool(options.get("fullscreen", True)), settings=options)
    if kind == "board":
        return _board_renderer(screen, options, cache_dir)
    raise ValueError(f"unknown player kind {kind!r}; use one of {', '.join(RENDERER_KINDS)}")


def _board_renderer(screen: str, options: dict[str, Any], cache_dir: Path) -> Renderer:
    """A print station: ``renderer: {queue: NAME, server: host:port, copies: 1, out_dir: DIR}``;
    without ``queue`` the boards are only rendered (PDFs and history in ``out_dir``)."""
    from players.board.printing import PrintQueue
    from players.board.renderer import BoardRenderer

    queue = PrintQueue(str(options["queue"]), options.get("server")) if options.get("queue") else None
    out_dir = Path(str(options.get("out_dir") or cache_dir / "boards"))
    return BoardRenderer(screen, out_dir, queue=queue, copies=int(options.get("copies", 1)))
