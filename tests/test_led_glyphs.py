"""GK-LED-001/002: characters the LED sign's bitmap font cannot draw, and the no-font notice.

Needs fonts-unifont installed (as in CI and on players), like tests/test_fonts.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ANNOUNCEMENT, NOTICE, POWER, SAMPLE_CONTENT, TODAY, UNIT, ContentFactory, patched

from signage.catalogue.checking import Checker, CheckResult, check_content
from signage.catalogue.findings import Finding, Severity
from signage.catalogue.rules import led_glyphs
from signage.text import fonts

UNIFONT = Path("/usr/share/fonts/opentype/unifont/unifont.otf")
RARE = "\U0002c317"  # 𬌗, CJK Extension E: beyond Unifont's BMP coverage
EMOJI = "\U0001f6a7"  # 🚧


@pytest.fixture(autouse=True)
def _fresh_fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The default font search, with no answer cached by another test."""
    monkeypatch.delenv(fonts.BITMAP_ENV, raising=False)
    fonts.clear_caches()
    led_glyphs._led_font.cache_clear()
    yield
    fonts.clear_caches()
    led_glyphs._led_font.cache_clear()


def led(result: CheckResult, rule_id: str = "GK-LED-001") -> list[Finding]:
    return [f for f in result.findings if f.rule.id == rule_id]


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


def test_unifont_really_lacks_the_test_characters() -> None:
    font = fonts.FontFile(UNIFONT)
    assert fonts.missing_glyphs(font, f"䶮{RARE}{EMOJI}政务") == {RARE, EMOJI}
    assert fonts.find_bitmap_font() == font


def test_rare_character_in_a_name_is_flagged(check: Callable[..., CheckResult],
                                             content: ContentFactory) -> None:
    name = f"王{RARE}个体工商户登记"
    found = led(check(powers=[patched(POWER, {"name": name})]))
    assert len(found) == 1
    finding = found[0]
    powers = content.root / "units" / "demo" / "powers.yaml"
    assert finding.severity is Severity.WARNING
    assert (finding.field, finding.unit_id, finding.subject) == ("name", "demo", POWER["code"])
    assert finding.location.file == "units/demo/powers.yaml"
    assert finding.location.line == line_of(powers, name)
    assert f"“{RARE}” U+2C317" in finding.message
    assert "unifont.otf" in finding.message
    assert "拼音" in finding.advice and "电子触摸屏和公开栏" in finding.advice


def test_each_field_and_character_is_named_once(check: Callable[..., CheckResult]) -> None:
    power = patched(POWER, {"department": f"{RARE}{EMOJI}股{RARE}",
                            "supervision_phone": f"0412-4822310{EMOJI}"})
    found = {f.field: f.message for f in led(check(powers=[power]))}
    assert set(found) == {"department", "supervision_phone"}
    assert f"“{RARE}” U+2C317、“{EMOJI}” U+1F6A7。" in found["department"]
    assert found["department"].count("U+2C317") == 1


def test_emoji_in_an_announcement_is_flagged(check: Callable[..., CheckResult]) -> None:
    text = f"{EMOJI}道路施工，请绕行东门进入政务服务中心。"
    found = led(check(announcements=[patched(ANNOUNCEMENT, {"text": text})]))
    assert [(f.field, f.subject) for f in found] == [("text", ANNOUNCEMENT["id"])]
    assert "U+1F6A7" in found[0].message


def test_unit_names_and_notice_titles_are_checked(check: Callable[..., CheckResult]) -> None:
    result = check(unit=patched(UNIT, {"short_name": f"测试{RARE}局"}),
                   notices=[patched(NOTICE, {"title": f"关于{RARE}村道路维修的通知"})])
    assert sorted((f.field, f.subject) for f in led(result)) == [
        ("short_name", "demo"), ("title", NOTICE["doc_number"])]


def test_content_not_shown_on_led_is_not_flagged(check: Callable[..., CheckResult]) -> None:
    power = patched(POWER, {"name": f"王{RARE}个体工商户登记", "channels": ["kiosk", "board"]})
    announcement = patched(ANNOUNCEMENT, {"text": f"{EMOJI}暂停办公", "channels": ["kiosk"]})
    assert led(check(powers=[power], announcements=[announcement])) == []


def test_common_text_is_not_flagged(check: Callable[..., CheckResult]) -> None:
    assert check().findings == []
    assert led(check_content(SAMPLE_CONTENT, today=TODAY)) == []


def test_without_a_bitmap_font_one_notice_per_check(check: Callable[..., CheckResult],
                                                    content: ContentFactory, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "no-such-font.otf"
    monkeypatch.setenv(fonts.BITMAP_ENV, str(missing))
    fonts.clear_caches()
    parts: dict[str, Any] = {"powers": [patched(POWER, {"name": f"王{RARE}个体工商户登记"}),
                                        patched(POWER, {"code": "CSJ-XK-002", "name": "另一事项"})]}
    result = check(**parts)
    assert led(result) == []  # nothing could be checked …
    notices = led(result, "GK-LED-002")
    assert len(notices) == 1  # … and the check says so, once
    notice = notices[0]
    assert notice.severity is Severity.INFO and not notice.is_error
    assert notice.location.file == "county.yaml" and notice.unit_id is None
    assert str(missing) in notice.message
    assert "apt-get install fonts-unifont" in notice.advice
    checker = Checker(content.root)  # re-checks (with unit findings kept) still say so
    assert [len(led(checker.check(TODAY), "GK-LED-002")) for _ in range(2)] == [1, 1]


def test_no_notice_when_the_font_is_found(check: Callable[..., CheckResult]) -> None:
    assert led(check(), "GK-LED-002") == []


def test_undrawable_keeps_order_and_remembers_drawable_text() -> None:
    font = fonts.FontFile(UNIFONT)
    assert led_glyphs.undrawable(font, f"{EMOJI}甲{RARE}乙{EMOJI}") == [EMOJI, RARE]
    assert led_glyphs.undrawable(font, "甲乙") == []
    assert {"甲", "乙"} <= led_glyphs._DRAWABLE[font]
