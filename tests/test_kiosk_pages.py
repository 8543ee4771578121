"""The kiosk's pages as a citizen meets them, on the sample county: every block reachable, high
contrast that is high contrast (WCAG ratios from the render model), the whole portrait screen
used, item pages leading with what a citizen asks first, wrapped notice titles, and a kiosk that
draws nothing while nothing changes. Screens are saved as PNGs in each test's tmp_path."""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from pathlib import Path
from typing import Any

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import pygame
import pytest
from conftest import TODAY
from test_kiosk import Driver

from players.kiosk.fonts import KioskFonts
from players.kiosk.renderer import KioskRenderer
from players.kiosk.screens import (
    DetailScreen,
    HomeScreen,
    Row,
    SearchScreen,
    SupervisionScreen,
    WrappedListView,
    notice_list,
    type_list,
    unit_items,
    unit_list,
)
from players.kiosk.ui import Label
from players.plan import Plan
from signage.publishing.preview import preview_plan

REPO = Path(__file__).resolve().parent.parent
WCAG_TEXT = 4.5  # WCAG 2.x, 1.4.3: text against its ground


@pytest.fixture(scope="module")
def fonts() -> Any:
    pygame.display.init()
    yield KioskFonts()
    pygame.display.quit()


@pytest.fixture(scope="module")
def sample_plan() -> Plan:
    return preview_plan(REPO / "content", REPO / "layouts", "kiosk-portrait", kind="kiosk", today=TODAY)


def luminance(colour: tuple[int, int, int]) -> float:
    """WCAG relative luminance of an sRGB colour."""
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_ratio_is_the_wcag_one() -> None:
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast((118, 118, 118), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)
    assert contrast((255, 255, 255), (200, 200, 200)) < WCAG_TEXT  # white on the old light terminal


# -- every block reachable -------------------------------------------------------------------------


def scrolled_to_end(kiosk: Driver) -> DetailScreen:
    page = kiosk.app.screen
    assert isinstance(page, DetailScreen)
    kiosk.draw()
    kiosk.drag((540, 1500), -100_000, steps=40)  # a long drag up: as far as the page goes
    kiosk.run(1)
    return page


@pytest.mark.parametrize("large", [False, True], ids=["normal", "large-text"])
def test_the_last_block_of_every_item_page_scrolls_fully_into_view(sample_plan: Plan, fonts: KioskFonts,
                                                                     tmp_path: Path, large: bool) -> None:
    kiosk = Driver(sample_plan, fonts, tmp_path)
    if large:
        kiosk.tap("大字")
    powers = [e for e in sample_plan.entries if e.kind == "powers"]
    with_qr = 0
    for entry in powers:
        kiosk.app.home()
        kiosk.app.open(entry)
        page = scrolled_to_end(kiosk)
        blocks = page.blocks
        assert blocks
        _, view_top, _, view_h = page.view
        nav_top = min(t.rect[1] for t in kiosk.app.model.targets if t.label in ("返回", "首页"))
        last = blocks[-1]
        top = view_top + last.top - int(page.scroll.offset)
        bottom = top + last.surface.get_height()
        assert view_top + view_h <= nav_top
        assert bottom <= view_top + view_h, (entry.key, bottom, view_top + view_h)  # its end is in view …
        if last.surface.get_height() <= view_h:
            assert top >= view_top, (entry.key, top, view_top)  # … and all of it, when it fits
        # the gaps between blocks count: the limit reaches past the sum of the blocks' heights
        assert page.scroll.limit == max(0, last.bottom - view_h)
        if len(blocks) > 1 and page.scroll.limit:
            assert page.scroll.limit > sum(b.surface.get_height() for b in blocks) - view_h
        with_qr += any(label.text == "扫码查看网上办事页面" and view_top <= label.rect[1] < nav_top
                       for label in kiosk.app.model.labels)
    assert with_qr == len(powers)  # the QR code, the last block, is on screen on every page
    kiosk.save("last-item-end")


# -- contrast ------------------------------------------------------------------------------------------


