"""The kiosk's drawing blocks with real fonts: CJK text (widths, 禁则 wrapping, ideographs centred),
board flowcharts drawn with pygame, QR codes, and read-aloud through espeak-ng."""

from __future__ import annotations

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")  # before pygame is imported: headless

import io
import logging
from pathlib import Path

import numpy as np
import pygame
import pytest
import segno
from conftest import POWER

from players.board.canvas import Fonts, Picture, Polygon, Rect, Text
from players.kiosk.draw import HIGH_CONTRAST, chart_surface, draw_shapes, qr_surface, text_px
from players.kiosk.fonts import KioskFonts
from players.kiosk.speech import Speaker, _mandarin_voice, truncate
from signage.diagrams.flowchart import Chart, layout_flowchart
from signage.text.linebreak import NO_LINE_END, NO_LINE_START

STEPS = POWER["flowchart"]["steps"]
PX_PER_MM = 8.0
ORIGIN = (30, 40)
NOTICE_TEXT = ("各股室：现将本局2026年度行政权力事项目录予以公布（详见附件《行政权力事项目录》），"
               "请遵照执行。咨询电话0412-4822301，监督电话0412-4822310；办理时限为10个工作日。")


@pytest.fixture(scope="module")
def kiosk_fonts() -> KioskFonts:
    return KioskFonts()


@pytest.fixture(scope="module")
def board_fonts() -> Fonts:
    return Fonts()


@pytest.fixture(scope="module")
def chart(board_fonts: Fonts) -> Chart:
    return layout_flowchart(STEPS, 110.0, board_fonts)


def ink(surface: pygame.Surface, dark: bool = True) -> np.ndarray:
    """(width, height) mask of dark pixels (or of light ones, for the high-contrast theme)."""
    rgb = pygame.surfarray.array3d(surface).astype(int).sum(axis=2)
    return rgb < 3 * 110 if dark else rgb > 3 * 145


