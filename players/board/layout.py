"""A board's paper and type: sizes in millimetres and points, chosen from the paper."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PAPERS = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
ORIENTATIONS = ("portrait", "landscape")


class BoardLayoutError(ValueError):
    """The board layout cannot be used; the message names the field and the choices."""


@dataclass(frozen=True, slots=True)
class BoardLayout:
    paper: str = "A3"
    orientation: str = "portrait"
    margin: float = 15.0  # mm: inside every printer's unprintable edge, with room to pin the sheet
    title: str = "行政权力运行公开栏"

    @property
    def size(self) -> tuple[float, float]:
        width, height = PAPERS[self.paper]
        return (height, width) if self.orientation == "landscape" else (width, height)

    @property
    def scale(self) -> float:
        """Type scale: A3 sets type larger than A4, read from a step further away."""
        return 1.0 if self.paper == "A3" else 0.82

    @property
    def body(self) -> float:
        return 10.5 * self.scale

    @property
    def small(self) -> float:
        return 8.5 * self.scale

    @property
    def heading(self) -> float:
        return 14.0 * self.scale

    @property
    def flow_columns(self) -> int:
        width = self.size[0] - 2 * self.margin
        return max(1, int(width // 88))


def board_layout(data: dict[str, Any] | None = None, *, paper: str | None = None,
                 orientation: str | None = None) -> BoardLayout:
    """A layout mapping (``layouts/board-*.yaml``), with command-line overrides."""
    data = dict(data or {})
    chosen_paper = str(paper or data.get("paper") or "A3").upper()
    chosen_orientation = str(orientation or data.get("orientation") or "portrait").lower()
    if chosen_paper not in PAPERS:
        raise BoardLayoutError(f"board paper {chosen_paper!r}: use one of {', '.join(PAPERS)}")
    if chosen_orientation not in ORIENTATIONS:
        raise BoardLayoutError(f"board orientation {chosen_orientation!r}: use portrait or landscape")
    margin = float(data.get("margin_mm", 15.0))
    if not 8.0 <= margin <= 40.0:
        raise BoardLayoutError(f"board margin_mm {margin:g}: printers need 8–40 mm")
    return BoardLayout(chosen_paper, chosen_orientation, margin,
                       str(data.get("title") or "行政权力运行公开栏"))
