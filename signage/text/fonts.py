"""Find the CJK fonts the renderers need, and tell which characters a font cannot draw.

Two kinds of font are needed:

* an *outline* font (kiosks, PDF boards) that scales to any size: Noto Sans CJK SC on
  Debian, Microsoft YaHei on Windows, PingFang on macOS;
* a *16-px bitmap* font for LED rows, where every pixel is one lamp and anti-aliased grey
  would be lost: GNU Unifont or WenQuanYi Bitmap Song.

Every font is opened through Pillow's FreeType binding (``ImageFont.truetype``), which also
reads PCF/BDF bitmap fonts (gzipped too).  Pillow's own ``PcfFontFile`` is no use here: it
converts to Pillow's legacy bitmap format, which holds only 256 glyphs.

Lookups are cached for the life of the process; call :func:`clear_caches` after installing
fonts in a long-running player.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

CJK_ENV = "SIGNAGE_CJK_FONT"
BITMAP_ENV = "SIGNAGE_BITMAP_FONT"
LED_ROWS = 16

CJK_PACKAGE = "fonts-noto-cjk"
BITMAP_PACKAGES = ("fonts-unifont", "xfonts-wqy")

# Fonts known to carry Simplified Chinese, most preferred first.  Paths for other systems
# are harmless on Debian: they simply do not exist.
KNOWN_CJK_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "C:/Windows/Fonts/simsun.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
)
# Tried before KNOWN_CJK_FONTS when bold is asked for; a regular face beats no sign at all.
KNOWN_CJK_BOLD_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Bold.ttc",
    "C:/Windows/Fonts/msyhbd.ttc",
)
# Unifont first: it has a 16x16 glyph for every CJK ideograph in the BMP (including
# Extension A), while WenQuanYi Bitmap Song stops at roughly GBK.
KNOWN_BITMAP_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/opentype/unifont/unifont.otf",  # fonts-unifont, Debian 11 and later
    "/usr/share/fonts/truetype/unifont/unifont.ttf",  # fonts-unifont, older releases
    "/usr/share/fonts/X11/misc/unifont.pcf.gz",  # xfonts-unifont
    "/usr/share/fonts/X11/misc/wenquanyi_12pt.pcf",  # xfonts-wqy: the 16-px strike
)
# The outline renderers' fallback chain, after the CJK font: Noto Sans CJK stops at the BMP and
# Extension A, so a rare character of a name (𠀾, Extension B) would print as nothing. HanaMin A
# covers the BMP's rarities, HanaMin B the supplementary ideographic plane (Extensions B–F).
FALLBACK_ENV = "SIGNAGE_FALLBACK_FONTS"  # paths separated by os.pathsep, before the known ones
FALLBACK_PACKAGES = ("fonts-hanazono",)
KNOWN_FALLBACK_FONTS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",
    "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
)
# Searched (two levels deep) when none of the known bitmap files is present.
BITMAP_SEARCH_ROOTS: tuple[str, ...] = ("/usr/share/fonts", "/usr/local/share/fonts")
BITMAP_GLOBS = ("*/*/unifont.*", "*/*/wenquanyi_*")

_FC_PATTERN = "Noto Sans CJK SC:lang=zh-cn"
_PROBE_CHAR = "政"
_NONCHARACTER = "\U0010ffff"  # never mapped by any font, so it always draws .notdef
_SIMPLIFIED_NAME = re.compile(r"\b(SC|GB|CN)\b|Simplified|简")
_COLLECTION_LIMIT = 64
_NEVER_MISSING = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})


class FontNotFoundError(Exception):
    """No usable font: the message says what was searched and what to install."""


@dataclass(frozen=True)
class FontFile:
    """A font file plus the face to use inside it (TTC collections hold several)."""

    path: Path
    index: int = 0

    def __str__(self) -> str:
        return f"{self.path.as_posix()}#{self.index}"


# --------------------------------------------------------------------------- public API


def find_cjk_font(configured: Path | str | None = None, *, bold: bool = False) -> FontFile:
    """The outline font for Simplified Chinese text.

    Order: ``configured`` (an error if missing), ``$SIGNAGE_CJK_FONT``, fontconfig, then
    well-known paths on Debian, Windows and macOS.
    """
    return _find_cjk_font(_as_path(configured), _env_path(CJK_ENV), bold)


def find_bitmap_font(configured: Path | str | None = None) -> FontFile:
    """The 16-px bitmap font for LED rows.

    Order: ``configured``, ``$SIGNAGE_BITMAP_FONT``, GNU Unifont, WenQuanYi Bitmap Song.
    Only fonts FreeType can draw at exactly 16 px are accepted, because an LED row is 16
    lamps high: Unifont's OTF has pixel-square outlines on a 16-unit grid, so at 16 px it
    renders pure on/off pixels; ``wenquanyi_12pt.pcf`` is a 16-px strike (12 pt at 96 dpi).
    """
    return _find_bitmap_font(_as_path(configured), _env_path(BITMAP_ENV))


def find_fallback_fonts() -> tuple[FontFile, ...]:
    """The outline fallback fonts that are installed, in the order they are tried."""
    return _find_fallback_fonts(os.environ.get(FALLBACK_ENV, ""))


def outline_chain(primary: FontFile | None = None, *, bold: bool = False) -> tuple[FontFile, ...]:
    """The outline font (``primary`` or the CJK font) followed by the fallback fonts."""
    return (primary or find_cjk_font(bold=bold), *find_fallback_fonts())


def font_runs(chain: tuple[FontFile, ...], text: str) -> list[tuple[FontFile, str]]:
    """``text`` cut into runs, each with the first font of ``chain`` that draws its characters
    (a character no font draws stays with the first font, which draws its .notdef box)."""
    primary = chain[0]
    drawable = _DRAWN_BY.setdefault(primary, set())
    if len(chain) == 1 or drawable.issuperset(text):
        return [(primary, text)] if text else []
    runs: list[tuple[FontFile, str]] = []
    for char in text:
        font = _first_drawing(chain, char)
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + char)
        else:
            runs.append((font, char))
    return runs


def undrawable_by_chain(chain: tuple[FontFile, ...], text: str) -> list[str]:
    """The characters of ``text`` that no font of ``chain`` draws, each once, in order."""
    drawable = _DRAWN_BY.setdefault(chain, set())
    if drawable.issuperset(text):
        return []
    missing = [char for char in dict.fromkeys(text)
               if all(_glyph_missing(font, char) for font in chain)]
    drawable.update(set(text) - set(missing))
    return missing


_DRAWN_BY: dict[object, set[str]] = {}  # font or chain → characters known to draw


def _first_drawing(chain: tuple[FontFile, ...], char: str) -> FontFile:
    drawable = _DRAWN_BY.setdefault(chain[0], set())
    if char in drawable or not _glyph_missing(chain[0], char):
        drawable.add(char)
        return chain[0]
    return next((font for font in chain[1:] if not _glyph_missing(font, char)), chain[0])


@functools.cache
def _find_fallback_fonts(from_env: str) -> tuple[FontFile, ...]:
    paths = [Path(p) for p in from_env.split(os.pathsep) if p] + [Path(p) for p in KNOWN_FALLBACK_FONTS]
    found = [FontFile(path) for path in dict.fromkeys(paths) if path.is_file()]
    return tuple(font for font in found if _opens(font))


def _opens(font: FontFile) -> bool:
    try:
        _load(font, 16)
    except OSError:
        return False
    return True


def load_pillow_font(font: FontFile, size: int) -> ImageFont.FreeTypeFont:
    """Open ``font`` at ``size`` px.  Shared and cached, so do not mutate the result."""
    return _load(font, size)


def missing_glyphs(font: FontFile, text: str) -> set[str]:
    """The characters of ``text`` that ``font`` has NO glyph for (despite the name).

    fontTools is not a dependency, so this renders each character once (cached) and
    compares it with the font's .notdef ("tofu") rendering.  Unassigned code points
    also count as missing: Unifont draws a different hex-code box for each of them,
    which no single reference bitmap could catch.  Whitespace and control/format
    characters never count: they draw nothing on purpose.
    """
    return {char for char in set(text) if _glyph_missing(font, char)}


def clear_caches() -> None:
    """Forget every lookup, e.g. after fonts were installed while a player runs."""
    for cached in (_find_cjk_font, _find_bitmap_font, _sc_face_index, _load, _probe_font,
                   _glyph_missing, _notdef_signature, _find_fallback_fonts):
        cached.cache_clear()
    _DRAWN_BY.clear()


# --------------------------------------------------------------------------- outline font


@functools.cache
def _find_cjk_font(configured: Path | None, from_env: Path | None, bold: bool) -> FontFile:
    if configured is not None:
        return _explicit_outline(configured, "the configured path")
    if from_env is not None:
        return _explicit_outline(from_env, f"${CJK_ENV}")
    for candidate in _cjk_candidates(bold):
        if _is_cjk_outline(candidate):
            return candidate
    raise FontNotFoundError(_cjk_search_failed(bold))


def _explicit_outline(path: Path, source: str) -> FontFile:
    """A font the user chose: it must exist and open, but is trusted to be CJK."""
    if not path.is_file():
        raise FontNotFoundError(_missing_file(path, source, "CJK", (CJK_PACKAGE,)))
    font = FontFile(path, _sc_face_index(path))
    try:
        _load(font, 24)
    except OSError as exc:
        raise FontNotFoundError(
            f"Cannot open CJK font {path} (from {source}): {exc}. "
            f"Use an OTF/TTF/TTC font, e.g. from: apt-get install {CJK_PACKAGE} "
            "（字体文件无法打开）"
        ) from None
    return font


def _cjk_candidates(bold: bool) -> Iterator[FontFile]:
    """Fontconfig's choice first (it knows fonts in odd places), then the known paths."""
    matched = _fontconfig_match(_FC_PATTERN + (":weight=bold" if bold else ""))
    if matched is not None:
        yield matched
    for name in (*KNOWN_CJK_BOLD_FONTS, *KNOWN_CJK_FONTS) if bold else KNOWN_CJK_FONTS:
        path = Path(name)
        if path.is_file():
            yield FontFile(path, _sc_face_index(path))


