"""Dates as Chinese documents write them: 2010-05-26, 2010年5月26日, 二○一○年五月二十六日."""

from __future__ import annotations

import datetime as dt
import re

from signage.text.numerals import CHINESE_NUMERAL_CHARS, ascii_digits, parse_chinese_number

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_CN = re.compile(rf"([\d{CHINESE_NUMERAL_CHARS}]{{4}})年([\d{CHINESE_NUMERAL_CHARS}]{{1,3}})月"
                 rf"([\d{CHINESE_NUMERAL_CHARS}]{{1,4}})日")


def parse_date(text: str) -> dt.date:
    """Parse one date; raises ValueError saying what is wrong (bad format or no such day)."""
    cleaned = ascii_digits(text.strip()).replace(" ", "")
    match = _ISO.fullmatch(cleaned)
    if match:
        year, month, day = (int(g) for g in match.groups())
    else:
        match = _CN.fullmatch(cleaned)
        if not match:
            raise ValueError("格式无法识别")
        year, month, day = (parse_chinese_number(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"{year}年{month}月{day}日不存在") from None


def format_date(date: dt.date) -> str:
    """GB/T 9704 style: 2026年11月27日 (Arabic numerals, no leading zeros)."""
    return f"{date.year}年{date.month}月{date.day}日"
