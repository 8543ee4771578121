"""Flowcharts for printed boards: every step drawn, nothing outside the chart, nothing colliding."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import POWER
from PIL import Image, ImageDraw

from players.board.canvas import PT, Fonts, Line, Polygon, Rect, Shape, Text
from signage.diagrams.flowchart import ASCENT, DESCENT, MIN_SIZE, Chart, layout_flowchart, placed
from signage.text.fonts import find_cjk_font, load_pillow_font

CONTENT = Path(__file__).parents[1] / "content"
Box = tuple[float, float, float, float]  # left, top, right, bottom


def _samples() -> list[tuple[str, list[dict[str, Any]]]]:
    """Every structured flowchart in the shipped content, by power code."""
    found = []
    for path in sorted(CONTENT.glob("units/*/powers.yaml")):
        for power in yaml.safe_load(path.read_text("utf-8")).get("powers") or []:
            steps = (power.get("flowchart") or {}).get("steps")
            if steps:
                found.append((str(power.get("code")), steps))
    return found


SAMPLES = _samples()
POWER_STEPS: list[dict[str, Any]] = POWER["flowchart"]["steps"]


@pytest.fixture(scope="module")
def fonts() -> Fonts:
    return Fonts()


# -- geometry -------------------------------------------------------------------------------


def text_box(fonts: Fonts, text: Text) -> Box:
    em = text.size * PT
    return (text.x, text.y - ASCENT * em, text.x + fonts.width(text.text, text.size, text.bold),
            text.y + DESCENT * em)


def boxes(chart: Chart) -> list[Box]:
    """Step boxes, terminals and diamonds (as their bounding boxes)."""
    found = []
    for shape in chart.shapes:
        if isinstance(shape, Rect):
            found.append((shape.x, shape.y, shape.x + shape.w, shape.y + shape.h))
        elif isinstance(shape, Polygon) and len(shape.points) == 4:
            xs, ys = [p[0] for p in shape.points], [p[1] for p in shape.points]
            found.append((min(xs), min(ys), max(xs), max(ys)))
    return found


def diamonds(chart: Chart) -> list[Polygon]:
    return [s for s in chart.shapes if isinstance(s, Polygon) and len(s.points) == 4]


def heads(chart: Chart) -> list[tuple[float, float]]:
    """Tips of the arrowheads."""
    return [s.points[0] for s in chart.shapes if isinstance(s, Polygon) and len(s.points) == 3]


def overlap(a: Box, b: Box, slack: float = 0.05) -> bool:
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


def home(fonts: Fonts, text: Text, chart: Chart) -> Box | None:
    """The box a text is written in, or None for a label beside an arrow."""
    left, top, right, bottom = text_box(fonts, text)
    x, y = (left + right) / 2, (top + bottom) / 2
    return next((b for b in boxes(chart) if b[0] <= x <= b[2] and b[1] <= y <= b[3]), None)


def extent(fonts: Fonts, shape: Shape) -> Box:
    if isinstance(shape, Text):
        return text_box(fonts, shape)
    if isinstance(shape, Line):
        xs, ys = (shape.x1, shape.x2), (shape.y1, shape.y2)
        return min(xs), min(ys), max(xs), max(ys)
    if isinstance(shape, Polygon):
        xs, ys = [p[0] for p in shape.points], [p[1] for p in shape.points]
        return min(xs), min(ys), max(xs), max(ys)
    return shape.x, shape.y, shape.x + shape.w, shape.y + shape.h


def texts(chart: Chart) -> list[Text]:
    return [s for s in chart.shapes if isinstance(s, Text)]


def box_named(fonts: Fonts, chart: Chart, name: str) -> Box:
    text = next(t for t in texts(chart) if t.text == name and t.bold)
    found = home(fonts, text, chart)
    assert found is not None
    return found


def assert_well_formed(fonts: Fonts, chart: Chart) -> None:
    """Inside the chart; boxes apart; text inside its box fits it; labels clear of boxes and text."""
    for shape in chart.shapes:
        left, top, right, bottom = extent(fonts, shape)
        assert left >= -1e-6 and right <= chart.width + 1e-6, shape
        assert top >= -1e-6 and bottom <= chart.height + 1e-6, shape
    found = boxes(chart)
    for n, a in enumerate(found):
        for b in found[n + 1:]:
            assert not overlap(a, b), (a, b)
    written = texts(chart)
    for text in written:
        area, box = text_box(fonts, text), home(fonts, text, chart)
        if box is None:
            assert not any(overlap(area, b) for b in found), text
        else:
            assert box[0] <= area[0] and area[2] <= box[2] + 1e-6, text
            assert box[1] <= area[1] and area[3] <= box[3], text
    for n, a in enumerate(written):
        for b in written[n + 1:]:
            assert not overlap(text_box(fonts, a), text_box(fonts, b)), (a, b)


# -- real content ---------------------------------------------------------------------------


def test_the_content_has_flowcharts_to_test() -> None:
    assert len(SAMPLES) > 50


@pytest.mark.parametrize("width", [80.0, 100.0, 130.0])
def test_real_flowcharts_are_well_formed(fonts: Fonts, width: float) -> None:
    for code, steps in SAMPLES:
        chart = layout_flowchart(steps, width, fonts)
        assert chart.width == width, code
        assert_well_formed(fonts, chart)


@pytest.mark.parametrize("size", [6.5, 9.0])
def test_other_sizes_are_well_formed(fonts: Fonts, size: float) -> None:
    for _, steps in SAMPLES[::5]:
        assert_well_formed(fonts, layout_flowchart(steps, 90.0, fonts, size=size))


def test_every_step_name_is_drawn(fonts: Fonts) -> None:
    for code, steps in SAMPLES:
        drawn = "".join(t.text for t in texts(layout_flowchart(steps, 100.0, fonts)))
        for step in steps:
            assert step["name"] in drawn, (code, step["name"])


# -- conventions ----------------------------------------------------------------------------


def test_terminals_at_top_and_bottom(fonts: Fonts) -> None:
    chart = layout_flowchart(POWER_STEPS, 100.0, fonts)
    start, end = box_named_terminal(fonts, chart, "开始"), box_named_terminal(fonts, chart, "结束")
    assert start[1] == min(b[1] for b in boxes(chart))
    assert end[3] == max(b[3] for b in boxes(chart))
    rounded = [s for s in chart.shapes if isinstance(s, Rect) and s.radius > 0]
    assert len(rounded) == 2


def box_named_terminal(fonts: Fonts, chart: Chart, name: str) -> Box:
    text = next(t for t in texts(chart) if t.text == name)
    found = home(fonts, text, chart)
    assert found is not None
    return found


def test_steps_show_post_and_time_limit(fonts: Fonts) -> None:
    steps = [{"name": "受理", "post": "窗口受理岗", "days": 1}, {"name": "审查", "days": "0"},
             {"name": "决定", "days": "三个工作日"}]
    written = [t.text for t in texts(layout_flowchart(steps, 100.0, fonts))]
    assert {"窗口受理岗", "1个工作日", "即时办结", "三个工作日"} <= set(written)


def test_a_branching_step_gets_a_diamond_and_labelled_arrows(fonts: Fonts) -> None:
    chart = layout_flowchart(POWER_STEPS, 100.0, fonts)
    (diamond,) = diamonds(chart)
    accept = box_named(fonts, chart, "受理")
    top = min(p[1] for p in diamond.points)
    assert top > accept[3]  # right under its step
    written = [t.text for t in texts(chart)]
    assert "材料不齐全" in written and "材料齐全" in written
    assert any("受理" in t and "？" in t for t in written)


def test_a_loop_back_ends_with_an_arrowhead_on_the_target_side(fonts: Fonts) -> None:
    chart = layout_flowchart(POWER_STEPS, 100.0, fonts)  # 一次性告知补正 —补正后→ 受理
    left, top, right, bottom = box_named(fonts, chart, "受理")
    on_side = [(x, y) for x, y in heads(chart)
               if (abs(x - left) < 1e-6 or abs(x - right) < 1e-6) and top < y < bottom]
    assert on_side
    assert "补正后" in [t.text for t in texts(chart)]


def test_a_skip_forward_runs_in_the_margin_into_the_target_side(fonts: Fonts) -> None:
    chart = layout_flowchart(POWER_STEPS, 100.0, fonts)  # 受理 —材料齐全→ 审查, past 一次性告知补正
    left, top, _, bottom = box_named(fonts, chart, "审查")
    assert any(abs(x - left) < 1e-6 and top < y < bottom for x, y in heads(chart))
    lines = [s for s in chart.shapes if isinstance(s, Line)]
    assert any(min(s.x1, s.x2) < left and s.x1 == s.x2 for s in lines)  # a lane left of the column


def test_an_outcome_goes_right_to_a_rounded_terminal(fonts: Fonts) -> None:
    steps = [{"name": "申请"}, {"name": "受理", "branches": [
        {"when": "不属于受理范围", "to": "不予受理，告知理由"}, {"when": "符合条件", "to": "审查"}]},
        {"name": "审查"}]
    chart = layout_flowchart(steps, 100.0, fonts)
    text = next(t for t in texts(chart) if "不予受理" in t.text)
    outcome = home(fonts, text, chart)
    assert outcome is not None
    assert outcome[0] > box_named(fonts, chart, "受理")[2]
    assert any(isinstance(s, Rect) and s.radius > 0 and abs(s.x - outcome[0]) < 1e-6 for s in chart.shapes)
    assert any(abs(x - outcome[0]) < 1e-6 for x, _ in heads(chart))
    assert "不属于受理范围" in "".join(t.text for t in texts(chart))


def test_a_side_step_sits_beside_its_decision_and_rejoins(fonts: Fonts) -> None:
    steps = [{"name": "受理", "branches": [{"when": "材料不齐全", "to": "一次性告知补正"},
                                         {"when": "材料齐全", "to": "审查"}]},
             {"name": "一次性告知补正"}, {"name": "审查"}, {"name": "决定"}]
    chart = layout_flowchart(steps, 100.0, fonts)
    side, review = box_named(fonts, chart, "一次性告知补正"), box_named(fonts, chart, "审查")
    assert side[0] > review[2]  # in the side column: the usual path stays straight
    assert any(abs(x - review[2]) < 1e-6 and review[1] < y < review[3] for x, y in heads(chart))


def test_long_names_wrap_inside_their_boxes(fonts: Fonts) -> None:
    name = "核发建设工程规划许可证并同步推送至不动产登记机构和住房城乡建设主管部门"
    granted = {"when": "材料齐全、符合法定形式，依法作出准予许可决定", "to": "结束"}
    refused = {"when": "不符合", "to": "不予许可，书面说明理由并告知复议诉讼权利"}
    steps = [{"name": name, "post": "工程建设项目审批窗口综合受理岗位（兼管档案）", "days": 20},
             {"name": name + "二", "branches": [granted, refused]}]
    chart = layout_flowchart(steps, 80.0, fonts)
    assert_well_formed(fonts, chart)
    bold = [t for t in texts(chart) if t.bold]
    assert len(bold) > 2  # the names wrapped
    assert name in "".join(t.text for t in bold)


def test_nothing_is_set_below_the_minimum_size(fonts: Fonts) -> None:
    chart = layout_flowchart(POWER_STEPS, 100.0, fonts, size=4.0)
    assert min(t.size for t in texts(chart)) >= MIN_SIZE
    assert_well_formed(fonts, chart)


def test_no_steps_gives_a_small_chart_that_says_so(fonts: Fonts) -> None:
    chart = layout_flowchart([], 100.0, fonts)
    assert [t.text for t in texts(chart)] == ["无流程图"]
    assert chart.height < 15.0
    assert_well_formed(fonts, chart)


HOSTILE: dict[str, Any] = {
    "missing name": [{"post": "窗口"}, {"name": None, "days": 3}],
    "branches not a list": [{"name": "受理", "branches": "结束"},
                            {"name": "审查", "branches": {"to": "受理"}}],
    "to names itself": [{"name": "受理", "branches": [{"when": "再审", "to": "受理"},
                                                     {"when": "通过", "to": "审查"}]},
                        {"name": "审查", "branches": [{"when": "重来", "to": "审查"}]}, {"name": "办结"}],
    "junk entries": [None, 3, "文本步骤", {"name": ["x"], "branches": [None, 1, {"to": None}, {"when": {}}]}],
    "duplicate names": [{"name": "甲", "branches": [{"when": "一", "to": "乙"}, {"when": "二", "to": "乙"}]},
                        {"name": "乙"}, {"name": "乙"}],
    "loops everywhere": [{"name": "a"}, {"name": "b"},
                         {"name": "c", "branches": [{"when": "x", "to": "a"}, {"when": "y", "to": "e"},
                                                    {"when": "z", "to": "d"}]},
                         {"name": "d", "branches": [{"when": "w", "to": "a"}]},
                         {"name": "e", "branches": [{"when": "v", "to": "c"}, {"when": "u", "to": "结束"}]}],
    "many outcomes": [{"name": "受理",
                       "branches": [{"when": f"情形{n}", "to": f"结果{n}"} for n in range(5)]}],
    "not a list": None,
}


@pytest.mark.parametrize("steps", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_steps_still_draw(fonts: Fonts, steps: Any) -> None:
    original = copy.deepcopy(steps)
    chart = layout_flowchart(steps, 90.0, fonts)
    assert_well_formed(fonts, chart)
    assert steps == original  # the caller's data is left alone


def test_placed_moves_every_shape(fonts: Fonts) -> None:
    chart = layout_flowchart(POWER_STEPS, 100.0, fonts)
    moved = placed(chart, 12.5, 40.0)
    assert len(moved) == len(chart.shapes)
    for before, after in zip(chart.shapes, moved, strict=True):
        (l0, t0, r0, b0), (l1, t1, r1, b1) = extent(fonts, before), extent(fonts, after)
        assert (l1 - l0, t1 - t0, r1 - r0, b1 - b0) == pytest.approx((12.5, 40.0, 12.5, 40.0))


# -- drawn with a real rasteriser -----------------------------------------------------------


def render(chart: Chart, dpi: float = 150.0, border: float = 5.0) -> Image.Image:
    """The chart drawn with Pillow on a page ``border`` mm larger all round (y of text = baseline)."""
    def px(mm: float) -> float:
        return (mm + border) * dpi / 25.4

    image = Image.new("L", (round(px(chart.width + border)), round(px(chart.height + border))), 255)
    draw = ImageDraw.Draw(image)
    for shape in chart.shapes:
        if isinstance(shape, Rect):
            draw.rounded_rectangle((px(shape.x), px(shape.y), px(shape.x + shape.w), px(shape.y + shape.h)),
                                   radius=shape.radius * dpi / 25.4, outline=0, width=1)
        elif isinstance(shape, Line):
            draw.line((px(shape.x1), px(shape.y1), px(shape.x2), px(shape.y2)), fill=0, width=1)
        elif isinstance(shape, Polygon):
            draw.polygon([(px(x), px(y)) for x, y in shape.points], outline=0)
        elif isinstance(shape, Text):
            font = load_pillow_font(find_cjk_font(bold=shape.bold), round(shape.size * dpi / 72))
            draw.text((px(shape.x), px(shape.y)), shape.text, font=font, fill=0, anchor="ls")
    return image


def test_the_drawn_ink_stays_inside_the_chart(fonts: Fonts) -> None:
    codes = dict(SAMPLES)
    for code in ("CJJ-XK-002", "CJJ-CF-001", "TXQ-QT-001"):
        chart = layout_flowchart(codes[code], 100.0, fonts)
        image = render(chart)
        ink = image.point(lambda v: 255 if v < 128 else 0).getbbox()
        assert ink is not None
        inside = [v * 150.0 / 25.4 for v in (5.0, 5.0, chart.width + 5.0, chart.height + 5.0)]
        assert inside[0] - 1 <= ink[0] and inside[1] - 1 <= ink[1], code
        assert ink[2] <= inside[2] + 1 and ink[3] <= inside[3] + 1, code
