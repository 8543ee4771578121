"""整改意见书 in the console: the office issues one for a unit's findings (a real PDF, read back
with pdftotext), the clerk sees it with its deadline, a re-check runs the checker on the unit's
files as they are now, and only a clean re-check lets the office close it. Per-unit access, CSRF,
escaping and the audit log as on every page."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from console_support import *  # noqa: F403 - the console fixtures (accounts, site …)
from console_support import audit_entries, client_for, csrf_token

POWERS = Path("units/gongshang/powers.yaml")
GOOD_PHONE = 'consult_phone: "0412-4827402"'
HOSTILE = "<script>alert(1)</script>"


def break_phone(site: Any, phone: str = "482740") -> str:
    path = site.content_dir / POWERS
    text = path.read_text("utf-8")
    path.write_text(text.replace(GOOD_PHONE, f'consult_phone: "{phone}"', 1), "utf-8")
    return text


def issue(client: Any, unit: str = "gongshang", deadline: str = "2026-12-11", **extra: Any) -> Any:
    return client.post("/office/rectifications/issue", {"unit": unit, "deadline": deadline, **extra})


def latest() -> Any:
    from signage.console.rectification.models import Rectification

    return Rectification.objects.order_by("-id").first()


@pytest.fixture(autouse=True)
def _no_notices(site: Any) -> None:
    from signage.console.rectification.models import Rectification

    Rectification.objects.all().delete()  # the test's reset (QuerySet.delete), not the app's


def test_issue_recheck_close(site: Any, accounts: dict, tmp_path: Path) -> None:
    office = client_for("office")
    refused = issue(office, errors_only="1")
    assert refused.status_code == 302 and latest() is None  # no error to rectify: no notice
    original = break_phone(site)
    assert "10 个工作日后" in office.get("/office/rectifications").content.decode()
    response = issue(office)
    notice = latest()
    assert response.status_code == 302 and response["Location"] == f"/rectification/{notice.pk}/"
    assert notice.unit == "gongshang" and notice.deadline.isoformat() == "2026-12-11" and notice.is_open
    assert "GK-TEL-001" in {f["rule"] for f in notice.findings} and notice.error_count >= 1
    assert notice.doc_number == "台安公开整改〔2026〕1号"
    pdf = tmp_path / "notice.pdf"
    download = office.get(f"/rectification/{notice.pk}.pdf")
    assert download["Content-Type"] == "application/pdf" and download.content.startswith(b"%PDF")
    pdf.write_bytes(download.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "整改意见书" in text and "GK-TEL-001" in text.replace(" ", "")
    flat = text.replace(" ", "")
    assert "台安公开整改〔2026〕1号" in flat and "2026年12月11日前" in flat  # the number and deadline
    dashboard = office.get("/office/").content.decode()
    assert '<a href="/office/rectifications">1</a>' in dashboard

    clerk = client_for("clerk")
    home = clerk.get("/unit/gongshang/").content.decode()
    assert notice.doc_number in home and "2026-12-11" in home
    assert clerk.get(f"/rectification/{notice.pk}/").status_code == 200

    page = office.post(f"/rectification/{notice.pk}/close")  # not re-checked yet: refused
    assert page.status_code == 302 and latest().is_open
    clerk.post(f"/rectification/{notice.pk}/recheck")
    assert latest().remaining and not latest().checked_clean  # still broken
    office.post(f"/rectification/{notice.pk}/close")
    assert latest().is_open
    (site.content_dir / POWERS).write_text(original, "utf-8")  # the clerk fixes it
    office.post(f"/rectification/{notice.pk}/recheck")
    assert latest().checked_clean and latest().new_findings == 0
    assert latest().remaining  # the hand-typed reviews' warnings (advice) are still there
    assert clerk.post(f"/rectification/{notice.pk}/close").status_code == 403  # the office closes
    office.post(f"/rectification/{notice.pk}/close")
    assert latest().status == "closed" and latest().closed_by == "office"
    assert notice.doc_number not in clerk.get("/unit/gongshang/").content.decode()
    assert '<a href="/office/rectifications">1</a>' not in office.get("/office/").content.decode()

    actions = list(audit_entries().filter(action__startswith="rectify").order_by("id")
                   .values_list("actor", "action"))
    assert actions == [("office", "rectify-issue"), ("clerk", "rectify-recheck"),
                       ("office", "rectify-recheck"), ("office", "rectify-close")]


def test_deadline_must_be_a_later_date(site: Any, accounts: dict) -> None:
    break_phone(site)
    office = client_for("office")
    for deadline in ("2026-11-27", "2026-11-01", "明天", ""):
        issue(office, deadline=deadline)
        assert latest() is None, deadline
    issue(office, deadline="2026-11-28")
    assert latest() is not None


def test_errors_only_leaves_warnings_out(site: Any, accounts: dict) -> None:
    office = client_for("office")
    issue(office, unit="taixi")  # taixi has warnings only
    assert latest() is not None and latest().error_count == 0 and latest().findings
    first = latest().pk
    issue(office, unit="taixi", errors_only="1")
    assert latest().pk == first  # no errors: nothing to issue
    break_phone(site)
    issue(office, errors_only="1")
    assert {f["severity"] for f in latest().findings} == {"error"}


def test_other_units_notices_are_404(site: Any, accounts: dict) -> None:
    """IDOR: jiaotong's clerk changing the id in the URL sees nothing and changes nothing."""
    break_phone(site)
    issue(client_for("office"))
    notice = latest()
    other = client_for("other")
    assert client_for("clerk").get(f"/rectification/{notice.pk}.pdf").status_code == 200
    for url in (f"/rectification/{notice.pk}/", f"/rectification/{notice.pk}.pdf"):
        assert other.get(url).status_code == 404
    assert other.post(f"/rectification/{notice.pk}/recheck").status_code == 404
    assert latest().checked_at is None
    assert notice.doc_number not in other.get("/unit/jiaotong/").content.decode()
    assert other.get("/office/rectifications").status_code == 403
    assert other.post("/office/rectifications/issue", {"unit": "jiaotong", "deadline": "2026-12-11"}
                      ).status_code == 403
    reviewer = client_for("reviewer")
    assert reviewer.get(f"/rectification/{notice.pk}/").status_code == 403
    assert reviewer.get("/office/rectifications").status_code == 403
    assert client_for().get(f"/rectification/{notice.pk}.pdf").status_code == 302  # to the login page


def test_issue_needs_csrf(site: Any, accounts: dict) -> None:
    break_phone(site)
    office = client_for("office", csrf=True)
    assert issue(office).status_code == 403 and latest() is None
    token = csrf_token(office, "/office/rectifications")
    assert issue(office, csrfmiddlewaretoken=token).status_code == 302 and latest() is not None


def test_hostile_content_in_findings_is_escaped(site: Any, accounts: dict) -> None:
    path = site.content_dir / POWERS
    path.write_text(path.read_text("utf-8").replace('code: "GSJ-XK-001"', f'code: "{HOSTILE}"', 1), "utf-8")
    office = client_for("office")
    issue(office)
    notice = latest()
    assert HOSTILE in {f["subject"] for f in notice.findings}  # a unit's text, in the notice
    for client in (office, client_for("clerk")):
        page = client.get(f"/rectification/{notice.pk}/").content.decode()
        assert "<script>alert" not in page
