"""A board's paper and type: sizes in millimetres and points, chosen from the paper."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PAPERS = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
ORIENTATIONS = ("portrait", "landscape")
READING_DISTANCE = {"A4": 0.6, "A3": 0.7}  # metres (docs/BOARDS.md, Type sizes)
BODY_AT_60CM = 10.5  # points: 五号, the body size of official documents read in the hand
MIN_TYPE = 9.0  # points: nothing on a board is smaller


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
    def reading_distance(self) -> float:
        """Metres from which the sheet is read: an A4 at arm's length, an A3 from a step further."""
        return READING_DISTANCE[self.paper]

    @property
    def body(self) -> float:
        """Body type in points: 10.5 pt (五号) read at 0.6 m, scaled with the reading distance so
        a character looks as large from where the sheet is read (A4 10.5 pt, A3 12 pt)."""
        return _half_points(BODY_AT_60CM * self.reading_distance / 0.6)

    @property
    def scale(self) -> float:
        """Display type (titles) against the A3 board's."""
        return self.body / 12.0

    @property
    def small(self) -> float:
        """Page furniture (running header, footer, captions): never read from afar, still ≥ 9 pt."""
        return _half_points(self.body * 0.86)

    @property
    def table(self) -> float:
        """The item table is read as body text."""
        return self.body

    @property
    def flow(self) -> float:
        """Flowchart step names; their posts and time limits are set a point smaller."""
        return self.body - 0.5

    @property
    def heading(self) -> float:
        return _half_points(self.body * 1.34)

    @property
    def flow_columns(self) -> int:
        width = self.size[0] - 2 * self.margin
        return max(1, int(width // 100))  # charts wide enough for their type


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


def _half_points(size: float) -> float:
    """Sizes in half points, rounded down, never below the board minimum."""
    return max(MIN_TYPE, int(size * 2) / 2)
