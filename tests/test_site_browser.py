"""The web column in a real browser (Debian's chromium through Playwright): search by pinyin
initials to an item, the kiosk's QR URL opens the item's page, axe-core on every template, phone
and desktop screenshots, 200 % zoom without sideways scrolling, and pages without JavaScript."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import serious_violations
from conftest import COUNTY, NOTICE, POWER, TODAY, patched

from players.board.compose import _column_url
from players.kiosk.content import KioskContent
from players.plan import Entry
from signage.catalogue.checking import check_content
from signage.site.build import build_site

SECOND = patched(POWER, {"name": "失业保险金申领", "code": "CSJ-JF-001", "type": "行政给付",
                         "flowchart": {"steps": [{"name": "申领"}, {"name": "审核", "days": "2"}]}})
TEMPLATES = {"home": "index.html", "unit": "xzql/demo/index.html", "item": "xzql/demo/CSJ-XK-001.html",
             "notice": None, "unit-catalogue": "zfxxgk/demo/mulu.html", "catalogue": "zfxxgk/mulu.html",
             "guide": "zfxxgk/demo/zhinan.html", "search": "search.html?q=jsgc"}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site(content, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    out = tmp_path / "site"
    out.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    root = content.write(county=COUNTY | {"site_url": base}, powers=[POWER, SECOND], notices=[NOTICE])
    build_site(check_content(root, TODAY), out, TODAY)
    try:
        yield base, out
    finally:
        server.shutdown()
        server.server_close()


def _notice_path(out: Path) -> str:
    return next(p for p in (out / "zfxxgk/demo").glob("*.html") if p.stem not in ("mulu", "zhinan")) \
        .relative_to(out).as_posix()


def _local_only(page, base: str) -> list[str]:
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((base, "data:")) else outside.append(r.url))
    return outside


def test_home_search_by_pinyin_initials_to_the_item(site, page) -> None:
    base, _ = site
    outside = _local_only(page, base)
    page.goto(base + "index.html")
    assert page.locator("h1").inner_text().startswith("台安县")
    page.fill("#q", "jsgc")  # 建设工程
    page.click("form[role=search] button")
    page.wait_for_selector("body[data-search-ready]")
    first = page.locator("#search-results ol.hits li a").first
    assert first.inner_text() == "建设工程规划许可证核发"
    first.click()
    page.wait_for_url("**/xzql/demo/CSJ-XK-001.html")
    assert page.locator("h1").inner_text() == "建设工程规划许可证核发"
    assert page.locator("svg.flowchart title").text_content() == "建设工程规划许可证核发办理流程图"
    page.goto(base + "search.html?q=sybxj")  # full pinyin and initials mixed: 失业保险金
    page.wait_for_selector("body[data-search-ready]")
    assert page.locator("#search-results ol.hits li a").first.inner_text() == "失业保险金申领"
    assert outside == []


def test_the_qr_url_a_kiosk_prints_opens_the_items_page(site, page) -> None:
    base, out = site
    county = check_content(out.parent / "content", TODAY).catalogue.county
    kiosk = KioskContent(county={"online_url": county.online_url})
    entry = Entry(kind="powers", unit="demo", key="CSJ-JF-001", ref="", data={"code": "CSJ-JF-001"})
    url = kiosk.item_url(entry)
    assert url == base + "xzql/demo/CSJ-JF-001.html"
    response = page.goto(url)
    assert response.status == 200
    assert page.locator("h1").inner_text() == "失业保险金申领"
    board_qr = _column_url(county.online_url, "demo")  # the board's supervision box
    assert board_qr == base + "xzql/demo/"
    assert page.goto(board_qr).status == 200
    assert page.locator("h1").inner_text() == "台安县测试局"


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_every_template_has_no_serious_accessibility_violations(site, page, name, tmp_path) -> None:
    base, out = site
    path = TEMPLATES[name] or _notice_path(out)
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(base + path)
        if name == "search":
            page.wait_for_selector("body[data-search-ready]")
        page.screenshot(path=str(tmp_path / f"site-{name}-{width}.png"), full_page=True)
        assert serious_violations(page) == [], f"{name} at {width}px"
    assert page.evaluate("document.documentElement.lang") == "zh-CN"


@pytest.mark.parametrize("path", ["xzql/demo/CSJ-XK-001.html", "zfxxgk/demo/mulu.html", "index.html"])
def test_200_percent_zoom_reflows_without_sideways_scrolling(site, page, path) -> None:
    base, _ = site
    page.set_viewport_size({"width": 640, "height": 800})  # 1280 px at 200 %: 640 CSS px
    page.goto(base + path)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    page.set_viewport_size({"width": 320, "height": 640})  # 1280 px at 400 % (WCAG 1.4.10)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_large_text_mode_and_keyboard_skip_link(site, page) -> None:
    base, _ = site
    page.goto(base + "xzql/demo/CSJ-XK-001.html")
    size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.click(".large-toggle")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") > size * 1.2
    page.goto(base + "index.html")  # remembered on the next page
    assert page.evaluate("document.documentElement.classList.contains('large')")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_pages_work_without_javascript(site, browser) -> None:
    base, _ = site
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(base + "search.html?q=jsgc")
        fallback = page.locator("#search-fallback a", has_text="台安县测试局").first
        assert fallback.is_visible()
        fallback.click()
        page.locator("a", has_text="建设工程规划许可证核发").first.click()
        assert page.locator("h1").inner_text() == "建设工程规划许可证核发"
        assert page.locator(".large-toggle").is_hidden()  # a button that would do nothing is not shown
    finally:
        context.close()
