"""Telephone numbers as units write them: normalising and classifying.

Accepted forms: landlines with area code (0412-4822110, extension 0412-4822110-8021, also
written 0412-4822110转8021 or ext 8021), mobiles (13912345678), government hotlines (12345,
12315, 12333 …; local 96xxx), and 400/800 service numbers. Full-width digits, dashes of every
width, spaces and parentheses around the area code are normalised to the forms above (our own
normalisation: how clerks write numbers); whether the normalised number exists in the national
numbering plan (area codes, local number lengths, mobile ranges) is asked of Google's
libphonenumber metadata through the ``phonenumbers`` package.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import phonenumbers

from signage.text.numerals import ascii_digits

_DASHES = str.maketrans({c: "-" for c in "－—–‐‑‒―~～ 　·."})
_PAREN_AREA = re.compile(r"^[（(]\s*(0\d{2,3})\s*[)）]\s*-?")
_SPLIT = re.compile(r"\s*(?:[、，,;；/]|或)\s*")
# Extensions as offices write them: 转8021, 转 8021, ext 8021, ext.8021, 分机8021, x8021.
_EXTENSION = re.compile(r"\s*(?:转|分机|[Ee][Xx][Tt]\.?|[Xx])\s*[:：]?\s*(\d{1,6})\s*$")

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
    extension_written: bool = False  # 转/ext/分机: an accepted way to write an extension

    @property
    def area_code(self) -> str:
        match = LANDLINE.fullmatch(self.normal)
        return match.group(1) if match else ""


def split_numbers(text: str) -> list[str]:
    """A field may hold several numbers: 0412-4822110、12345."""
    return [part for part in _SPLIT.split(text.strip()) if part]


def normalise(written: str) -> Phone:
    text = ascii_digits(written.strip())
    parts = split_extension(text)
    if parts:
        base = _normalise(parts[0])
        match = LANDLINE.fullmatch(base.normal)  # only a landline's normal form matches
        if match and not match.group(3):
            return Phone(written, f"{base.normal}-{parts[1]}", "landline", True)
    phone = _normalise(text)
    return Phone(written, phone.normal, phone.kind)


def split_extension(text: str) -> tuple[str, str] | None:
    """(number, extension) when an extension is written with 转, 分机, ext or x; else None."""
    match = _EXTENSION.search(text)
    if not match or not match.start():  # nothing before the extension: no number
        return None
    return text[:match.start()].rstrip(), match.group(1)


def _normalise(text: str) -> Phone:
    text = _PAREN_AREA.sub(lambda m: m.group(1) + "-", text)
    text = re.sub(r"-+", "-", text.translate(_DASHES)).strip("-")
    compact = text.replace("-", "")
    if MOBILE.fullmatch(compact):
        return Phone(text, compact, "mobile")
    if HOTLINE.fullmatch(compact):
        return Phone(text, compact, "hotline")
    if SERVICE.fullmatch(text):
        return Phone(text, f"{compact[:3]}-{compact[3:6]}-{compact[6:]}", "service")
    if LANDLINE.fullmatch(text):
        return Phone(text, text, "landline")
    joined = _join_area_code(compact)
    if joined:
        return Phone(text, joined, "landline")
    if LOCAL.fullmatch(compact):
        return Phone(text, compact, "local")
    return Phone(text, text, "")


@functools.lru_cache(maxsize=4096)
def in_numbering_plan(normal: str) -> bool:
    """Whether a normalised landline, mobile or 400/800 number exists in China's numbering plan
    (hotlines and local numbers are not in libphonenumber's national plan: always True)."""
    area_code, dash, rest = normal.partition("-")
    if normal.startswith("0") and dash:
        national = area_code + rest.partition("-")[0]  # the extension is not part of the number
    elif MOBILE.fullmatch(normal) or SERVICE.fullmatch(normal):
        national = normal.replace("-", "")
    else:
        return True
    try:
        number = phonenumbers.parse(national, "CN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def local_lengths(area_code: str, local: str) -> list[int]:
    """The local number lengths (7 or 8) the plan allows after ``area_code``, tried with the
    written number's own leading digits; [] when the area code itself does not exist."""
    return [n for n in (7, 8) if in_numbering_plan(f"{area_code}-{local.ljust(n, '0')[:n]}")]


def _join_area_code(digits: str) -> str:
    """04124822110 → 0412-4822110, 02422345678 → 024-22345678: the area code is 3 digits for
    010 and 02x (China's only 3-digit codes) and 4 for every other, then 7 or 8 digits."""
    if not digits.isdigit() or not digits.startswith("0"):
        return ""
    area = 3 if digits[1:2] in ("1", "2") else 4
    rest = digits[area:]
    if len(rest) in (7, 8) and not rest.startswith("0"):
        return f"{digits[:area]}-{rest}"
    return ""
