"""LED outputs, one module each, chosen by ``renderer: {output: {type: …}}`` in the player config.

========  ======================================================================
window    borderless 1:1 window at x, y (sending cards mirror that rectangle)
sim       round lamps in a scaled window, for staff and development
preview   headless: frames stay in memory (screenshots work); the demo and tests
tpm2      TPM2 frames over a serial port (microcontroller HUB75 panels, e.g. WLED)
onbon     Onbon BX-5E controllers: each item's bitmap sent once, the controller scrolls it
========  ======================================================================
"""

from __future__ import annotations

from typing import Any

from players.led.outputs.base import LedOutput, OutputError, ProgramOutput

OUTPUT_TYPES = ("window", "sim", "preview", "tpm2", "onbon")


def make_output(settings: dict[str, Any] | str | None) -> LedOutput | ProgramOutput:
    """The output a player config asks for (default ``window``); OutputError names bad keys."""
    options = {"type": settings} if isinstance(settings, str) else dict(settings or {})
    kind = str(options.pop("type", "window"))
    try:
        return _build(kind, options)
    except TypeError as exc:
        raise OutputError(f"output {kind!r}: {exc}; see docs/LED.md for its settings") from None


def _build(kind: str, options: dict[str, Any]) -> LedOutput | ProgramOutput:
    if kind == "window":
        from players.led.outputs.window import WindowOutput

        return WindowOutput(**options)
    if kind == "sim":
        from players.led.outputs.sim import SimOutput

        return SimOutput(**options)
    if kind == "preview":
        from players.led.outputs.preview import PreviewOutput

        return PreviewOutput(**options)
    if kind == "tpm2":
        from players.led.outputs.tpm2 import Tpm2Output

        return Tpm2Output(**options)
    if kind == "onbon":
        from players.led.outputs.onbon import OnbonOutput

        return OnbonOutput(**options)
    raise OutputError(f"output type {kind!r} is unknown; use one of {', '.join(OUTPUT_TYPES)}")
