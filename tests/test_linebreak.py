"""Chinese line breaking: 禁则 kept, words and numbers whole, widths respected."""

from __future__ import annotations

import pytest
from PIL import ImageFont

from signage.text.fonts import find_cjk_font, load_pillow_font
from signage.text.linebreak import NO_LINE_END, NO_LINE_START, pieces, wrap

SAMPLE = ("对符合条件、材料齐全的申请事项，在承诺时限内办结；依据《中华人民共和国行政许可法》第四十二条，"
          "监督电话0412-4822310（工作日8:30—17:00），也可拨打12345政务服务便民热线。"
          "Notice board per GB/T 9704 standard.")


def _check_rules(lines: list[str]) -> None:
    for line in lines:
        assert line, "no empty lines inside a paragraph"
        assert line[0] not in NO_LINE_START, f"line starts with closing punctuation: {line!r}"
        assert line[-1] not in NO_LINE_END, f"line ends with opening punctuation: {line!r}"
        assert line == line.strip()


@pytest.mark.parametrize("width", range(4, 40))
def test_rules_hold_at_every_width(width: int) -> None:
    lines = wrap(SAMPLE, width)
    _check_rules(lines)
    assert "".join(lines).replace(" ", "") == SAMPLE.replace(" ", "")
    for word in ("0412-4822310", "12345", "8:30", "9704", "standard."):
        if len(word) + 1 <= width:  # (with punctuation glued to it) it fits a line: kept whole
            assert any(word in line for line in lines), f"{word} was split at width {width}"


def test_widths_are_respected_with_a_real_font() -> None:
    font: ImageFont.FreeTypeFont = load_pillow_font(find_cjk_font(), 24)
    lines = wrap(SAMPLE, 300, font.getlength)
    _check_rules(lines)
    assert all(font.getlength(line) <= 300 for line in lines)
    assert len(lines) >= 5


def test_punctuation_sticks_to_its_neighbours() -> None:
    assert pieces("办结。") == ["办", "结。"]
    assert pieces("《条例》") == ["《条", "例》"]
    assert pieces("电话0412-4822310，") == ["电", "话", "0412-4822310，"]


def test_hard_breaks_and_blank_lines_are_kept() -> None:
    assert wrap("第一段\n\n第二段", 10) == ["第一段", "", "第二段"]


def test_a_word_wider_than_the_line_is_cut() -> None:
    lines = wrap("https://www.taian.gov.cn/xzql/TXQ-XK-001", 10)
    assert all(len(line) <= 10 for line in lines)
    assert "".join(lines) == "https://www.taian.gov.cn/xzql/TXQ-XK-001"