def bbox(mask: np.ndarray) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the set pixels, right/bottom exclusive."""
    xs, ys = np.nonzero(mask)
    return xs.min(), ys.min(), xs.max() + 1, ys.max() + 1


def px_box(rect: Rect) -> tuple[int, int, int, int]:
    left, top = ORIGIN[0] + rect.x * PX_PER_MM, ORIGIN[1] + rect.y * PX_PER_MM
    return (round(left), round(top), round(left + rect.w * PX_PER_MM), round(top + rect.h * PX_PER_MM))


def drawn(shapes: list, size: tuple[int, int], fonts: KioskFonts, colours: dict | None = None,
          ground: tuple[int, int, int] = (255, 255, 255)) -> pygame.Surface:
    surface = pygame.Surface(size)
    surface.fill(ground)
    draw_shapes(surface, shapes, origin=ORIGIN, px_per_mm=PX_PER_MM, fonts=fonts, colours=colours)
    return surface


def chart_size(chart: Chart) -> tuple[int, int]:
    return (round(chart.width * PX_PER_MM) + 2 * ORIGIN[0], round(chart.height * PX_PER_MM) + 2 * ORIGIN[1])


# --------------------------------------------------------------------------- fonts


def test_widths_add_up(kiosk_fonts: KioskFonts) -> None:
    one, two = kiosk_fonts.width("政", 48), kiosk_fonts.width("政务", 48)
    assert one > 40 and abs(two - 2 * one) <= 1
    assert kiosk_fonts.width("政务", 48, bold=True) >= two - 2
    assert kiosk_fonts.width("", 48) == 0
    assert kiosk_fonts.width("政务公开", 24) < kiosk_fonts.width("政务公开", 48)
    assert kiosk_fonts.render("政务", 48, (0, 0, 0)).get_width() >= two - 1  # the surface holds the advance


def test_wrap_keeps_the_chinese_rules_and_the_width(kiosk_fonts: KioskFonts) -> None:
    for width in (200, 260, 330, 410, 520):
        lines = kiosk_fonts.wrap(NOTICE_TEXT, width, 30)
        assert len(lines) > 1
        # At 200 px a telephone number fills a line: its "，" then hangs past the edge
        # (signage.text.linebreak never starts a line with it), so only the rest must fit there.
        assert all(kiosk_fonts.width(line.rstrip("，；"), 30) <= width for line in lines)
        assert all(kiosk_fonts.width(line, 30) <= width for line in lines) or width < 230
        assert not any(line[0] in NO_LINE_START for line in lines[1:]), lines
        assert not any(line[-1] in NO_LINE_END for line in lines), lines
        assert "".join(lines) == NOTICE_TEXT
        assert any("0412-4822301" in line for line in lines)  # numbers stay whole


def test_ideographs_are_centred_in_the_line_box(kiosk_fonts: KioskFonts) -> None:
    for size in (18, 24, 32, 40, 57, 72, 96):
        line, baseline = kiosk_fonts.line_height(size), kiosk_fonts.baseline(size)
        ascent = kiosk_fonts.ascent(size)
        assert 0 < baseline < line and ascent >= baseline
        image = kiosk_fonts.render("国", size, (0, 0, 0))
        rows = np.nonzero(pygame.surfarray.array_alpha(image).max(axis=0) > 64)[0]
        top, bottom = rows.min() - (ascent - baseline), rows.max() + 1 - (ascent - baseline)
        assert top >= 0 and bottom <= line
        assert abs((top + bottom) / 2 - line / 2) <= 1, (size, top, bottom, line)


def test_render_is_anti_aliased_on_transparent_ground(kiosk_fonts: KioskFonts) -> None:
    image = kiosk_fonts.render("行政许可", 40, (255, 255, 255))
    alpha = pygame.surfarray.array_alpha(image)
    assert alpha[0, 0] == 0 and alpha.max() == 255
    assert ((alpha > 0) & (alpha < 255)).any()  # grey edges: anti-aliased
    rgb = pygame.surfarray.array3d(image)[alpha > 0]
    assert (rgb == 255).all()  # edges keep the colour; only alpha fades
    assert kiosk_fonts.render("行政许可", 40, (255, 255, 255)) is image  # cached


# --------------------------------------------------------------------------- flowcharts


def test_flowchart_draws_every_box_with_text_and_arrows(chart: Chart, kiosk_fonts: KioskFonts,
                                                        tmp_path: Path) -> None:
    surface = drawn(chart.shapes, chart_size(chart), kiosk_fonts)
    path = tmp_path / "flowchart.png"
    pygame.image.save(surface, str(path))
    assert path.stat().st_size > 5000
    dark = ink(pygame.image.load(str(path)))
    boxes = [s for s in chart.shapes if isinstance(s, Rect)]
    assert len(boxes) >= len(STEPS) + 2  # every step, 开始 and 结束
    for box in boxes:
        left, top, right, bottom = px_box(box)
        assert dark[(left + right) // 2, top:top + 3].any()  # the frame
        assert dark[left + 4:right - 4, top + 4:bottom - 4].sum() > 40  # the text inside
    heads = [s for s in chart.shapes if isinstance(s, Polygon) and s.stroke is None]
    assert len(heads) >= len(STEPS)
    for head in heads:
        cx = ORIGIN[0] + sum(x for x, _ in head.points) / 3 * PX_PER_MM
        cy = ORIGIN[1] + sum(y for _, y in head.points) / 3 * PX_PER_MM
        assert dark[round(cx), round(cy)], head


def test_flowchart_text_sits_inside_its_box(chart: Chart, kiosk_fonts: KioskFonts) -> None:
    size = chart_size(chart)
    boxes = [px_box(s) for s in chart.shapes if isinstance(s, Rect)]
    inside = 0
    for text in (s for s in chart.shapes if isinstance(s, Text)):
        left, top, right, bottom = bbox(ink(drawn([text], size, kiosk_fonts)))
        anchor = (ORIGIN[0] + text.x * PX_PER_MM, ORIGIN[1] + text.y * PX_PER_MM)
        assert abs(bottom - anchor[1]) <= 0.2 * text_px(text.size, PX_PER_MM)  # baseline on Text.y
        home = [b for b in boxes if b[0] <= anchor[0] <= b[2] and b[1] <= anchor[1] <= b[3]]
        if home:
            inside += 1
            box = home[0]
            assert box[0] < left and right < box[2] and box[1] < top and bottom < box[3], (text.text, box)
    assert inside >= 3 * len(STEPS)  # name, post and days of every step


def test_high_contrast_inverts_the_chart(chart: Chart, kiosk_fonts: KioskFonts, tmp_path: Path) -> None:
    surface = drawn(chart.shapes, chart_size(chart), kiosk_fonts, HIGH_CONTRAST, ground=(0, 0, 0))
    pygame.image.save(surface, str(tmp_path / "flowchart-high-contrast.png"))
    light = ink(surface, dark=False)
    for box in (s for s in chart.shapes if isinstance(s, Rect)):
        left, top, right, bottom = px_box(box)
        assert light[left + 4:right - 4, top + 4:bottom - 4].sum() > 40


def test_chart_surface_is_the_chart_on_white(kiosk_fonts: KioskFonts, board_fonts: Fonts) -> None:
    surface = chart_surface(STEPS, 900, 9.0, board_fonts, kiosk_fonts, size_pt=9.0)
    expected = layout_flowchart(STEPS, 100.0, board_fonts, size=9.0)
    assert surface.get_width() == 900
    assert abs(surface.get_height() - expected.height * 9.0) <= 1
    assert surface.get_at((0, 0))[:3] == (255, 255, 255)
    assert ink(surface).sum() > 5000


def test_pictures_are_enlarged_without_blur(kiosk_fonts: KioskFonts) -> None:
    buffer = io.BytesIO()
    segno.make("https://example.gov.cn/", error="m").save(buffer, kind="png", scale=1, border=4)
    surface = drawn([Picture(0, 0, 40, 40, buffer.getvalue())], (400, 400), kiosk_fonts)
    colours = {tuple(c) for c in pygame.surfarray.array3d(surface).reshape(-1, 3)}
    assert colours <= {(0, 0, 0), (255, 255, 255)}


# --------------------------------------------------------------------------- QR codes


def test_qr_surface_is_crisp_black_and_white_with_finder_patterns() -> None:
    surface = qr_surface("https://zwgk.taian.gov.cn/power/CSJ-XK-001", 330)
    assert surface.get_size() == (330, 330)
    rgb = pygame.surfarray.array3d(surface).reshape(-1, 3)
    assert {tuple(c) for c in rgb} <= {(0, 0, 0), (255, 255, 255)}
    dark = ink(surface)
    left, top, right, bottom = bbox(dark)
    assert right - left == bottom - top  # the symbol is square
    assert left >= 4 and top >= 4 and right <= 326 and bottom <= 326  # a quiet zone all round
    run = np.argmin(dark[left:, top])  # the top edge of the top-left finder: 7 modules dark
    module = run / 7
    assert module == int(module) and module >= 2
    for x0, y0 in ((left, top), (right - run, top), (left, bottom - run)):
        assert_finder(dark, x0, y0, int(module))


def assert_finder(dark: np.ndarray, x0: int, y0: int, module: int) -> None:
    """The 7×7 finder: dark ring, light ring, dark 3×3 centre (sampled at module centres)."""
    for row in range(7):
        for column in range(7):
            ring = max(abs(row - 3), abs(column - 3))
            expected = ring != 2
            at = (x0 + column * module + module // 2, y0 + row * module + module // 2)
            assert dark[at] == expected, (x0, y0, row, column)


# --------------------------------------------------------------------------- speech


def test_speak_writes_real_mandarin_audio(tmp_path: Path) -> None:
    """`make test` installs espeak-ng: never skipped."""
    speaker = Speaker()
    assert speaker.available and speaker.voice in ("cmn", "zh")
    wav = tmp_path / "x.wav"
    assert speaker.speak("行政许可", wav_path=wav)
    assert speaker.wait(20) and not speaker.speaking
    data = wav.read_bytes()
    assert data[:4] == b"RIFF" and data[8:12] == b"WAVE"
    samples = np.frombuffer(data[44:], dtype="<i2")
    assert len(samples) > 10_000 and np.abs(samples).max() > 1000  # about a second of real sound


def test_without_espeak_speech_is_off_and_quiet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                caplog: pytest.LogCaptureFixture) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    speaker = Speaker()
    assert not speaker.available
    with caplog.at_level(logging.WARNING, logger="players.kiosk.speech"):
        assert speaker.speak("行政许可") is False
        assert speaker.speak("行政许可") is False
        speaker.stop()
    assert not speaker.speaking
    assert len(caplog.records) == 1 and "apt-get install espeak-ng" in caplog.text


@pytest.mark.skipif(Path("/dev/snd").exists(), reason="this machine has a sound card")
def test_no_sound_device_is_reported_once(caplog: pytest.LogCaptureFixture) -> None:
    """The real espeak-ng on a box without a sound card (CI, a kiosk whose audio failed): ALSA
    errors on stderr and exit 0, at once. Reported once, however often a citizen taps 朗读."""
    speaker = Speaker(rate=150)
    assert speaker.available
    with caplog.at_level(logging.WARNING, logger="players.kiosk.speech"):
        for _ in range(3):
            assert speaker.speak("-行政许可")  # a leading "-" is text, not an option
            assert speaker.wait(20)
    assert len(caplog.records) == 1 and "no sound device" in caplog.text


def test_text_starting_with_a_dash_is_read_not_parsed(tmp_path: Path) -> None:
    speaker = Speaker(rate=150)
    wav = tmp_path / "dash.wav"
    assert speaker.speak("-行政许可", wav_path=wav) and speaker.wait(20)
    samples = np.frombuffer(wav.read_bytes()[44:], dtype="<i2")
    assert len(samples) > 5_000 and np.abs(samples).max() > 1000


def test_stop_ends_speech_without_waiting(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A long text takes the real espeak-ng seconds to synthesise; stop() ends it at once."""
    speaker = Speaker()
    wav = tmp_path / "long.wav"
    assert speaker.speak("申请人应当如实提交有关材料，并对材料的真实性负责。" * 60, wav_path=wav)
    process = speaker._current.process
    assert speaker.speaking
    with caplog.at_level(logging.WARNING, logger="players.kiosk.speech"):
        speaker.stop()
        assert not speaker.speaking
    assert process.wait(5) != 0  # terminated, not finished
    assert not caplog.records  # being stopped is not an error


