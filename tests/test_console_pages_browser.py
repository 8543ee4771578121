"""The new console pages in a real browser (Debian's chromium through Playwright) against the
console on waitress in this process (the ``web`` fixture): the notice and announcement forms by
keyboard alone, the live check, 整改意见书 issued and seen by the clerk, 200 % zoom, and axe-core
with no serious or critical violation on every page. Screenshots go to $CONSOLE_SHOTS when it is set."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from console_support import *  # noqa: F403 - the console fixtures (accounts, site, web …)
from console_support import login, look
from playwright.sync_api import expect

NOTICE = "/unit/gongshang/notice/%E5%8F%B0%E5%B7%A5%E5%95%86%E5%8F%91%E3%80%942026%E3%80%952%E5%8F%B7/"
ANNOUNCEMENT = "/unit/gongshang/announcement/gongshang-nianbao/"


def test_notice_and_announcement_forms(web: str, page: Any, site: Any) -> None:
    login(page, web, "clerk")
    page.goto(web + "/unit/gongshang/")
    page.click("a:has-text('修改'):has-text('年度报告公示')")
    page.wait_for_load_state()
    assert re.search("/notice/", page.url)
    look(page, "n1-notice-form")
    page.focus("#f-doc_number")  # by keyboard: select the field's text and type over it
    page.keyboard.press("Control+A")
    page.keyboard.type("台工商发[2026]第02号")
    expect(page.locator("#live")).to_contain_text("GK-DOC", timeout=10000)  # the live check
    look(page, "n2-notice-live-check")
    page.keyboard.press("Control+A")
    page.keyboard.type("台工商发〔2026〕2号")
    page.focus("#f-summary")
    page.keyboard.press("Control+A")
    page.keyboard.type("<script>alert(1)</script>新的摘要。")
    page.focus("button:has-text('保存')")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "已保存" in page.inner_text(".messages")
    assert page.input_value("#f-summary") == "<script>alert(1)</script>新的摘要。"  # text, not markup
    look(page, "n3-notice-saved")
    page.set_viewport_size({"width": 640, "height": 900})  # 200 % zoom of a 1280-px screen
    for url in (NOTICE, ANNOUNCEMENT):
        page.goto(web + url)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
    look(page, "n4-announcement-form-200-percent")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.select_option("#f-urgent", "是")
    page.click("button:has-text('保存')")
    page.wait_for_load_state()
    assert "已保存" in page.inner_text(".messages")
    assert "urgent: true" in (site.content_dir / "units/gongshang/announcements.yaml").read_text("utf-8")


def test_rectification_pages(web: str, browser: Any, site: Any) -> None:
    path = site.content_dir / "units/gongshang/powers.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace('consult_phone: "0412-4827402"', 'consult_phone: "482740"', 1), "utf-8")
    office = browser.new_context(locale="zh-CN").new_page()
    login(office, web, "office")
    office.goto(web + "/office/rectifications")
    look(office, "r1-rectifications")
    office.select_option("#r-unit", "gongshang")
    office.fill("#r-deadline", "2026-12-11")
    office.click("button:has-text('生成并下发')")
    office.wait_for_load_state()
    assert "已下发" in office.inner_text(".messages") and "GK-TEL-001" in office.inner_text("table")
    look(office, "r2-rectification-detail")
    with office.expect_download() as download:
        office.click("a:has-text('下载整改意见书')")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    office.goto(web + "/office/")
    assert office.locator("a[href='/office/rectifications']:text-is('1')").count() == 1
    look(office, "r3-dashboard")

    clerk = browser.new_context(locale="zh-CN").new_page()
    login(clerk, web, "clerk")
    assert "待整改的整改意见书" in clerk.inner_text("main") and "2026-12-11" in clerk.inner_text("main")
    look(clerk, "r4-clerk-home")
    clerk.click("a:has-text('公开整改')")
    clerk.wait_for_load_state()
    clerk.click("button:has-text('复查')")
    clerk.wait_for_load_state()
    assert "仍有" in clerk.inner_text(".messages")
    assert clerk.locator("button:has-text('关闭')").count() == 0  # the office closes, not the unit
    look(clerk, "r5-clerk-recheck")
