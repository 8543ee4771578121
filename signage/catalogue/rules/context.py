"""What every check may consult besides its subject: the catalogue, the folder, today."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from signage.catalogue.model import Catalogue

# Item codes: <unit prefix>-<type abbreviation>-<sequence>, e.g. TXQ-XK-001. The named groups
# `unit` and `type` are optional; when present they are checked against the unit and the type.
DEFAULT_CODE_PATTERN = r"^(?P<unit>[A-Z][A-Z0-9]{1,9})-(?P<type>[A-Z]{2})-(?P<seq>\d{3,4})$"

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000


@dataclass(slots=True)
class CheckContext:
    catalogue: Catalogue
    root: Path
    today: dt.date = field(default_factory=dt.date.today)
    code_pattern: re.Pattern[str] = field(default_factory=lambda: re.compile(DEFAULT_CODE_PATTERN))
    max_image_bytes: int = MAX_IMAGE_BYTES
    max_image_pixels: int = MAX_IMAGE_PIXELS

    @property
    def area_code(self) -> str:
        return self.catalogue.county.area_code