def _fontconfig_match(pattern: str) -> FontFile | None:
    """Ask ``fc-match``; None when fontconfig is absent or answers nothing."""
    try:
        done = subprocess.run(
            ["fc-match", "-f", "%{file}|%{index}", pattern],
            capture_output=True, text=True, timeout=10, check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    file, _, index = done.stdout.strip().rpartition("|")
    if not file:
        return None
    return FontFile(Path(file), int(index) if index.isdigit() else 0)


def _is_cjk_outline(font: FontFile) -> bool:
    """Scalable (fontconfig may offer a bitmap-only font) and really draws Chinese.

    fontconfig falls back to DejaVu or similar when no CJK font is installed, so its
    answer is only taken when '政' differs from the tofu glyph.
    """
    try:
        _load(font, 48)
    except OSError:
        return False
    return not _glyph_missing(font, _PROBE_CHAR)


@functools.cache
def _sc_face_index(path: Path) -> int:
    """The Simplified Chinese face of a collection, 0 for anything else.

    Face order differs between collections (Debian's NotoSansCJK-*.ttc holds JP, KR,
    SC, TC, HK, so index 0 would draw Japanese glyph shapes), hence read the names.
    """
    for index, family in _face_families(path):
        if _SIMPLIFIED_NAME.search(family):
            return index
    return 0


def _face_families(path: Path) -> Iterator[tuple[int, str]]:
    """(index, family name) of each face, until FreeType reports no more faces."""
    for index in range(_COLLECTION_LIMIT):
        try:
            family, _style = ImageFont.truetype(str(path), 24, index=index).getname()
        except OSError:
            return
        yield index, family or ""


# --------------------------------------------------------------------------- bitmap font


@functools.cache
def _find_bitmap_font(configured: Path | None, from_env: Path | None) -> FontFile:
    if configured is not None:
        return _explicit_bitmap(configured, "the configured path")
    if from_env is not None:
        return _explicit_bitmap(from_env, f"${BITMAP_ENV}")
    for path in _bitmap_candidates():
        font = FontFile(path)
        if _draws_led_rows(font):
            return font
    raise FontNotFoundError(_bitmap_search_failed())


def _explicit_bitmap(path: Path, source: str) -> FontFile:
    """A font the user chose: it must exist and be drawable at exactly 16 px."""
    if not path.is_file():
        raise FontNotFoundError(_missing_file(path, source, "Bitmap", BITMAP_PACKAGES))
    font = FontFile(path, _sc_face_index(path))
    try:
        _load(font, LED_ROWS)
    except OSError as exc:
        raise FontNotFoundError(
            f"Cannot draw bitmap font {path} (from {source}) at {LED_ROWS} px: {exc}. "
            f"A PCF/BDF font needs a {LED_ROWS}-px strike; Unifont has one: "
            f"apt-get install {BITMAP_PACKAGES[0]} （该字体不能以16像素显示）"
        ) from None
    return font


def _bitmap_candidates() -> Iterator[Path]:
    """Known files first, then whatever Unifont/WenQuanYi files sit under the font roots."""
    seen: set[Path] = set()
    known = (Path(name) for name in KNOWN_BITMAP_FONTS)
    found = (path for root in BITMAP_SEARCH_ROOTS for pattern in BITMAP_GLOBS
             for path in sorted(Path(root).glob(pattern)))
    for path in (*known, *found):
        if path not in seen and path.is_file():
            seen.add(path)
            yield path


def _draws_led_rows(font: FontFile) -> bool:
    """Opens at 16 px and draws '政' inside the 16 rows of an LED line."""
    try:
        loaded = _load(font, LED_ROWS)
    except OSError:  # e.g. wenquanyi_9pt.pcf only has a 12-px strike
        return False
    top, bottom = loaded.getbbox(_PROBE_CHAR)[1::2]
    return top >= 0 and bottom <= LED_ROWS and not _glyph_missing(font, _PROBE_CHAR)


# --------------------------------------------------------------------------- coverage


@functools.lru_cache(maxsize=64)
def _load(font: FontFile, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font.path), size, index=font.index)


