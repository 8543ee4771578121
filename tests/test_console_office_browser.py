"""The office's pages in a real browser (Debian's chromium through Playwright) against the console
on waitress (the ``web`` fixture), over a data folder as `signage serve` leaves it after a
publish with one play recorded: proof of play per unit (reached from the dashboard), assessments
(run one, open its report), boards (download a PDF, 送打印站 over a real mosquitto). Each page:
axe-core without a serious or critical violation, its main action by keyboard alone (Tab to it,
Enter), and no horizontal scrolling at 640 px (200 % zoom). Screenshots go to $CONSOLE_SHOTS."""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path
from typing import Any

from console_published import entries, log_plays, publish, published_site
from console_support import *  # noqa: F403 - the console fixtures (accounts, site, web …)
from console_support import audit_entries, fits_at_200_percent, login, look, tab_to
from playwright.sync_api import expect

PAGES = ("/office/", "/office/coverage/gongshang/", "/office/assessments", "/office/boards")


def office_site(site: Any, tmp_path: Path, broker: Any) -> Any:
    """The sample county published into its own data folder, with the publisher's key there so
    送打印站 sends a real signed command."""
    from signage.console.site import install
    from signage.contract.keys import init_keys
    from signage.fleet.commands import send_command

    site = published_site(site, tmp_path)
    init_keys(site.data_dir)
    data = site.data_dir
    return install(dataclasses.replace(
        site, send_command=lambda screen, name: send_command(broker.url, data, screen, name, timeout=10)))


def enter(page: Any, selector: str, timeout: float = 60) -> None:
    """Tab to ``selector`` and press Enter; wait for the page it leads to."""
    tab_to(page, selector)
    with page.expect_navigation(timeout=timeout * 1000):
        page.keyboard.press("Enter")


def test_office_pages_by_keyboard(web: str, browser: Any, site: Any, tmp_path: Path, broker: Any) -> None:
    site = office_site(site, tmp_path, broker)
    build = publish(site.content_dir, site.data_dir)
    mine = [e for e in entries(build, "county-hall-led") if e["unit"] == "gongshang"]
    log_plays(site.data_dir, "county-hall-led", mine[:1])
    page = browser.new_context(locale="zh-CN").new_page()
    login(page, web, "office")

    page.goto(web + "/office/")
    enter(page, "a[href='/office/coverage/gongshang/']")
    assert page.url == web + "/office/coverage/gongshang/"
    assert f"本单位 {len(mine)} 条，已播放 1 条" in page.inner_text("main")
    look(page, "office-coverage")

    page.goto(web + "/office/assessments")
    assert "还没有评估" in page.inner_text("main")
    enter(page, "button:has-text('运行评估')")  # the request returns at once; a worker runs it
    assert "评估已开始" in page.inner_text(".messages")
    expect(page.get_by_text("最近一次评估已完成")).to_be_visible(timeout=240_000)  # nobody reloaded
    page.goto(web + "/office/assessments")  # a fresh load: the keyboard starts from the top
    look(page, "office-assessments")
    tab_to(page, "a[href$='/assessment.html']")  # by keyboard; the report itself runs no script
    report = page.locator("a[href$='/assessment.html']").get_attribute("href")
    # its CSP sandbox stops every script, axe's too: read it in a context that lets axe in
    reader = browser.new_context(locale="zh-CN", bypass_csp=True, storage_state=page.context.storage_state())
    shown = reader.new_page()
    shown.goto(web + report)
    assert "排名" in shown.inner_text("body") and shown.locator("svg").count() >= 1
    look(shown, "office-assessment-report")
    reader.close()

    page.goto(web + "/office/boards")
    look(page, "office-boards")
    with page.expect_download() as download:
        tab_to(page, "a[href='/boards/renshe-board/renshe.pdf']")
        page.keyboard.press("Enter")
    pdf = tmp_path / "renshe.pdf"
    pdf.write_bytes(Path(download.value.path()).read_bytes())
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "人力资源和社会保障局" in text
    sent = [e for e in audit_entries() if e.action == "command"]
    assert sent == []
    enter(page, "button:has-text('送打印站：renshe-board')")
    assert "已发送到 renshe-board 的打印站" in page.inner_text(".messages")
    assert [e.target for e in audit_entries() if e.action == "command"] == ["screen/renshe-board"]
    look(page, "office-boards-sent")

    for url in PAGES:
        fits_at_200_percent(page, web + url)
    page.goto(web + "/office/coverage/gongshang/")
    look(page, "office-coverage-200-percent")