def pages(kiosk: Driver, sample_plan: Plan) -> list[tuple[str, list[Label]]]:
    """Every page of the sample county, drawn, with the labels of its render model."""
    app = kiosk.app
    seen: list[tuple[str, list[Label]]] = []

    def take(name: str) -> None:
        kiosk.draw()
        labels = list(app.model.labels)
        if isinstance(app.screen, DetailScreen):  # the whole page, also what is scrolled out of view
            labels = [*labels, *(label for block in app.screen.blocks or () for label in block.labels)]
        seen.append((name, labels))

    app.home()
    take("home")
    for name, screen in (("units", unit_list(app)), ("types", type_list(app)), ("notices", notice_list(app)),
                         ("supervision", SupervisionScreen(app))):
        app.home()
        app.push(screen)
        take(name)
    for uid in app.content.by_unit:
        app.home()
        app.push(unit_items(app, uid))
        take(f"unit {uid}")
    app.home()
    search = SearchScreen(app)
    app.push(search)
    for key in "JS":
        search.type(key)
    take("search")
    for entry in [*app.content.powers, *app.content.notices, *app.content.announcements]:
        app.home()
        app.open(entry)
        take(f"{entry.kind} {entry.key}")
    app.home()
    app.attracting = True
    take("attract")
    app.attracting = False
    return seen


@pytest.mark.parametrize("high", [False, True], ids=["normal", "high-contrast"])
def test_every_text_on_every_page_meets_wcag_contrast(sample_plan: Plan, fonts: KioskFonts, tmp_path: Path,
                                                      high: bool) -> None:
    kiosk = Driver(sample_plan, fonts, tmp_path)
    if high:
        kiosk.tap("高对比")
    checked, low = 0, []
    for name, labels in pages(kiosk, sample_plan):
        for label in labels:
            if not label.text.strip():
                continue
            assert label.colour is not None and label.ground is not None, (name, label.text)
            checked += 1
            ratio = contrast(label.colour, label.ground)
            if ratio < WCAG_TEXT:
                low.append((name, label.text, label.colour, label.ground, round(ratio, 2)))
    assert checked > 5_000
    assert not low, low[:10]
    kiosk.app.open(next(e for e in sample_plan.entries if e.kind == "powers" and e.data.get("flowchart")))
    kiosk.save("item-" + ("high" if high else "normal"))


def test_high_contrast_terminals_are_dark_with_light_text(sample_plan: Plan, fonts: KioskFonts,
                                                          tmp_path: Path) -> None:
    """The flowchart's 开始/结束: light grey with white text before; now the ground under them is dark."""
    kiosk = Driver(sample_plan, fonts, tmp_path)
    kiosk.tap("高对比")
    kiosk.app.open(next(e for e in sample_plan.entries if e.kind == "powers" and e.data.get("flowchart")))
    kiosk.draw()
    terminals = [label for block in kiosk.app.screen.blocks for label in block.labels
                 if label.text in ("开始", "结束")]
    assert len(terminals) >= 2
    for label in terminals:
        assert luminance(label.ground) < 0.05 and label.colour == (255, 255, 255), label


# -- the whole screen, what a citizen asks first -----------------------------------------------------


def test_home_uses_the_whole_portrait_screen(sample_plan: Plan, fonts: KioskFonts, tmp_path: Path) -> None:
    kiosk = Driver(sample_plan, fonts, tmp_path)
    kiosk.save("home")
    model, height = kiosk.app.model, kiosk.layout.height
    tiles = [t for t in model.targets if t.kind == "tile"]
    assert len(tiles) == 5
    assert max(t.rect[1] + t.rect[3] for t in tiles) > 0.45 * height  # tiles: the top half, not a third
    assert all(kiosk.layout.mm(t.rect[3]) >= 45 for t in tiles)
    text = kiosk.text()
    assert "最新公开" in text and "常用事项" in text and "政务公开监督投诉电话 0412-4822110" in text
    nav_top = min(t.rect[1] for t in model.targets if t.label == "大字")
    rows = [t for t in model.targets if t.kind == "row"]
    assert len(rows) >= 6 and max(t.rect[1] + t.rect[3] for t in rows) > nav_top - 0.1 * height
    newest = [label.text for label in model.labels if "（2026）" in label.text or "〔2026〕" in label.text]
    assert newest  # the newest notices, by date
    kiosk.tap(rows[0].label)  # one tap from home to what is new
    assert isinstance(kiosk.app.screen, DetailScreen)