@functools.cache
def _probe_font(font: FontFile) -> ImageFont.FreeTypeFont:
    """The font at 16 px, or at any size a fixed-strike bitmap font offers."""
    for size in (LED_ROWS, *range(8, 65)):
        try:
            return _load(font, size)
        except OSError:
            continue
    raise FontNotFoundError(f"Cannot open font {font} at any size from 8 to 64 px")


_Signature = tuple[tuple[int, int], tuple[int, int], bytes, float]


def _signature(font: FontFile, char: str) -> _Signature:
    """What FreeType draws for ``char``: enough to tell two glyphs apart."""
    loaded = _probe_font(font)
    mask, offset = loaded.getmask2(char, mode="L")
    return mask.size, offset, bytes(mask), loaded.getlength(char)


@functools.cache
def _notdef_signature(font: FontFile) -> _Signature:
    return _signature(font, _NONCHARACTER)


@functools.cache
def _glyph_missing(font: FontFile, char: str) -> bool:
    category = unicodedata.category(char)
    if category in _NEVER_MISSING:
        return False
    if category in ("Cn", "Cs"):  # unassigned (per Python's Unicode version) or surrogate
        return True
    return _signature(font, char) == _notdef_signature(font)


# --------------------------------------------------------------------------- messages


def _as_path(value: Path | str | None) -> Path | None:
    return None if value is None or str(value) == "" else Path(value).expanduser()


