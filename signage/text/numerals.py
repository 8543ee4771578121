"""Chinese numerals (二十六, 二○一○, 一百零五) to integers, and full-width digits to ASCII."""

from __future__ import annotations

_DIGITS = {"零": 0, "〇": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "两": 2, "三": 3,
           "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

CHINESE_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_UNITS) + "万"


def ascii_digits(text: str) -> str:
    """Replace full-width digits (０-９) with ASCII digits."""
    return text.translate(_FULLWIDTH_DIGITS)


def parse_chinese_number(text: str) -> int:
    """Value of a Chinese or Arabic numeral: 二十六 → 26, 一百零五 → 105, 二○一○ → 2010.

    A run of bare digits with no 十/百/千 is read digit by digit (years are written so).
    Raises ValueError for anything else.
    """
    text = ascii_digits(text.strip())
    if not text:
        raise ValueError("empty numeral")
    if text.isdigit():
        return int(text)
    if all(ch in _DIGITS for ch in text):
        return int("".join(str(_DIGITS[ch]) for ch in text))
    if "万" in text:
        high, _, low = text.partition("万")
        return parse_chinese_number(high or "一") * 10000 + (parse_chinese_number(low) if low else 0)
    total, digit = 0, None
    for ch in text:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _UNITS:
            total += (1 if digit is None else digit) * _UNITS[ch]
            digit = None
        else:
            raise ValueError(f"not a numeral: {text!r}")
    return total + (digit or 0)


def to_chinese(number: int) -> str:
    """1–99 as a Chinese numeral for list markers: 3 → 三, 12 → 十二, 20 → 二十, 45 → 四十五."""
    digits = "零一二三四五六七八九"
    if not 0 < number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    if tens == 0:
        return digits[ones]
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
