"""运行评估 does not hold the request: the POST returns while the run is still going (held at a gate
before the real assessment, so the test sees the in-between state without timing anything); the
page says 进行中 and refreshes itself (meta refresh, no script: the CSP stays strict); a second
click while it runs starts nothing and says so; then the page shows the result, the run is stored
once, and the audit log names who started it. A run that fails says why, in Chinese."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from console_published import publish, published_site
from console_support import *  # noqa: F403 - the console fixtures (accounts, site …)
from console_support import audit_entries, client_for

REFRESH = '<meta http-equiv="refresh"'


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
        assert "<script>" not in page.split("</head>")[0]  # the refresh is markup, not script
        again = office.post("/office/assessments/run", follow=True).content.decode()
        assert "评估正在进行中" in again and "无需再次点击" in again
    finally:
        gate.set()
    assert assessment_jobs.wait(site, 300)
    page = office.get("/office/assessments").content.decode()
    assert REFRESH not in page and "最近一次评估已完成" in page and "评估进行中" not in page
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
