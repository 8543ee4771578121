"""The interface every renderer implements, like transports in httpx: small and swappable.

The runtime calls :meth:`Renderer.show` from its worker thread with a complete, verified plan;
the renderer switches to it at its next safe point (a page boundary, the end of a scroll).
:meth:`Renderer.run` is the render loop and owns the main thread (pygame needs it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from players.plan import Entry, Plan

PlayReporter = Callable[[Entry], None]


class RendererError(Exception):
    """A renderer cannot start as configured (an output that is not there, bad settings);
    the message says what to change. The player exits with it instead of a traceback."""


class Renderer(Protocol):
    kind: str

    def show(self, plan: Plan) -> None:
        """Take a new version; any thread."""

    def run(self, stop: threading.Event, played: PlayReporter) -> None:
        """Render until ``stop`` is set; call ``played(entry)`` when an entry has fully shown."""

    def identify(self) -> None:
        """Make the screen recognisable (flash its id) for an installer."""

    def screenshot(self) -> bytes | None:
        """A PNG of what is on screen now, or None if this renderer cannot take one."""

    # Optional: ``entry_fields(layout) -> frozenset[str] | None`` names the item fields this
    # renderer shows for a layout; the runtime then keeps only those in memory (None: all).
