"""运行评估 does not hold the request: the POST returns while the run is still going (held at a gate
before the real assessment, so the test sees the in-between state without timing anything); the
page says 进行中 and its script (a static file: the CSP stays strict) asks a status URL until the run
is over, then shows the page again (axe-core rejects a meta refresh, WCAG 2.2.1); a second
click while it runs starts nothing and says so; then the page shows the result, the run is stored
once, and the audit log names who started it. A run that fails says why, in Chinese."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import serious_violations
from console_published import publish, published_site
from console_support import *  # noqa: F403 - the console fixtures (accounts, site …)
from console_support import PASSWORD, audit_entries, client_for
from playwright.sync_api import expect

REFRESH = 'id="assessment-running"'  # what the page's script (static/assessments.js) polls for


def test_run_returns_at_once_and_the_page_follows(site: Any, accounts: dict, tmp_path: Path,
                                                  monkeypatch: Any) -> None:
    from signage.console.office import assessment_jobs, assessment_views

    site = published_site(site, tmp_path)
    publish(site.content_dir, site.data_dir)
    gate, started = threading.Event(), threading.Event()
    monkeypatch.setattr(assessment_views, "_assess", _wrap(gate, started, assessment_views._assess))
    office = client_for("office")
    page = office.get("/office/assessments").content.decode()
    assert "还没有评估" in page and REFRESH not in page
    try:
        response = office.post("/office/assessments/run")
        assert response.status_code == 302 and response["Location"] == "/office/assessments"
        assert started.wait(30)
        page = office.get("/office/assessments").content.decode()
        assert "评估进行中" in page and REFRESH in page and "还没有评估" in page
        assert office.get("/office/assessments/status").json()["running"] is True
        again = office.post("/office/assessments/run", follow=True).content.decode()
        assert "评估正在进行中" in again and "无需再次点击" in again
    finally:
        gate.set()
    assert assessment_jobs.wait(site, 300)
    page = office.get("/office/assessments").content.decode()
    assert REFRESH not in page and "最近一次评估已完成" in page and "评估进行中" not in page
    assert office.get("/office/assessments/status").json() == {"running": False, "failed": False,
                                                               "stem": assessment_jobs.state(site).stem}
    assert client_for("clerk").get("/office/assessments/status").status_code == 403
    assert len(list((site.data_dir / "assessments").glob("*.json"))) == 1  # the second click ran nothing
    stem = assessment_jobs.state(site).stem
    assert f'href="/office/assessments/{stem}/assessment.html"' in page
    assert office.get(f"/office/assessments/{stem}/assessment.html").status_code == 200
    assessed = [e for e in audit_entries() if e.action == "assess"]
    assert [(e.actor, e.role, e.target) for e in assessed] == [("office", "office", f"assessment/{stem}")]


def _wrap(gate: threading.Event, started: threading.Event, real: Any) -> Any:
    """The real run, held until ``gate`` opens."""
    def work(site: Any) -> tuple[str, list[Path]]:
        started.set()
        assert gate.wait(60), "the test never opened the gate"
        return real(site)
    return work


def test_a_failed_run_says_why_in_chinese(site: Any, accounts: dict, tmp_path: Path) -> None:
    from signage.console.office import assessment_jobs

    site = published_site(site, tmp_path)
    publish(site.content_dir, site.data_dir)
    office = client_for("office")
    (site.data_dir / "assessments").write_text("not a folder", "utf-8")  # where runs are stored
    assert office.post("/office/assessments/run").status_code == 302
    assert assessment_jobs.wait(site, 300)
    page = office.get("/office/assessments").content.decode()
    assert "评估未能完成" in page and "请检查数据目录" in page and REFRESH not in page
    assert [e.detail[:3] for e in audit_entries() if e.action == "assess"] == ["失败："]
    (site.data_dir / "assessments").unlink()  # fixed: the next run succeeds
    assert office.post("/office/assessments/run").status_code == 302
    assert assessment_jobs.wait(site, 300)
    page = office.get("/office/assessments").content.decode()
    assert "最近一次评估已完成" in page and "评估未能完成" not in page


@pytest.fixture
def base(site: Any, accounts: dict, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The console on waitress (as `signage serve` runs it) on a free loopback port."""
    from signage.console.server import WebServer

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in this thread
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = WebServer("127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def test_the_page_follows_the_run_in_a_browser(base: str, page: Any, site: Any, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """In chromium: 进行中 after the click, then the result without anyone reloading; axe-core
    finds nothing serious on either state. Screenshots go to $CONSOLE_SHOTS when it is set."""
    from signage.console.office import assessment_jobs, assessment_views

    site = published_site(site, tmp_path)
    publish(site.content_dir, site.data_dir)
    gate, started = threading.Event(), threading.Event()
    monkeypatch.setattr(assessment_views, "_assess", _wrap(gate, started, assessment_views._assess))
    page.goto(base + "/login")
    page.fill("#username", "office")
    page.fill("#password", PASSWORD)
    page.click("button:has-text('登录')")
    page.goto(base + "/office/assessments")
    try:
        page.click("button:has-text('运行评估')")
        expect(page.get_by_text("评估进行中")).to_be_visible()
        assert serious_violations(page) == []
        shot(page, "assessment-running")
    finally:
        gate.set()
    expect(page.get_by_text("最近一次评估已完成")).to_be_visible(timeout=120_000)  # nobody reloaded
    assert assessment_jobs.wait(site, 60)
    assert serious_violations(page) == []
    shot(page, "assessment-done")


def shot(page: Any, name: str) -> None:
    if os.environ.get("CONSOLE_SHOTS"):
        folder = Path(os.environ["CONSOLE_SHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _restart(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a new console process has in memory about runs: nothing (the data folder stays)."""
    from signage.console.office import assessment_jobs

    monkeypatch.setattr(assessment_jobs, "_states", {})
    monkeypatch.setattr(assessment_jobs, "_threads", {})


def test_the_last_run_survives_a_restart(site: Any, accounts: dict, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from signage.console.office import assessment_jobs

    site = published_site(site, tmp_path)
    publish(site.content_dir, site.data_dir)
    office = client_for("office")
    assert office.post("/office/assessments/run").status_code == 302
    assert assessment_jobs.wait(site, 300)
    stem = assessment_jobs.state(site).stem
    _restart(monkeypatch)
    page = office.get("/office/assessments").content.decode()
    assert "最近一次评估已完成" in page and stem in page and "office 发起" in page
    assert REFRESH not in page and "评估未完成" not in page


def test_a_run_cut_off_by_a_restart_shows_as_unfinished(site: Any, accounts: dict, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The run is held at the gate while the 'new process' (empty memory) reads the state file."""
    from signage.console.office import assessment_jobs, assessment_views

    site = published_site(site, tmp_path)
    publish(site.content_dir, site.data_dir)
    gate, started = threading.Event(), threading.Event()
    monkeypatch.setattr(assessment_views, "_assess", _wrap(gate, started, assessment_views._assess))
    office = client_for("office")
    old_states, old_threads = assessment_jobs._states, assessment_jobs._threads
    try:
        assert office.post("/office/assessments/run").status_code == 302
        assert started.wait(30)
        _restart(monkeypatch)
        page = office.get("/office/assessments").content.decode()
        assert "评估未完成" in page and "请再次点击" in page and 'id="assessment-interrupted"' in page
        assert REFRESH not in page and "最近一次评估已完成" not in page
        assert office.get("/office/assessments/status").json()["running"] is False
    finally:
        monkeypatch.setattr(assessment_jobs, "_states", old_states)  # the old process's thread ends
        monkeypatch.setattr(assessment_jobs, "_threads", old_threads)
        gate.set()
    assert assessment_jobs.wait(site, 300)
    _restart(monkeypatch)
    page = office.get("/office/assessments").content.decode()
    assert "最近一次评估已完成" in page and "评估未完成" not in page


def test_an_unreadable_state_file_is_no_run(site: Any, accounts: dict) -> None:
    from signage.console.office import assessment_jobs

    (site.data_dir / assessment_jobs.STATE_FILE).write_text("{torn", "utf-8")
    page = client_for("office").get("/office/assessments").content.decode()
    assert "还没有评估" in page and "评估未完成" not in page
