"""The console end to end, as the office runs it: `signage serve` (mosquitto, publisher, web
console on waitress) and a real log player, driven in Debian's chromium.

A taixi clerk fixes an item with a finding and submits it; the reviewer approves it; the office
publishes; the player on the embedded mosquitto shows the new name; the fleet page shows the
screen on the latest version and its screenshot. axe-core on every page; screenshots saved.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from browser import serious_violations
from conftest import REPO, SAMPLE_CONTENT, TODAY
from playwright.sync_api import expect

PASSWORD = "Tai-an-2026-console"
SCREEN = "taixi-lobby-led"  # shows taixi's powers
ITEM = "TXQ-SP-001"
NEW_NAME = "农村村民宅基地审批（一次办好）"
SHOTS = Path(os.environ.get("CONSOLE_SHOTS", "")) if os.environ.get("CONSOLE_SHOTS") else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _signage(*args: str, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "signage.cli", *args], input=stdin, capture_output=True,
                          text=True, timeout=timeout, check=True)


def _wait_for(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def office(tmp_path: Path) -> Iterator[dict[str, Any]]:
    content, data = tmp_path / "content", tmp_path / "data"
    shutil.copytree(SAMPLE_CONTENT, content)
    for name, role, unit in (("taixi", "unit", "taixi"), ("wang", "reviewer", ""), ("li", "office", "")):
        _signage("users", "add", name, "--role", role, *(["--unit", unit] if unit else []),
                 "--full-name", name.upper(), "--password-stdin", "--data", str(data), stdin=PASSWORD + "\n")
    port = _free_port()
    serve_log = (tmp_path / "serve.log").open("w")
    serve = subprocess.Popen([sys.executable, "-m", "signage.cli", "serve", "--content", str(content),
                              "--screens", str(REPO / "layouts"), "--data", str(data),
                              "--web", f"127.0.0.1:{port}", "--today", TODAY.isoformat()],
                             stdout=serve_log, stderr=subprocess.STDOUT)
    player = None
    try:
        _wait_for(lambda: "web console:" in (tmp_path / "serve.log").read_text(), 60, "the console")
        url = (data / "broker.url").read_text().strip()
        config = tmp_path / "player.yaml"
        config.write_text(yaml.safe_dump({
            "screen": SCREEN, "broker": url, "public_keys": [str(data / "publisher.pub")],
            "cache_dir": str(tmp_path / "cache"), "renderer": {"seconds_per_entry": 0.05}}), "utf-8")
        player_log = tmp_path / "player.log"
        player = subprocess.Popen([sys.executable, "-m", "signage.cli", "player", "log",
                                   "--config", str(config)], stdout=player_log.open("w"),
                                  stderr=subprocess.STDOUT)
        _wait_for(lambda: "version " in player_log.read_text("utf-8"), 60, "the player's first version")
        county = yaml.safe_load((content / "county.yaml").read_text("utf-8"))["county"]
        assert len(county["review_keys"]) == 1  # from the start: the first approval reloads nothing
        yield {"base": f"http://127.0.0.1:{port}", "content": content, "player_log": player_log,
               "serve_log": tmp_path / "serve.log"}
    finally:
        if player:
            _stop(player)
        _stop(serve)


def _look(page: Any, name: str) -> None:
    """axe on the page (no serious or critical violation), and a screenshot to look at."""
    assert serious_violations(page) == [], name
    if SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _login(page: Any, base: str, name: str) -> None:
    page.goto(base + "/")
    _look(page, "login")
    page.fill("#username", name)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_load_state()


def test_clerk_reviewer_office_to_the_screen(office: dict, browser: Any) -> None:
    base = office["base"]
    assert NEW_NAME not in office["player_log"].read_text("utf-8")

    clerk = browser.new_context(locale="zh-CN").new_page()
    _login(clerk, base, "taixi")
    assert clerk.url == base + "/unit/taixi/"
    assert "GK-TYPE-002" in clerk.inner_text("body")
    _look(clerk, "1-clerk-unit")
    clerk.click(f"a[href='/unit/taixi/power/{ITEM}/']")
    assert "GK-TYPE-002" in clerk.inner_text("#live")
    _look(clerk, "2-clerk-form")
    clerk.select_option("#f-type", "行政许可")
    clerk.fill("#f-name", NEW_NAME)
    expect(clerk.locator("#live")).not_to_contain_text("GK-TYPE-002", timeout=10000)  # live check
    assert "尚未保存" in clerk.inner_text("#live") or "GK-" in clerk.inner_text("#live")
    clerk.click("button:has-text('保存')")
    clerk.wait_for_load_state()
    assert "已保存" in clerk.inner_text(".messages")
    assert "GK-TYPE-002" not in clerk.inner_text("#live")
    _look(clerk, "3-clerk-saved")
    clerk.click("button:has-text('提交保密审查')")
    clerk.wait_for_load_state()
    assert "已提交保密审查" in clerk.inner_text(".messages")

    clerk.goto(base + "/unit/taixi/")
    clerk.set_viewport_size({"width": 640, "height": 900})  # 200 % zoom of a 1280-px screen
    for url in ("/unit/taixi/", f"/unit/taixi/power/{ITEM}/"):
        clerk.goto(base + url)
        assert clerk.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), url
    _look(clerk, "3b-clerk-form-200-percent")

    reviewer = browser.new_context(locale="zh-CN").new_page()
    reviewer.goto(base + "/")  # by keyboard alone: skip link first, then the form
    reviewer.keyboard.press("Tab")
    assert reviewer.evaluate("document.activeElement.textContent") == "跳到正文"
    reviewer.keyboard.press("Tab")
    reviewer.keyboard.type("wang")
    reviewer.keyboard.press("Tab")
    reviewer.keyboard.type(PASSWORD)
    reviewer.keyboard.press("Enter")
    reviewer.wait_for_url(base + "/review/")
    assert reviewer.url == base + "/review/"
    _look(reviewer, "4-review-queue")
    reviewer.click(f"a:has-text('审查'):near(:text('{ITEM}'))")
    reviewer.wait_for_load_state()
    diff = reviewer.inner_text("table.diff")
    assert "农村村民宅基地审批" in diff and NEW_NAME in diff and "行政审批" in diff
    _look(reviewer, "5-review-detail")
    reviewer.click("button:has-text('审查通过')")
    reviewer.wait_for_load_state()
    assert "审查通过" in reviewer.inner_text(".messages")
    text = (office["content"] / "units/taixi/powers.yaml").read_text("utf-8")
    assert "account: wang" in text and "signature:" in text

    boss = browser.new_context(locale="zh-CN").new_page()
    _login(boss, base, "li")
    _look(boss, "6-dashboard")
    boss.click("button:has-text('立即发布')")
    boss.wait_for_load_state()
    _wait_for(lambda: NEW_NAME in office["player_log"].read_text("utf-8"), 60, "the new name on the player")

    boss.goto(base + "/office/fleet")
    row = boss.locator(f"#fleet tr[data-screen='{SCREEN}']")
    _wait_for(lambda: _up_to_date(row), 30, "the fleet page to show the latest version")  # live, no reload
    boss.click(f"button:has-text('截图 {SCREEN}')")
    boss.wait_for_load_state()
    assert "已收到" in boss.inner_text(".messages")
    image = boss.locator(f"img[alt='{SCREEN} 的最新截图']")
    assert image.evaluate("img => img.naturalWidth") > 0
    _look(boss, "7-fleet")
    boss.goto(base + "/office/audit")
    log = boss.inner_text("table")
    assert all(action in log for action in ("save", "submit", "approve", "publish"))
    _look(boss, "8-audit")


def _up_to_date(row: Any) -> bool:
    cells = row.locator("td").all_inner_texts()
    return len(cells) >= 3 and cells[0] == "在线" and cells[1] != "—" and cells[1] == cells[2] \
        and bool(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", cells[3]))  # local time, not ISO UTC
