"""Font discovery and glyph coverage, against the real fonts of a Debian machine.

Needs fonts-noto-cjk, fonts-unifont and xfonts-wqy installed (as in CI and on players).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from signage.text import fonts
from signage.text.fonts import (
    FontFile,
    FontNotFoundError,
    find_bitmap_font,
    find_cjk_font,
    load_pillow_font,
    missing_glyphs,
)

NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
NOTO_BOLD = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
UNIFONT = Path("/usr/share/fonts/opentype/unifont/unifont.otf")
WQY_16PX = Path("/usr/share/fonts/X11/misc/wenquanyi_12pt.pcf")
WQY_12PX = Path("/usr/share/fonts/X11/misc/wenquanyi_9pt.pcf")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

COMMON = "政务公开监督电话0412"
EXT_B = "\U00020000"  # 𠀀, CJK Extension B: in neither Noto CJK nor the BMP-only LED fonts
EXT_G = "\U00030000"  # 𰀀, CJK Extension G (Unicode 13)
UNASSIGNED = "\u0378"  # Unifont draws a hex-code box here, not its .notdef


@pytest.fixture(autouse=True)
def _fresh_lookup(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No leftover environment or cached answer from another test."""
    monkeypatch.delenv(fonts.CJK_ENV, raising=False)
    monkeypatch.delenv(fonts.BITMAP_ENV, raising=False)
    fonts.clear_caches()
    yield
    fonts.clear_caches()


def family(font: FontFile) -> str:
    return load_pillow_font(font, 24).getname()[0]


def test_font_file_str_names_the_face() -> None:
    assert str(FontFile(NOTO, 2)) == f"{NOTO.as_posix()}#2"


def test_configured_noto_collection_picks_the_simplified_chinese_face() -> None:
    font = find_cjk_font(NOTO)
    assert font.path == NOTO
    assert font.index != 0  # face 0 is Japanese
    assert family(font) == "Noto Sans CJK SC"


def test_configured_path_may_be_a_string() -> None:
    assert find_cjk_font(str(NOTO)) == find_cjk_font(NOTO)


def test_search_finds_a_simplified_chinese_outline_font() -> None:
    font = find_cjk_font()
    assert "SC" in family(font).split()
    assert not missing_glyphs(font, COMMON)


def test_bold_search_finds_a_bold_simplified_chinese_face() -> None:
    font = find_cjk_font(bold=True)
    name, style = load_pillow_font(font, 24).getname()
    assert "SC" in name.split()
    assert style == "Bold"


def test_missing_configured_cjk_font_names_the_package(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.ttc"
    with pytest.raises(FontNotFoundError) as caught:
        find_cjk_font(missing)
    message = str(caught.value)
    assert str(missing) in message
    assert "apt-get install fonts-noto-cjk" in message


def test_missing_configured_bitmap_font_names_the_packages(tmp_path: Path) -> None:
    with pytest.raises(FontNotFoundError) as caught:
        find_bitmap_font(tmp_path / "nowhere.pcf")
    message = str(caught.value)
    assert "apt-get install fonts-unifont" in message
    assert "xfonts-wqy" in message


def test_bitmap_font_without_a_16px_strike_is_refused() -> None:
    with pytest.raises(FontNotFoundError, match="16 px"):
        find_bitmap_font(WQY_12PX)


def test_env_var_overrides_the_cjk_search(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fonts.CJK_ENV, str(NOTO_BOLD))
    font = find_cjk_font()
    assert font.path == NOTO_BOLD
    assert family(font) == "Noto Sans CJK SC"


def test_env_var_overrides_the_bitmap_search(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fonts.BITMAP_ENV, str(WQY_16PX))
    assert find_bitmap_font() == FontFile(WQY_16PX, 0)


def test_configured_path_beats_the_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(fonts.BITMAP_ENV, str(WQY_16PX))
    assert find_bitmap_font(UNIFONT).path == UNIFONT


def test_env_var_pointing_nowhere_is_an_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(fonts.CJK_ENV, str(tmp_path / "gone.otf"))
    with pytest.raises(FontNotFoundError, match=fonts.CJK_ENV):
        find_cjk_font()


def test_nothing_installed_lists_what_was_searched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")  # no fc-match
    monkeypatch.setattr(fonts, "KNOWN_CJK_FONTS", ("/nonexistent/NotoSansCJK-Regular.ttc",))
    monkeypatch.setattr(fonts, "KNOWN_BITMAP_FONTS", ())
    monkeypatch.setattr(fonts, "BITMAP_SEARCH_ROOTS", ("/nonexistent",))
    with pytest.raises(FontNotFoundError) as outline:
        find_cjk_font()
    assert "/nonexistent/NotoSansCJK-Regular.ttc" in str(outline.value)
    assert "apt-get install fonts-noto-cjk" in str(outline.value)
    assert "中文字体" in str(outline.value)
    with pytest.raises(FontNotFoundError) as bitmap:
        find_bitmap_font()
    assert "/nonexistent/*/*/unifont.*" in str(bitmap.value)
    assert "apt-get install fonts-unifont" in str(bitmap.value)


def test_bitmap_search_prefers_unifont() -> None:
    assert find_bitmap_font() == FontFile(UNIFONT, 0)


@pytest.mark.parametrize("path", [UNIFONT, WQY_16PX], ids=["unifont", "wqy"])
def test_bitmap_font_draws_each_glyph_inside_16_rows(path: Path) -> None:
    font = load_pillow_font(find_bitmap_font(path), 16)
    for char in "政务公开":
        left, top, right, bottom = font.getbbox(char)
        assert 0 <= top < bottom <= 16, char
        assert right - left > 8, char  # a full-width ideograph, not a narrow tofu
        cell = Image.new("1", (16, 16))
        ImageDraw.Draw(cell).text((0, 0), char, font=font, fill=1)
        assert cell.getbbox() is not None, char


@pytest.mark.parametrize("path", [UNIFONT, WQY_16PX], ids=["unifont", "wqy"])
def test_bitmap_font_renders_pure_on_off_pixels(path: Path) -> None:
    """No anti-aliased grey: each LED lamp is either lit or dark."""
    mask = load_pillow_font(find_bitmap_font(path), 16).getmask("政务公开", mode="L")
    assert set(mask) == {0, 255}


@pytest.mark.parametrize("finder", [find_cjk_font, find_bitmap_font], ids=["outline", "led"])
def test_covers_reports_rare_and_unassigned_characters(finder: Callable[[], FontFile]) -> None:
    font = finder()
    assert missing_glyphs(font, COMMON + EXT_B + EXT_G + UNASSIGNED) == {EXT_B, EXT_G, UNASSIGNED}


@pytest.mark.parametrize("path", [NOTO, UNIFONT, WQY_16PX], ids=["noto", "unifont", "wqy"])
def test_covers_finds_common_text_complete(path: Path) -> None:
    font = find_bitmap_font(path) if path != NOTO else find_cjk_font(path)
    assert missing_glyphs(font, COMMON) == set()
    assert missing_glyphs(font, "政务 公开\u3000") == set()  # blank glyphs are not tofu


def test_covers_reports_chinese_missing_from_a_latin_font() -> None:
    latin = FontFile(DEJAVU, 0)
    assert missing_glyphs(latin, "电话0412") == {"电", "话"}


def test_covers_is_cached_per_character() -> None:
    font = find_bitmap_font()
    missing_glyphs(font, COMMON)
    hits = fonts._glyph_missing.cache_info().hits
    missing_glyphs(font, COMMON)
    assert fonts._glyph_missing.cache_info().hits == hits + len(set(COMMON))