def _env_path(name: str) -> Path | None:
    return _as_path(os.environ.get(name))


def _missing_file(path: Path, source: str, kind: str, packages: Iterable[str]) -> str:
    install = " or ".join(f"apt-get install {package}" for package in packages)
    return (
        f"{kind} font file not found: {path} (from {source}). Fix the path, or install "
        f"a font with: {install} （找不到字体文件，请检查路径或安装字体）"
    )


def _search_failed(what: str, searched: Iterable[str], fix: str, gloss: str) -> str:
    lines = "\n".join(f"  - {item}" for item in searched)
    return f"No {what} found. Searched:\n{lines}\n{fix}\n{gloss}"


def _cjk_search_failed(bold: bool) -> str:
    pattern = _FC_PATTERN + (":weight=bold" if bold else "")
    known = (*KNOWN_CJK_BOLD_FONTS, *KNOWN_CJK_FONTS) if bold else KNOWN_CJK_FONTS
    return _search_failed(
        "CJK outline font",
        (f"${CJK_ENV} (not set)", f"fontconfig: fc-match '{pattern}' (none that draws 政)",
         *known),
        f"Install one with: apt-get install {CJK_PACKAGE} "
        f"(or pass --cjk PATH, or set {CJK_ENV}=PATH).",
        f"未找到中文字体，请安装：apt-get install {CJK_PACKAGE}",
    )


def _bitmap_search_failed() -> str:
    globs = (f"{root}/{pattern}" for root in BITMAP_SEARCH_ROOTS for pattern in BITMAP_GLOBS)
    return _search_failed(
        f"{LED_ROWS}-px bitmap CJK font",
        (f"${BITMAP_ENV} (not set)", *KNOWN_BITMAP_FONTS, *globs),
        f"Install one with: apt-get install {BITMAP_PACKAGES[0]} "
        f"or apt-get install {BITMAP_PACKAGES[1]} "
        f"(or pass --bitmap PATH, or set {BITMAP_ENV}=PATH).",
        f"未找到16像素点阵中文字体，请安装 {BITMAP_PACKAGES[0]} 或 {BITMAP_PACKAGES[1]}",
    )
