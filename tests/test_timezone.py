"""The county's clock: county.yaml's ``time_zone`` reaches every player, which dates and times
everything by it — never by the box's own zone setting.

The moment used throughout is 2026-11-27T23:30Z: still the 27th in UTC, already 07:30 on the
28th in Beijing. A player box set up in UTC must show the 28th.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import COUNTY, TODAY, ContentFactory
from test_board import layouts_folder
from test_led import mono_layout, power, urgent

from players.board.renderer import BoardRenderer
from players.kiosk.content import kiosk_content
from players.led.outputs.preview import PreviewOutput
from players.led.renderer import LedRenderer
from players.plan import Entry, Plan
from signage.catalogue.checking import check_content
from signage.contract import wire
from signage.publishing.payloads import county_object
from signage.publishing.preview import preview_plan
from signage.text.timezones import county_zone, zone_named

UTC_MOMENT = dt.datetime(2026, 11, 27, 23, 30, tzinfo=dt.UTC)
CLOCK_LAYOUT = {**mono_layout(width=128, height=32), "zones": [
    {"name": "title", "y": 0, "height": 16, "text": "公开", "clock": True},
    {"name": "items", "y": 16, "height": 16}]}


@pytest.fixture
def box_in_utc() -> Iterator[None]:
    """The player box's own zone is UTC (as the demo's and many installers' are)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


def led_plan(entries: list[Entry], county: dict[str, Any], version: int = 1) -> Plan:
    return Plan(version, "s1", "led", "", CLOCK_LAYOUT, county, {"u1": {"name": "测试局"}},
                tuple(entries), f"plan-{version}", frozenset())


def on_day(key: str, text: str, day: str, **extra: Any) -> Entry:
    return Entry("announcements", "u1", key, f"ref-{key}", {"text": text}, valid_from=day,
                 valid_until=day, **extra)


# -- county.yaml -----------------------------------------------------------------------------


def test_an_unknown_time_zone_is_a_located_finding_with_advice(content: ContentFactory) -> None:
    root = content.write(county={**COUNTY, "time_zone": "Asia/Urumqi"})
    good = check_content(root, TODAY)
    assert good.catalogue.county.time_zone == "Asia/Urumqi"
    assert not [f for f in good.findings if f.location.file == "county.yaml"]
    root = content.write(county={**COUNTY, "time_zone": "Asia/Shangai"})
    result = check_content(root, TODAY)
    (finding,) = [f for f in result.findings if f.location.file == "county.yaml"]
    assert finding.rule.id == "GK-DATE-005" and finding.field == "time_zone"
    lines = (root / "county.yaml").read_text("utf-8").splitlines()
    assert lines[finding.location.line - 1].strip().startswith("time_zone:")
    assert "“Asia/Shangai”不是已知的时区名称" in finding.message and "北京时间" in finding.message
    assert "是否应为“Asia/Shanghai”" in finding.advice
    assert result.catalogue.county.time_zone == ""  # the screens keep Beijing time
    assert all(unit == "" for unit, _ in result.blocked())  # a bad county setting holds back no item


@pytest.mark.parametrize("name", ["localtime", "../../../etc/localtime", "/etc/localtime", "Factory",
                                  "Asia/Shanghai\x00", "A" * 500, "", "Asia/Nowhere"])
def test_names_that_are_no_county_zone_are_refused(name: str) -> None:
    assert zone_named(name) is None
    assert county_zone(name).key == "Asia/Shanghai"


# -- the wire --------------------------------------------------------------------------------


def test_the_zone_travels_in_the_plans_county_only_when_set(content: ContentFactory) -> None:
    without = check_content(content.write(), TODAY).catalogue.county
    assert wire.TIME_ZONE_FIELD not in county_object(without)  # unchanged plans for every county so far
    with_zone = dataclasses.replace(without, time_zone="Asia/Urumqi")
    assert county_object(with_zone)[wire.TIME_ZONE_FIELD] == "Asia/Urumqi"
    object_id, payload = wire.encode_object({"type": "plan", "county": county_object(with_zone)})
    decoded = wire.decode_object(payload, object_id)
    assert wire.plan_zone(decoded["county"]).key == "Asia/Urumqi"
    assert wire.plan_zone({}).key == "Asia/Shanghai"  # an older publisher's plan
    assert wire.plan_zone({"time_zone": "Mars/Olympus"}).key == "Asia/Shanghai"
    assert wire.plan_zone({"time_zone": ["Asia/Urumqi"]}).key == "Asia/Shanghai"


