"""Assessments in the console: 运行评估 runs the `signage assess` code path on the data folder
(stored for trends, report written), the list shows each run, and the HTML report, its CSV and
整改意见书 are served only by a stored run's name and a listed file name (no path traversal, no
symlink out), under a sandboxed CSP without script; hostile names are escaped; office only,
CSRF on the POST, an audit entry per run."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

from console_published import publish, published_site
from console_support import *  # noqa: F403 - the console fixtures (accounts, site …)
from console_support import audit_entries, client_for, csrf_token

HOSTILE = "<script>alert(1)</script>工商局"


def run(client: Any) -> list[str]:
    response = client.post("/office/assessments/run")
    assert response.status_code == 302 and response["Location"] == "/office/assessments"
    finished()
    return run_names(client)


def finished() -> None:
    """The run goes on a worker thread (test_console_assessment_jobs.py): wait for its end."""
    from signage.console.office import assessment_jobs
    from signage.console.site import current

    assert assessment_jobs.wait(current(), 300)


def run_names(client: Any) -> list[str]:
    page = client.get("/office/assessments").content.decode()
    return re.findall(r'href="/office/assessments/([0-9T-]+)/assessment.html"', page)


def hostile_unit_name(site: Any) -> None:
    path = site.content_dir / "units/gongshang/unit.yaml"
    text = path.read_text("utf-8")
    name = re.search(r"^  name: (.*)$", text, re.M).group(1)
    path.write_text(text.replace(f"  name: {name}", f'  name: "{HOSTILE}"', 1), "utf-8")


def test_run_list_and_report(site: Any, accounts: dict, tmp_path: Path) -> None:
    site = published_site(site, tmp_path)
    hostile_unit_name(site)
    publish(site.content_dir, site.data_dir)
    office = client_for("office")
    assert "还没有评估" in office.get("/office/assessments").content.decode()
    first = run(office)
    assert len(first) == 1 and len(list((site.data_dir / "assessments").glob("*.json"))) == 1
    second = run(office)
    assert len(second) == 2 and second[1] == first[0]  # newest first; both kept (trends)
    report = office.get(f"/office/assessments/{first[0]}/assessment.html")
    assert report.status_code == 200 and report["Content-Type"].startswith("text/html")
    csp = report["Content-Security-Policy"]
    assert "sandbox" in csp and "script-src 'none'" in csp and "default-src 'none'" in csp
    html = b"".join(report.streaming_content).decode()
    assert "<svg" in html and "排名" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;工商局" in html and "<script>" not in html
    csv = office.get(f"/office/assessments/{first[0]}/assessment.csv")
    assert csv.status_code == 200 and "attachment" in csv["Content-Disposition"]
    link = re.search(r'href="notices/([^"]+\.pdf)"', html)
    assert link, "the report links each unit's 整改意见书"
    pdf = office.get(f"/office/assessments/{first[0]}/notices/{link.group(1)}")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    saved = tmp_path / "notice.pdf"
    saved.write_bytes(b"".join(pdf.streaming_content))
    text = subprocess.run(["pdftotext", str(saved), "-"], capture_output=True, text=True, check=True).stdout
    assert "整改意见书" in text
    assessed = [e for e in audit_entries() if e.action == "assess"]
    assert len(assessed) == 2 and assessed[0].actor == "office"


def test_reports_refuse_traversal_and_other_roles(site: Any, accounts: dict, tmp_path: Path) -> None:
    site = published_site(site, tmp_path)
    publish(site.content_dir, site.data_dir)
    guarded = client_for("office", csrf=True)
    assert guarded.post("/office/assessments/run").status_code == 403  # no CSRF token: refused
    assert not (site.data_dir / "assessments").exists()
    token = csrf_token(guarded, "/office/assessments")
    assert guarded.post("/office/assessments/run", {"csrfmiddlewaretoken": token}).status_code == 302
    finished()
    office = client_for("office")
    stem = run_names(office)[0]
    assert office.get(f"/office/assessments/{stem}/assessment.html").status_code == 200
    folder = site.data_dir / "assessment-reports" / stem
    (folder / "key.pdf").symlink_to(site.review_key_path)  # a link planted in the folder
    (site.data_dir / "assessment-reports" / "2026-01-01T000000").mkdir()  # a folder, no stored run
    (site.data_dir / "assessment-reports" / "2026-01-01T000000" / "assessment.html").write_text("x")
    for url in (f"/office/assessments/{stem}/key.pdf",
                f"/office/assessments/{stem}/..%2F..%2Fconsole-review.key",
                f"/office/assessments/{stem}/notices/..%2F..%2F..%2Fconsole-review.key",
                f"/office/assessments/{stem}/console-review.key",
                f"/office/assessments/..%2F{stem}/assessment.html",
                "/office/assessments/2026-01-01T000000/assessment.html",
                f"/office/assessments/{stem}/nothere.html"):
        assert office.get(url).status_code == 404, url
    for name in ("clerk", "other", "reviewer"):
        client = client_for(name)
        assert client.get("/office/assessments").status_code == 403, name
        assert client.get(f"/office/assessments/{stem}/assessment.html").status_code == 403, name
        assert client.post("/office/assessments/run").status_code == 403, name
    assert client_for().get(f"/office/assessments/{stem}/assessment.html").status_code == 302