def test_most_used_items_follow_what_is_opened(sample_plan: Plan, fonts: KioskFonts, tmp_path: Path) -> None:
    kiosk = Driver(sample_plan, fonts, tmp_path)
    favourite = next(e for e in reversed(sample_plan.entries) if e.kind == "powers")
    name = str(favourite.data["name"])
    assert name not in kiosk.text()
    for _ in range(3):
        kiosk.app.open(favourite)
        kiosk.draw()
        kiosk.tap("首页")
    assert name in kiosk.text()
    assert isinstance(kiosk.app.screen, HomeScreen)


def test_attract_loop_spreads_over_the_screen(sample_plan: Plan, fonts: KioskFonts, tmp_path: Path) -> None:
    kiosk = Driver(sample_plan, fonts, tmp_path)
    kiosk.run(kiosk.layout.attract_seconds + 1)
    assert kiosk.app.attracting
    kiosk.save("attract")
    tops = [label.rect[1] for label in kiosk.app.model.labels]
    height = kiosk.layout.height
    assert min(tops) < 0.2 * height and max(tops) > 0.75 * height
    assert "办理地点" in kiosk.text() and "监督投诉电话" in kiosk.text()


def test_item_pages_lead_with_what_a_citizen_asks(sample_plan: Plan, fonts: KioskFonts,
                                                  tmp_path: Path) -> None:
    kiosk = Driver(sample_plan, fonts, tmp_path)
    entry = next(e for e in sample_plan.entries if e.kind == "powers" and e.data.get("place")
                 and e.data.get("hours") and e.data.get("materials"))
    kiosk.app.open(entry)
    kiosk.save("item-top")
    fields = kiosk.app.screen.fields()
    labels = [label for label, _, _ in fields]
    leading = [label for label, _, lead in fields if lead]
    assert labels[:len(leading)] == leading
    assert leading[:5] == ["办理地点", "办理时间", "办理时限", "收费", "申请材料"]
    assert labels.index("办理地点") < labels.index("事项编码") < labels.index("设定依据")
    limits = dict((label, value) for label, value, _ in fields)["办理时限"]
    assert limits.startswith(f"承诺{entry.data['promised_days']}个工作日")
    shown = [label.text for label in kiosk.app.model.labels]
    assert shown.index("办理地点") < shown.index("事项编码")  # drawn in that order, too


# -- small things a citizen trips over -----------------------------------------------------------------


def test_search_says_nothing_found_only_after_typing(sample_plan: Plan, fonts: KioskFonts,
                                                     tmp_path: Path) -> None:
    kiosk = Driver(sample_plan, fonts, tmp_path)
    kiosk.tap("搜索事项")
    kiosk.save("search-empty")
    assert "没有找到" not in kiosk.text()
    for key in "QQQQX":
        kiosk.tap(key)
    assert "没有找到相关内容" in kiosk.text()
    kiosk.tap("清空")
    assert "没有找到" not in kiosk.text()


def test_a_units_list_does_not_repeat_the_units_name(sample_plan: Plan, fonts: KioskFonts,
                                                     tmp_path: Path) -> None:
    kiosk = Driver(sample_plan, fonts, tmp_path)
    app = kiosk.app
    for uid in app.content.by_unit:
        screen = unit_items(app, uid)
        name = app.content.unit_name(uid)
        assert screen.title == name and screen.list.rows
        assert not [row.detail for row in screen.list.rows if name in row.detail]
    kind = next(iter(app.content.by_type))
    kiosk.tap("按权力类型查找")
    kiosk.tap(kind)  # across units the unit's name is what tells rows apart: there it stays
    rows = kiosk.app.screen.list.rows
    assert any(app.content.unit_name(e.unit) in row.detail for row in rows for e in app.content.by_type[kind])
    kiosk.app.home()
    kiosk.draw()
    kiosk.tap("按单位查找")
    kiosk.tap(app.content.unit_name(next(iter(app.content.by_unit))))
    kiosk.save("unit-items")