def test_a_plan_without_a_zone_is_beijing_time_not_the_boxs(box_in_utc: None) -> None:
    plan = led_plan([], {})
    assert dt.datetime.now().astimezone().utcoffset() == dt.timedelta(0)  # the box says UTC
    assert plan.wall().utcoffset() == dt.timedelta(hours=8)
    assert plan.wall(UTC_MOMENT).date() == dt.date(2026, 11, 28)


# -- the players at 2026-11-27T23:30Z ----------------------------------------------------------


def test_led_clock_dayparts_and_dates_follow_the_county(box_in_utc: None) -> None:
    morning = power("m", "早间事项")
    entries = [dataclasses.replace(morning, hours=("07:00-09:00",)),
               dataclasses.replace(power("e", "晚间事项"), hours=("23:00-24:00",)),
               on_day("d27", "二十七日公告", "2026-11-27"), on_day("d28", "二十八日公告", "2026-11-28")]
    shown = {}
    for county, expect in (({"name": "台安县"}, ("07:30", {"m", "d28"})),
                           ({"name": "台安县", "time_zone": "UTC"}, ("23:30", {"e", "d27"}))):
        renderer = LedRenderer(PreviewOutput(), "s1", wall=lambda: UTC_MOMENT)
        renderer.show(led_plan(entries, county))
        renderer.step(0.0, lambda entry: None)
        assert renderer.wall().strftime("%Y-%m-%d") == ("2026-11-28" if not county.get("time_zone")
                                                         else "2026-11-27")
        clock = renderer.composer.zones[0][1]
        assert clock.shown == expect[0]
        assert {e.key for e in renderer.playlist.plan.current(renderer.wall())} == expect[1]
        shown[expect[0]] = renderer.frame[:16].copy()
    assert (shown["07:30"] != shown["23:30"]).any()  # the lamps of the clock differ too


def test_led_clock_lamps_are_those_of_beijing_time(box_in_utc: None) -> None:
    frames = []
    for wall in (lambda: UTC_MOMENT, lambda: dt.datetime(2026, 11, 28, 7, 30)):  # aware UTC, naive county
        renderer = LedRenderer(PreviewOutput(), "s1", wall=wall)
        renderer.show(led_plan([power("a", "取水许可")], {"name": "台安县"}))
        renderer.step(0.0, lambda entry: None)
        frames.append(renderer.frame[:16].copy())
    assert (frames[0] == frames[1]).all()


def test_kiosk_dates_follow_the_county(box_in_utc: None) -> None:
    entries = [on_day("d27", "二十七日公告", "2026-11-27"), on_day("d28", "二十八日公告", "2026-11-28"),
               dataclasses.replace(urgent("u28", "二十八日紧急通知"), valid_from="2026-11-28")]
    plan = dataclasses.replace(led_plan(entries, {"name": "台安县"}), kind="kiosk")
    content = kiosk_content(plan, lambda: UTC_MOMENT)
    assert [e.key for e in content.announcements] == ["d28"] and [e.key for e in content.urgent] == ["u28"]
    in_utc = kiosk_content(dataclasses.replace(plan, county={"time_zone": "UTC"}), lambda: UTC_MOMENT)
    assert [e.key for e in in_utc.announcements] == ["d27"] and not in_utc.urgent


def _pdftotext(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", out.stdout)


def test_board_date_and_print_time_follow_the_county(content: ContentFactory, tmp_path: Path,
                                                     box_in_utc: None) -> None:
    root = content.write()
    plan = preview_plan(root, layouts_folder(tmp_path), "board-a3", kind="board", today=TODAY)
    assert wire.TIME_ZONE_FIELD not in plan.county  # the sample county names no zone: Beijing time
    station = BoardRenderer("demo-board", tmp_path / "station", now=lambda: UTC_MOMENT)
    (record,) = station.post(plan, lambda entry: None)
    assert record.printed_at == "2026-11-28T07:30:00+08:00"
    assert "发布日期：2026年11月28日" in _pdftotext(Path(record.file))
    content.write(county={**COUNTY, "time_zone": "UTC"})
    plan = preview_plan(root, layouts_folder(tmp_path / "utc"), "board-a3", kind="board", today=TODAY)
    station = BoardRenderer("demo-board", tmp_path / "station-utc", now=lambda: UTC_MOMENT)
    (record,) = station.post(plan, lambda entry: None)
    assert record.printed_at == "2026-11-27T23:30:00+00:00"
    assert "发布日期：2026年11月27日" in _pdftotext(Path(record.file))
