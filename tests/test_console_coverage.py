"""Proof of play and coverage per unit in the console: built from what the publisher recorded
(a real publish of the sample county into objects and state, players' plays in events.jsonl),
per screen which of the unit's records it carries and has played, and what is published but on
no screen; the county summary on the dashboard. Office only; escaping of hostile titles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from console_published import entries, log_plays, publish, published_site
from console_support import *  # noqa: F403 - the console fixtures (accounts, site …)
from console_support import client_for

NOTICES = Path("units/gongshang/notices.yaml")


def led_only_notice(site: Any) -> None:
    """LED signs show announcements and powers, so a notice only for LED reaches no screen."""
    path = site.content_dir / NOTICES
    text = path.read_text("utf-8")
    path.write_text(text.replace("channels: [kiosk, board]", "channels: [led]", 1), "utf-8")


def test_unit_coverage_page(site: Any, accounts: dict, tmp_path: Path) -> None:
    site = published_site(site, tmp_path)
    office = client_for("office")
    before = office.get("/office/coverage/gongshang/").content.decode()
    assert "没有屏幕展示本单位的内容" in before  # nothing published yet
    led_only_notice(site)
    build = publish(site.content_dir, site.data_dir)
    mine = [e for e in entries(build, "county-hall-led") if e["unit"] == "gongshang"]
    assert len(mine) >= 2
    log_plays(site.data_dir, "county-hall-led", mine[:1])  # one record played, the rest not
    page = office.get("/office/coverage/gongshang/").content.decode()
    assert "county-hall-led（led）" in page and "county-hall-kiosk（kiosk）" in page
    assert f"本单位 {len(mine)} 条，已播放 1 条" in page
    assert page.count("已播放</td>") == 1 and "未见播放" in page
    nowhere = page.split("未上任何屏幕的已发布内容")[1].split("各屏幕")[0]
    assert "（1 条）" in nowhere and "台工商" in nowhere  # the LED-only notice
    assert "taixi" not in page  # another unit's records are not listed
    dashboard = office.get("/office/").content.decode()
    assert 'href="/office/coverage/gongshang/"' in dashboard
    assert "播放证明：未上屏 1 条" in dashboard


def test_coverage_is_office_only_and_escaped(site: Any, accounts: dict, tmp_path: Path) -> None:
    site = published_site(site, tmp_path)
    path = site.content_dir / "units/gongshang/powers.yaml"
    text = path.read_text("utf-8")
    name = text.split("name: ", 1)[1].split("\n", 1)[0]
    path.write_text(text.replace(f"name: {name}", 'name: "<script>alert(1)</script>登记"', 1), "utf-8")
    publish(site.content_dir, site.data_dir)
    office = client_for("office")
    page = office.get("/office/coverage/gongshang/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;登记" in page and "<script>alert" not in page
    assert office.get("/office/coverage/nosuchunit/").status_code == 404
    for name in ("clerk", "other", "reviewer"):  # a clerk changing the id gets nothing either
        assert client_for(name).get("/office/coverage/gongshang/").status_code == 403, name
    assert client_for().get("/office/coverage/gongshang/").status_code == 302  # to the login page