PHONE = re.compile(r"\d{3,4}-\d{7,8}|\d{5}")


def test_notice_titles_wrap_and_never_cut_a_phone_number(sample_plan: Plan, fonts: KioskFonts,
                                                         tmp_path: Path) -> None:
    kiosk = Driver(sample_plan, fonts, tmp_path)
    kiosk.tap("通知公告")
    kiosk.save("notices")
    view = kiosk.app.screen.list
    assert isinstance(view, WrappedListView)
    width = kiosk.layout.width - 2 * kiosk.layout.px(6)
    _, lines = view._layout(width)
    wrapped = 0
    for row in view.rows:
        assert "".join(lines[row.key]) == row.title  # whole, nothing cut off
        wrapped += len(lines[row.key]) > 1
        for phone in PHONE.findall(row.title):
            assert any(phone in line for line in lines[row.key]), (row.title, lines[row.key])
    assert wrapped >= 3
    # Hostile: the number moved across every position of the line's end.
    rows = [Row(f"n{n}", "关" * n + "请拨打0412-4822110咨询，或拨打12345政务服务便民热线。", "", lambda: None)
            for n in range(40)]
    hostile = WrappedListView(rows, kiosk.app)
    _, lines = hostile._layout(width)
    for row in rows:
        assert "".join(lines[row.key]) == row.title
        assert any("0412-4822110" in line for line in lines[row.key]), lines[row.key]
        assert any("12345" in line for line in lines[row.key]), lines[row.key]


# -- idle means idle -----------------------------------------------------------------------------------


def test_a_static_page_asks_for_no_frames(sample_plan: Plan, fonts: KioskFonts, tmp_path: Path) -> None:
    kiosk = Driver(sample_plan, fonts, tmp_path)
    app = kiosk.app
    kiosk.run(1)
    assert not app.changed()  # nothing moved: no frame is due
    kiosk.tap("按权力类型查找")
    kiosk.tap("其他行政权力")
    app.update(1 / 30)
    assert not app.changed()  # the tap's frame was drawn (Driver draws after a tap)
    kiosk.drag((500, 1200), -400)
    assert app.changed()  # a drag is a change …
    kiosk.draw()
    frames = 0
    for _ in range(300):  # … and so is the fling's coasting, until it stops
        kiosk.clock.now += 1 / 30
        app.update(1 / 30)
        if app.changed():
            frames += 1
            kiosk.draw()
    assert 5 < frames < 300 and not app.changed()
    kiosk.run(kiosk.layout.idle_seconds + 0.5)
    assert "秒后返回首页" in kiosk.text()
    kiosk.clock.now += 0.2
    app.update(0.2)
    assert not app.changed()  # the countdown's second has not turned yet
    kiosk.clock.now += 1.0
    app.update(1.0)
    assert app.changed()  # now it has


def run_renderer(plan: Plan, settings: dict[str, Any], seconds: float) -> int:
    """A real KioskRenderer loop (dummy video driver) for ``seconds``; the frames it drew."""
    renderer = KioskRenderer("k1", fullscreen=False, settings=settings,
                             now=lambda: dt.datetime.combine(TODAY, dt.time(10)))
    renderer.show(plan)
    stop = threading.Event()
    timer = threading.Timer(seconds, stop.set)
    timer.start()
    try:
        renderer.run(stop, lambda entry: None)
    finally:
        timer.cancel()
    return renderer.frames_drawn


def test_the_render_loop_draws_a_static_page_once(sample_plan: Plan, fonts: KioskFonts) -> None:
    small = {"width": 600, "height": 800, "pixel_pitch_mm": 0.5}
    always = run_renderer(sample_plan, {**small, "redraw": "always"}, 1.5)
    assert always >= 10  # the old loop: every frame drawn, static or not
    assert run_renderer(sample_plan, small, 1.5) <= 2  # ours: the first frame, then nothing
    pygame.display.init()  # the loop closed the display: the module's fonts fixture expects one