def test_long_text_is_cut_at_a_sentence_end() -> None:
    sentence = "申请人应当如实提交有关材料，并对材料的真实性负责。"
    text = sentence * 200
    cut = truncate(text, 2000)
    assert len(cut) <= 2000 and cut.endswith("。") and text.startswith(cut)
    assert truncate("短句。", 2000) == "短句。"
    assert truncate("政" * 3000, 2000) == "政" * 2000  # no sentence end: cut hard


def test_mandarin_voice_table() -> None:
    header = "Pty Language       Age/Gender VoiceName          File                 Other Languages\n"
    assert _mandarin_voice(header + " 5  cmn  --/M  Chinese_(Mandarin) sit/cmn  (zh-cmn 5)(zh 5)\n") == "cmn"
    assert _mandarin_voice(header + " 5  zh  --/M  Mandarin  sit/zh\n") == "zh"  # older espeak-ng
    assert _mandarin_voice(header + " 5  zh  --/M  chinese-mb-cn1  mb/mb-cn1\n") is None  # needs MBROLA
    assert _mandarin_voice(header) is None


def test_a_rare_name_character_is_drawn_from_the_fallback_font(kiosk_fonts: KioskFonts) -> None:
    fonts = kiosk_fonts
    """𪚥 (CJK Extension B) is not in Noto Sans CJK: the kiosk draws it from a HanaMin font, as the
    boards do, instead of the .notdef box."""
    rare = "\U0002a6a5"
    runs = fonts.runs(f"王{rare}登记")
    assert [text for _, text in runs] == ["王", rare, "登记"]
    assert runs[1][0] in fonts.fallbacks and runs[0][0] == runs[2][0] == fonts.files[False]
    without = KioskFonts(fallbacks=())
    drawn, boxed = fonts.render(rare, 64, (0, 0, 0)), without.render(rare, 64, (0, 0, 0))

    def ink(surface: pygame.Surface) -> int:
        return sum(surface.get_at((x, y)).a > 128 for x in range(surface.get_width())
                   for y in range(surface.get_height()))

    assert ink(drawn) > ink(boxed)  # 𪚥 is four 龍: more ink than the .notdef box
    assert pygame.image.tobytes(drawn, "RGBA") != pygame.image.tobytes(boxed, "RGBA")
    assert fonts.width(f"王{rare}", 64) == fonts.width("王", 64) + drawn.get_width() - max(2, 64 // 8)
