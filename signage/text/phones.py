"""Telephone numbers as units write them: normalising and classifying.

Accepted forms: landlines with area code (0412-4822110, extension 0412-4822110-8021),
mobiles (13912345678), government hotlines (12345, 12315, 12333 …; local 96xxx), and
400/800 service numbers. Full-width digits, dashes of every width, spaces and parentheses
around the area code are normalised to the forms above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from signage.text.numerals import ascii_digits

_DASHES = str.maketrans({c: "-" for c in "－—–‐‑‒―~～ 　·."})
_PAREN_AREA = re.compile(r"^[（(]\s*(0\d{2,3})\s*[)）]\s*-?")
_SPLIT = re.compile(r"\s*(?:[、，,;；/]|或)\s*")

LANDLINE = re.compile(r"(0\d{2,3})-(\d{7,8})(?:-(\d{1,6}))?")
MOBILE = re.compile(r"1[3-9]\d{9}")
HOTLINE = re.compile(r"12\d{3}|96\d{3,4}")
SERVICE = re.compile(r"[48]00-?\d{3}-?\d{4}")
LOCAL = re.compile(r"[2-9]\d{6,7}")


@dataclass(frozen=True, slots=True)
class Phone:
    """One number: what was written, its normal form, and its kind ("" when invalid)."""

    written: str
    normal: str
    kind: str  # landline, mobile, hotline, service, local (no area code) or ""

    @property
    def area_code(self) -> str:
        match = LANDLINE.fullmatch(self.normal)
        return match.group(1) if match else ""


def split_numbers(text: str) -> list[str]:
    """A field may hold several numbers: 0412-4822110、12345."""
    return [part for part in _SPLIT.split(text.strip()) if part]


def normalise(written: str) -> Phone:
    text = ascii_digits(written.strip())
    text = _PAREN_AREA.sub(lambda m: m.group(1) + "-", text)
    text = re.sub(r"-+", "-", text.translate(_DASHES)).strip("-")
    compact = text.replace("-", "")
    if MOBILE.fullmatch(compact):
        return Phone(written, compact, "mobile")
    if HOTLINE.fullmatch(compact):
        return Phone(written, compact, "hotline")
    if SERVICE.fullmatch(text):
        return Phone(written, f"{compact[:3]}-{compact[3:6]}-{compact[6:]}", "service")
    if LANDLINE.fullmatch(text):
        return Phone(written, text, "landline")
    joined = _join_area_code(compact)
    if joined:
        return Phone(written, joined, "landline")
    if LOCAL.fullmatch(compact):
        return Phone(written, compact, "local")
    return Phone(written, text, "")


def _join_area_code(digits: str) -> str:
    """04124822110 → 0412-4822110 (an area code of 3 or 4 digits, then 7 or 8)."""
    if not digits.isdigit() or not digits.startswith("0"):
        return ""
    for area in (4, 3):
        rest = digits[area:]
        if 7 <= len(rest) <= 8 and rest[0] != "0":
            if area == 3 and digits[1] not in "12":
                continue  # 3-digit area codes are 010 and 02x
            return f"{digits[:area]}-{rest}"
    return ""
