"""The LED renderer on its own: glyphs, strips, motion by the clock, paging, preemption, outputs."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import numpy as np
import pytest
from PIL import Image

from players.led.compose import Composer, Item, Painter
from players.led.glyphs import GlyphSet, Run
from players.led.layout import LayoutError, parse_layout
from players.led.outputs.preview import PreviewOutput, record, save_animation
from players.led.renderer import LedRenderer
from players.led.text import entry_runs, fill_template
from players.plan import Entry, Plan
from signage.text.linebreak import NO_LINE_END, NO_LINE_START

NOON = dt.datetime(2026, 11, 27, 12, 0)
# GNU Unifont's 16×16 bitmap of 政 (U+653F): every font pixel is one lamp.
ZHENG = """\
..........#.....
..........#.....
########..#.....
....#.....#####.
....#....#...#..
....#....#...#..
.#..#....#...#..
.#..###.#.#..#..
.#..#.....#.#...
.#..#.....#.#...
.#..#......#....
.#..#......#....
.#..####..#.#...
####.....#..#...
........#....#..
.......#......#.
"""


def mono_layout(**extra: Any) -> dict[str, Any]:
    return {"id": "t96", "kind": "led", "width": 96, "height": 16, "colour": "mono",
            "speed": 32, "separator": "", "gap": 0, **extra}


def power(key: str, name: str, **data: Any) -> Entry:
    fields = {"name": name, "power_type": "行政许可", "department": "审批股",
              "supervision_phone": "0412-4822110", **data}
    return Entry("powers", "u1", key, f"ref-{key}", fields)


def urgent(key: str, text: str) -> Entry:
    return Entry("announcements", "u1", key, f"ref-{key}", {"text": text}, urgent=True)


def plan_of(entries: list[Entry], layout: dict[str, Any], version: int = 1) -> Plan:
    return Plan(version, "s1", "led", "", layout, {}, {"u1": {"name": "测试局"}}, tuple(entries),
                f"plan-{version}", frozenset())


def as_text(mask: np.ndarray) -> str:
    return "".join("".join("#" if v else "." for v in row) + "\n" for row in mask)


class ListSource:
    """A playlist over a fixed list, counting how many items were fetched."""

    def __init__(self, entries: list[Entry], template: str = "{name}") -> None:
        self.cycle = itertools.cycle(entries)
        self.template = template
        self.fetched = 0

    def __call__(self) -> Item:
        self.fetched += 1
        entry = next(self.cycle)
        return Item(entry, tuple(entry_runs(entry, self.template)))


# -- glyphs ---------------------------------------------------------------------------------


def test_bitmap_glyph_is_the_fonts_own_pixels() -> None:
    glyphs = GlyphSet()
    assert as_text(glyphs.mask("政")) == ZHENG
    assert glyphs.mask("A").shape == (16, 8)  # Latin is half width in Unifont


def test_missing_character_is_a_visible_placeholder_not_a_blank() -> None:
    glyphs = GlyphSet()
    box = glyphs.mask("\U0002c317")  # CJK Ext-E: beyond Unifont's plane 0
    assert box.sum() > 20 and box[1].any() and box[:, 1].any()
    assert "\U0002c317" in glyphs.placeholders


def test_outline_rows_have_no_grey_and_centre_ideographs() -> None:
    layout = parse_layout({"id": "rgb", "width": 64, "height": 32, "colour": "rgb"})
    painter = Painter(layout, 32)
    strip = painter.strip([Run("政务公开", "text")])
    assert strip.shape[0] == 32
    colours = {tuple(c) for c in strip.reshape(-1, 3)}
    assert colours <= {(0, 0, 0), layout.colour_of("text")}  # lamps on or off, never grey
    rows = np.flatnonzero(strip.any(axis=(1, 2)))
    top_gap, bottom_gap = rows[0], 31 - rows[-1]
    assert abs(top_gap - bottom_gap) <= 2


# -- template and colours -------------------------------------------------------------------


def test_template_drops_parts_whose_fields_are_empty() -> None:
    template = "【{type}】{name} · {department} · 监督电话 {supervision_phone}"
    text = fill_template(template, {"type": "行政许可", "name": "取水许可", "department": "",
                                    "supervision_phone": "0412-1"})
    assert text == "【行政许可】取水许可 · 监督电话 0412-1"


def test_type_tag_in_the_second_colour_on_a_dual_sign() -> None:
    layout = parse_layout({**mono_layout(), "colour": "dual", "colours": {"text": "red", "tag": "green"}})
    runs = entry_runs(power("a", "取水许可"), layout.template)
    assert runs[0] == Run("【行政许可】", "tag")
    strip = Painter(layout, 16).strip(runs)
    tag_width = GlyphSet().width("【行政许可】")
    assert set(map(tuple, strip[:, :tag_width].reshape(-1, 3))) <= {(0, 0, 0), (0, 255, 0)}
    assert (strip[:, tag_width:] == (255, 0, 0)).all(axis=2).any()


# -- motion ---------------------------------------------------------------------------------


def test_scrolled_frame_at_a_given_time_is_a_window_over_the_strip() -> None:
    layout = parse_layout(mono_layout())
    composer = Composer(layout, ListSource([power("a", "政务公开测试事项")]))
    strip = Painter(layout, 16).strip([Run("政务公开测试事项")])
    assert not composer.render(0.0).any()  # text enters from the right edge
    frame = composer.render(1.0)  # 32 px/s × 1 s: the first 32 columns at x = 64…95
    assert (frame[:, 64:] == strip[:, :32]).all()
    assert not frame[:, :64].any()
    frame = composer.render(4.0)  # 128 px in: columns 32…127 fill the panel
    assert (frame == strip[:, 32:128]).all()


def test_a_late_frame_lands_where_the_clock_says_no_drift() -> None:
    layout = parse_layout(mono_layout())
    entries = [power(str(i), f"事项{i}号行政许可") for i in range(5)]
    smooth, jumpy = Composer(layout, ListSource(entries)), Composer(layout, ListSource(entries))
    for step in range(601):  # 10 s at 60 fps
        smooth.render(step / 60)
    jumpy.render(0.0)
    jumpy.render(3.3)  # one very slow frame
    assert (jumpy.render(10.0) == smooth.render(10.0)).all()


def test_proof_of_play_when_the_last_column_leaves() -> None:
    layout = parse_layout(mono_layout())
    composer = Composer(layout, ListSource([power("a", "取水许可"), power("b", "采矿许可")]))
    width = GlyphSet().width("取水许可")
    gone_at = (96 + width) / 32  # entered at the right edge, fully past the left edge
    composer.render(0.0)
    composer.render(gone_at - 0.04)
    assert composer.passed == []
    composer.render(gone_at + 0.04)
    assert [e.key for e in composer.passed] == ["a"]


def test_only_visible_and_next_strips_are_held_for_a_long_playlist() -> None:
    layout = parse_layout(mono_layout())
    source = ListSource([power(str(i), f"第{i}项行政许可事项") for i in range(5000)])
    composer = Composer(layout, source)
    for step in range(60 * 120):  # two minutes
        composer.render(step / 60)
    tape = composer.zones[0][1]
    assert len(composer.passed) > 20
    assert len(tape.pieces) <= 3
    assert source.fetched <= len(composer.passed) + len(tape.pieces) + 1


def test_page_effect_breaks_lines_by_the_chinese_rules_and_holds_each_page() -> None:
    layout = parse_layout(mono_layout(zones=[{"name": "items", "effect": "page", "hold": 2}]))
    text = "申请人应当提交：（一）申请书；（二）身份证明，材料齐全的，当场受理。"
    entry = Entry("announcements", "u1", "p", "r", {"text": text})
    painter = Painter(layout, 16)
    runs = tuple(entry_runs(entry, ""))
    text = "".join(run.text for run in runs)  # 【公告】 leads
    lines = painter.lines(runs, 96)
    plain = [as_text(line.any(axis=2)) for line in lines]
    assert len(lines) > 3 and all(line.shape[1] <= 96 for line in lines)
    starts = [_first_char(text, lines, i, painter) for i in range(len(lines))]
    assert not any(text[s] in NO_LINE_START for s in starts[1:])
    assert not any(text[s - 1] in NO_LINE_END for s in starts[1:])
    composer = Composer(layout, ListSource([entry]))
    first = composer.render(0.0).copy()
    assert as_text(first.any(axis=2)) == plain[0]
    assert (composer.render(1.9) == first).all()  # held
    assert as_text(composer.render(2.1).any(axis=2)) == plain[1]
    composer.render(2.0 * len(lines) + 0.1)
    assert [e.key for e in composer.passed] == ["p"]


def _first_char(text: str, lines: list[np.ndarray], index: int, painter: Painter) -> int:
    """Offset in ``text`` where line ``index`` starts, from the widths of the lines before."""
    from signage.text.linebreak import wrap

    return text.index(wrap(text, 96, painter.glyphs.width)[index])


def test_scroll_up_moves_a_row_then_holds() -> None:
    layout = parse_layout(mono_layout(speed=16, zones=[{"name": "items", "effect": "scroll-up",
                                                       "hold": 1}]))
    composer = Composer(layout, ListSource([power("a", "取水许可证核发和延续审批事项")]))
    assert not composer.render(0.0).any()  # a blank page, the first line below it
    half = composer.render(0.5)  # 8 of 16 rows moved up
    assert half[8:].any() and not half[:8].any()
    moved = composer.render(1.0).copy()
    assert (composer.render(1.9) == moved).all()  # holding


# -- renderer: plans, urgent announcements, bad layouts --------------------------------------


def run_renderer(renderer: LedRenderer, start: float, end: float, played: list[Entry],
                 fps: float = 50) -> None:
    for step in range(round(start * fps), round(end * fps)):
        renderer.step(step / fps, played.append)


def test_urgent_announcement_preempts_then_the_loop_resumes() -> None:
    layout = mono_layout(speed=96)
    normal = [power("a", "取水许可事项"), power("b", "采矿许可事项")]
    renderer = LedRenderer(PreviewOutput(), "s1", wall=lambda: NOON)
    renderer.show(plan_of(normal, layout))
    played: list[Entry] = []
    run_renderer(renderer, 0, 1.5, played)  # "a" is on the panel
    assert renderer.frame.any() and played == []
    renderer.show(plan_of([urgent("u", "停电通知"), *normal], layout, version=2))
    renderer.step(1.5, played.append)
    assert not renderer.frame.any()  # the items zone cleared at once; the urgent text enters
    run_renderer(renderer, 1.52, 12, played)
    keys = [e.key for e in played]
    assert keys[:3] == ["u", "u", "a"]  # urgent_repeat 2, then "a" again from its start


def test_a_corrected_urgent_announcement_preempts_again() -> None:
    """Same id, new wording: it interrupts like a new one; the same wording again does not."""
    layout = mono_layout(speed=96)
    normal = [power("a", "取水许可事项"), power("b", "采矿许可事项")]
    renderer = LedRenderer(PreviewOutput(), "s1", wall=lambda: NOON)
    renderer.show(plan_of(normal, layout))
    played: list[Entry] = []
    run_renderer(renderer, 0, 1.0, played)
    renderer.show(plan_of([urgent("u", "明日8时至12时停电"), *normal], layout, version=2))
    run_renderer(renderer, 1.0, 12, played)
    assert [e.key for e in played][:2] == ["u", "u"]
    played.clear()
    renderer.show(plan_of([urgent("u", "明日8时至12时停电"), *normal], layout, version=3))  # unchanged
    renderer.step(12.0, played.append)
    assert renderer.frame.any()  # no interruption: the loop carries on
    corrected = urgent("u", "更正：明日14时至18时停电")
    renderer.show(plan_of([corrected, *normal], layout, version=4))
    renderer.step(12.02, played.append)
    assert not renderer.frame.any()  # cut at once, the corrected text enters
    run_renderer(renderer, 12.04, 30, played)
    shown = [(e.key, e.data.get("text")) for e in played]
    assert shown[:2] == [("u", "更正：明日14时至18时停电")] * 2, shown


def test_a_bad_layout_in_a_new_version_keeps_the_last_good_one(caplog: pytest.LogCaptureFixture) -> None:
    renderer = LedRenderer(PreviewOutput(), "s1", wall=lambda: NOON)
    renderer.show(plan_of([power("a", "取水许可")], mono_layout()))
    renderer.step(0.0, lambda e: None)
    renderer.show(plan_of([power("b", "采矿许可")], mono_layout(colour="purple"), version=2))
    renderer.step(1.0, lambda e: None)
    assert renderer.layout is not None and renderer.layout.colour == "mono"
    assert "colour 'purple'" in caplog.text


@pytest.mark.parametrize(("change", "message"), [
    ({"colour": "purple"}, "colour 'purple' must be one of mono, dual, rgb"),
    ({"width": "wide"}, "width 'wide' is not a whole number"),
    ({"zones": [{"name": "a", "height": 16}, {"name": "b", "y": 8, "height": 8, "text": "公开"}]},
     "zones 'a' and 'b' overlap"),
    ({"colour": "dual", "colours": {"tag": "blue"}}, "colours.tag: 'blue' cannot be lit on a red/green"),
    ({"template": "【{type】{name}"}, "template"),
    ({"zones": [{"name": "t", "text": "政务公开"}]}, "exactly one zone"),
    ({"brightness": [{"hours": "night", "level": 10}]}, "brightness[0]"),
])
def test_layout_errors_name_the_field(change: dict[str, Any], message: str) -> None:
    with pytest.raises(LayoutError, match="LED layout 't96'") as error:
        parse_layout(mono_layout(**change))
    assert message in str(error.value)


def test_brightness_follows_the_time_of_day() -> None:
    layout = parse_layout(mono_layout(brightness=[{"hours": "19:00-07:00", "level": 30},
                                                  {"hours": "07:00-12:00", "level": 80}]))
    assert [layout.brightness_at(t) for t in ("23:10", "06:59", "07:00", "12:00")] == [30, 30, 80, 100]


def test_clock_and_title_zone_redrawn_only_when_the_minute_changes() -> None:
    layout = parse_layout({**mono_layout(height=32), "zones": [
        {"name": "title", "y": 0, "height": 16, "text": "政务公开", "clock": True},
        {"name": "items", "y": 16, "height": 16}]})
    moments = iter([NOON, NOON + dt.timedelta(minutes=1)])  # read once a second, not every frame
    composer = Composer(layout, ListSource([power("a", "取水许可")]), wall=lambda: next(moments))
    first = composer.render(0.0)[:16].copy()
    assert (composer.render(0.5)[:16] == first).all()
    changed = composer.render(1.0)[:16]
    assert not (changed == first).all() and (changed[:, :60] == first[:, :60]).all()


# -- previews -------------------------------------------------------------------------------


def test_preview_gif_frames_differ_as_the_text_moves(tmp_path: Any) -> None:
    layout = mono_layout()
    frames = record(plan_of([power("a", "取水许可"), power("b", "采矿许可")], layout), fps=10,
                    wall=lambda: NOON)
    assert len(frames) > 20
    path = save_animation(frames, tmp_path / "p.gif", 10, pitch=3)
    with Image.open(path) as gif:
        assert gif.size == (96 * 3, 16 * 3) and gif.n_frames > 20
        seen = set()
        for index in (5, 10, 15, 20):
            gif.seek(index)
            seen.add(gif.convert("RGB").tobytes())
    assert len(seen) == 4


def test_a_bad_led_layout_is_refused_before_publishing(tmp_path: Any) -> None:
    from signage.publishing.screens import ScreensError, load_screens

    (tmp_path / "screens.yaml").write_text(
        "screens:\n  - id: s1\n    kind: led\n    layout: bad\n", "utf-8")
    (tmp_path / "bad.yaml").write_text(
        "# a sign\nlayout:\n  id: bad\n  kind: led\n  width: 96\n  height: 16\n  colour: blue\n", "utf-8")
    with pytest.raises(ScreensError, match=r"bad\.yaml:7: LED layout 'bad': colour 'blue'"):
        load_screens(tmp_path)


def test_led_text_is_nfc_and_uncomposable_marks_are_placeholders() -> None:
    from players.led.glyphs import GlyphSet

    runs = entry_runs(power("a", "Cafe\u0301 许可"), "{name}")
    assert "Café" in "".join(r.text for r in runs) and "\u0301" not in "".join(r.text for r in runs)
    glyphs = GlyphSet()
    glyphs.render("x\u0333")  # no precomposed form: drawn as a box and flagged
    assert "\u0333" in glyphs.placeholders
    glyphs.render("é")
    assert "é" not in glyphs.placeholders
