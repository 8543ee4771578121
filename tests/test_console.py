"""The web console through Django's test client: every role's allowed and refused actions, the
security cases of the signage systems before us (Xibo, Anthias, PiSignage), saving, conflicts,
live check, review sealing and voiding, the audit log."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from conftest import TODAY
from console_support import *  # noqa: F403 - the console fixtures (accounts, site …)
from console_support import PASSWORD, audit_entries, client_for, csrf_token, form_values

from signage.catalogue.checking import check_content

POWER = "/unit/gongshang/power/GSJ-XK-001/"
POWERS_FILE = Path("units/gongshang/powers.yaml")


def rule_ids(site: Any, key: str) -> set[str]:
    result = check_content(site.content_dir, TODAY)
    return {f.rule.id for f in result.findings if f.subject == key}


def save(client: Any, url: str = POWER, **changes: Any) -> Any:
    values = form_values(client, url)
    values.update(changes)
    return client.post(url, values)


# --- accounts and sign-in ------------------------------------------------------------------


def test_no_default_credentials(tmp_path: Path, site: Any, accounts: dict) -> None:
    """PiSignage shipped pi:pi. Here no account exists until `signage users add` makes one."""
    import subprocess
    import sys

    listed = subprocess.run([sys.executable, "-m", "signage.cli", "users", "list", "--data", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0 and (tmp_path / "console.sqlite3").exists()
    assert not any(name in listed.stdout for name in ("admin", "office", "pi", "root")), listed.stdout
    client = client_for()
    for name, password in (("admin", "admin"), ("pi", "pi"), ("admin", "password"), ("office", "office")):
        response = client.post("/login", {"username": name, "password": password})
        assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    assert client.get("/office/").status_code == 302


def test_passwords_hashed_with_argon2(accounts: dict) -> None:
    assert accounts["clerk"].password.startswith("argon2$")


def test_login_throttled_after_failures(accounts: dict) -> None:
    client = client_for()
    assert client.post("/login", {"username": "clerk", "password": PASSWORD}).status_code == 302
    client = client_for()
    for _ in range(5):
        client.post("/login", {"username": "clerk", "password": "wrong-password"})
    refused = client.post("/login", {"username": "clerk", "password": PASSWORD})
    assert refused.status_code == 429 and "登录失败次数过多" in refused.content.decode()
    assert client.get("/unit/gongshang/").status_code == 302  # still signed out


def test_session_cookie_flags(accounts: dict) -> None:
    client = client_for("clerk")
    cookie = client.cookies["session"]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"


def test_secure_cookies_behind_tls_proxy() -> None:
    from signage.console.setup import django_settings

    settings = django_settings(Path("/tmp"), tls=True, hosts=["gk.example.gov.cn"], database_url=None)
    assert settings["SESSION_COOKIE_SECURE"] and settings["CSRF_COOKIE_SECURE"]
    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_two_factor_when_the_county_requires_it(site: Any, accounts: dict) -> None:
    import re

    import pyotp

    assert client_for("reviewer").get("/review/").status_code == 200  # off: password is enough
    county = site.content_dir / "county.yaml"
    text = county.read_text("utf-8").replace("  hand_reviews:", "  two_factor: true\n  hand_reviews:")
    county.write_text(text,
                      "utf-8")
    from signage.console.editing.checks import invalidate

    invalidate(site)
    client = client_for()
    response = client.post("/login", {"username": "reviewer", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith("/login/code")
    assert client.get("/review/").status_code == 302  # not signed in yet
    page = client.get("/login/code").content.decode()
    assert 'src="data:image/svg+xml' in page  # the QR code to enrol an authenticator app
    secret = re.search(r"<code>([A-Z2-7]+)</code>", page).group(1)
    assert client.post("/login/code", {"code": "000000"}).status_code == 200
    assert client.post("/login/code", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert client.get("/review/").status_code == 200
    clerk = client_for("clerk")  # unit clerks are not asked
    assert clerk.get("/unit/gongshang/").status_code == 200


# --- authorisation -------------------------------------------------------------------------

ANONYMOUS_GETS = ["/", "/unit/gongshang/", POWER, "/unit/gongshang/import", "/template.xlsx", "/review/",
                  "/office/", "/office/fleet", "/office/fleet/stream", "/office/audit", "/office/audit.csv",
                  "/office/fleet/county-hall-led/screenshot.png"]


@pytest.mark.parametrize("url", ANONYMOUS_GETS)
def test_anonymous_sent_to_login(site: Any, url: str) -> None:
    response = client_for().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/login")


@pytest.mark.parametrize("url", ["/console.sqlite3", "/data/console.sqlite3", "/static/console.sqlite3",
                                 "/static/..%2Fconsole.sqlite3", "/static/../../console-secret.key",
                                 "/backup", "/api/backup", "/admin/", "/static/console-review.key"])
def test_no_data_download(accounts: dict, url: str) -> None:
    """Anthias served its backup to anyone. The data folder is never served, even signed in."""
    for client in (client_for(), client_for("office")):
        assert client.get(url).status_code == 404
    assert client_for().get("/static/console.css").status_code == 200  # what is served


def test_clerk_confined_to_own_unit(site: Any, accounts: dict) -> None:
    """Xibo's reports answered any id. A clerk who edits the URL gets 404, and nothing changes."""
    clerk = client_for("clerk")
    assert clerk.get("/unit/gongshang/").status_code == 200
    assert clerk.get(POWER).status_code == 200
    other_file = site.content_dir / "units/jiaotong/powers.yaml"
    before = other_file.read_bytes()
    other_key = check_content(site.content_dir, TODAY).catalogue.units["jiaotong"].powers[0].key
    assert clerk.get("/unit/jiaotong/").status_code == 404
    assert clerk.get(f"/unit/jiaotong/power/{other_key}/").status_code == 404
    assert clerk.post(f"/unit/jiaotong/power/{other_key}/", {"name": "x"}).status_code == 404
    assert clerk.post(f"/unit/jiaotong/power/{other_key}/check", {"name": "x"}).status_code == 404
    assert clerk.post(f"/unit/jiaotong/powers/{other_key}/submit").status_code == 404
    assert clerk.post("/unit/jiaotong/import").status_code == 404
    assert other_file.read_bytes() == before


@pytest.mark.parametrize(("who", "url", "allowed"), [
    ("clerk", "/review/", False), ("clerk", "/office/", False), ("clerk", "/office/audit", False),
    ("clerk", "/office/audit.csv", False), ("clerk", "/office/fleet", False),
    ("reviewer", "/review/", True), ("reviewer", "/office/", False), ("reviewer", POWER, False),
    ("reviewer", "/unit/gongshang/", True), ("office", "/office/", True), ("office", "/review/", True),
    ("office", "/office/audit", True), ("office", POWER, True), ("office", "/unit/jiaotong/", True),
])
def test_role_pages(accounts: dict, who: str, url: str, allowed: bool) -> None:
    assert client_for(who).get(url).status_code == (200 if allowed else 403)


def test_clerk_cannot_approve(site: Any, accounts: dict) -> None:
    clerk = client_for("clerk")
    assert save(clerk, name="市场主体设立登记（一网通办）").status_code == 302
    assert clerk.post("/unit/gongshang/powers/GSJ-XK-001/submit").status_code == 302
    from signage.console.review.models import Submission

    submission = Submission.objects.get()
    assert clerk.post(f"/review/{submission.pk}/approve").status_code == 403
    assert client_for("office").post(f"/review/{submission.pk}/approve").status_code == 403
    assert "signature" not in (site.content_dir / POWERS_FILE).read_text("utf-8")
    assert client_for("reviewer").post(f"/review/{submission.pk}/approve").status_code == 302
    assert "signature:" in (site.content_dir / POWERS_FILE).read_text("utf-8")


# --- CSRF, XSS, headers ----------------------------------------------------------------------


def test_csrf_on_every_post(accounts: dict) -> None:
    """Xibo let a page elsewhere make an admin through the signed-in user's browser."""
    office = client_for("office", csrf=True)
    assert office.post("/office/publish").status_code == 403
    token = csrf_token(office, "/office/")
    assert office.post("/office/publish", {"csrfmiddlewaretoken": token}).status_code == 302
    clerk = client_for("clerk", csrf=True)
    assert clerk.post(POWER, {"name": "x"}).status_code == 403
    assert clerk.post("/logout").status_code == 403
    anonymous = client_for(csrf=True)
    assert anonymous.post("/login", {"username": "clerk", "password": PASSWORD}).status_code == 403


def test_no_account_creation_over_the_web(accounts: dict) -> None:
    from django.contrib.auth.models import User

    assert User.objects.count() == len(accounts)
    office = client_for("office")
    for url in ("/admin/", "/users", "/users/add", "/accounts/add", "/office/users"):
        assert office.post(url, {"username": "evil", "password1": "x", "role": "office"}).status_code == 404
    assert not User.objects.filter(username="evil").exists()


def test_stored_xss_is_escaped(site: Any, accounts: dict) -> None:
    """Anthias rendered an asset's name as HTML. Content is hostile: it is text on every page."""
    clerk = client_for("clerk")
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    assert save(clerk, name=hostile).status_code == 302
    assert hostile in (site.content_dir / POWERS_FILE).read_text("utf-8")
    key = "GSJ-XK-001"
    clerk.post(f"/unit/gongshang/powers/{key}/submit")
    for client, url in ((clerk, "/unit/gongshang/"), (clerk, POWER), (client_for("office"), "/office/audit"),
                        (client_for("reviewer"), "/review/")):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page
    from signage.console.review.models import Submission

    detail = client_for("reviewer").get(f"/review/{Submission.objects.get().pk}/").content.decode()
    assert "&lt;script&gt;alert" in detail and "<script>alert" not in detail


def test_security_headers(accounts: dict) -> None:
    response = client_for("clerk").get(POWER)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "<script>" not in page and "http://" not in page and "https://" not in page  # no inline, no CDN


# --- editing -------------------------------------------------------------------------------------


def test_save_keeps_comments_order_and_other_fields(site: Any, accounts: dict) -> None:
    path = site.content_dir / POWERS_FILE
    original = "# 本文件由工商局维护\n" + path.read_text("utf-8").replace(
        "    department: 登记注册股\n", "    department: 登记注册股  # 2026 年调整\n", 1)
    path.write_text(original, "utf-8")
    response = save(client_for("clerk"), place="台安县政务服务中心二楼3号窗口")
    assert response.status_code == 302
    saved = path.read_text("utf-8")
    assert saved.startswith("# 本文件由工商局维护\n") and "登记注册股  # 2026 年调整" in saved
    assert "place: 台安县政务服务中心二楼3号窗口" in saved
    changed = [(a, b) for a, b in zip(original.splitlines(), saved.splitlines(), strict=False) if a != b]
    assert len(changed) == 2, changed  # the place and the updated date, nothing else
    assert 'updated: "2026-11-27"' in saved or "updated: '2026-11-27'" in saved
    item = check_content(site.content_dir, TODAY).catalogue.units["gongshang"].powers[0]
    assert item.place == "台安县政务服务中心二楼3号窗口" and item.updated == TODAY


def test_edit_conflict_is_refused(site: Any, accounts: dict) -> None:
    """Two editors: the second save does not overwrite the first."""
    clerk = client_for("clerk")
    values = form_values(clerk, POWER)
    path = site.content_dir / POWERS_FILE
    colleague = path.read_text("utf-8").replace("登记注册股", "登记注册科", 1)
    path.write_text(colleague, "utf-8")
    response = clerk.post(POWER, {**values, "place": "别处"})
    assert response.status_code == 200 and "已被修改" in response.content.decode()
    assert path.read_text("utf-8") == colleague


def test_form_refuses_what_it_cannot_write(site: Any, accounts: dict) -> None:
    before = (site.content_dir / POWERS_FILE).read_bytes()
    response = save(client_for("clerk"), statutory_days="二十天")
    assert response.status_code == 200 and "请填写工作日天数" in response.content.decode()
    assert (site.content_dir / POWERS_FILE).read_bytes() == before


def test_live_check_uses_the_rules_without_saving(site: Any, accounts: dict) -> None:
    clerk = client_for("clerk")
    values = form_values(clerk, POWER)
    unchanged = {f["rule"] for f in clerk.post(POWER + "check", values).json()["findings"]}
    assert unchanged <= {"GK-REVIEW-004", "GK-REVIEW-007"}  # saving dates the record: review again
    before = (site.content_dir / POWERS_FILE).read_bytes()
    broken = {**values, "legal_basis": "按有关规定办理", "consult_phone": "482740"}
    found = clerk.post(POWER + "check", broken).json()
    rules = {f["rule"] for f in found["findings"]}
    assert {"GK-BASIS-001", "GK-TEL-001"} <= rules or len(rules) >= 2, rules
    assert all(f["message"] and f["advice"] for f in found["findings"])
    assert (site.content_dir / POWERS_FILE).read_bytes() == before


def test_flowchart_steps_round_trip(site: Any, accounts: dict) -> None:
    steps = ("申请 | 申请人\n受理 | 窗口 | 1\n  材料齐全 -> 审查\n  材料不全 -> 补正\n补正 | 窗口\n"
             "审查 | 审核岗 | 2\n办结 | 窗口")
    assert save(client_for("clerk"), flowchart=steps).status_code == 302
    item = check_content(site.content_dir, TODAY).catalogue.units["gongshang"].powers[0]
    assert [s.name for s in item.flowchart.steps] == ["申请", "受理", "补正", "审查", "办结"]
    branches = [(b.when, b.to) for b in item.flowchart.steps[1].branches]
    assert branches == [("材料齐全", "审查"), ("材料不全", "补正")]
    assert item.flowchart.steps[3].days == 2


# --- review -----------------------------------------------------------------------------------------


def test_review_seals_the_content_and_a_later_change_voids_it(site: Any, accounts: dict) -> None:
    clerk, reviewer = client_for("clerk"), client_for("reviewer")
    assert "GK-REVIEW-004" not in rule_ids(site, "GSJ-XK-001")
    save(clerk, name="市场主体设立登记（全程电子化）")
    assert "GK-REVIEW-004" in rule_ids(site, "GSJ-XK-001")  # changed after the hand-typed review: held
    clerk.post("/unit/gongshang/powers/GSJ-XK-001/submit")
    from signage.console.review.models import Submission

    submission = Submission.objects.get()
    page = reviewer.get(f"/review/{submission.pk}/").content.decode()
    assert "市场主体设立登记（全程电子化）" in page and "市场主体设立登记" in page and "事项名称" in page
    assert reviewer.post(f"/review/{submission.pk}/approve").status_code == 302
    text = (site.content_dir / POWERS_FILE).read_text("utf-8")
    assert "account: reviewer" in text and "digest: sha256:" in text
    assert not {r for r in rule_ids(site, "GSJ-XK-001") if r.startswith("GK-REVIEW")}
    save(clerk, hours="周一至周五 8:30—12:00")  # the same day: still voids the review
    assert "GK-REVIEW-005" in rule_ids(site, "GSJ-XK-001")


def test_forged_review_is_refused(site: Any, accounts: dict) -> None:
    clerk, reviewer = client_for("clerk"), client_for("reviewer")
    save(clerk, name="市场主体设立登记（全程电子化）")
    clerk.post("/unit/gongshang/powers/GSJ-XK-001/submit")
    from signage.console.review.models import Submission

    reviewer.post(f"/review/{Submission.objects.get().pk}/approve")
    path = site.content_dir / POWERS_FILE
    text = path.read_text("utf-8")
    path.write_text(text.replace("account: reviewer", "account: someone-else"), "utf-8")
    assert "GK-REVIEW-006" in rule_ids(site, "GSJ-XK-001")


def test_change_after_submission_cannot_be_approved(site: Any, accounts: dict) -> None:
    clerk, reviewer = client_for("clerk"), client_for("reviewer")
    save(clerk, name="甲")
    clerk.post("/unit/gongshang/powers/GSJ-XK-001/submit")
    save(clerk, name="乙")
    from signage.console.review.models import Submission

    response = reviewer.post(f"/review/{Submission.objects.get().pk}/approve", follow=True)
    assert "提交之后内容又被修改过" in response.content.decode()
    assert "signature" not in (site.content_dir / POWERS_FILE).read_text("utf-8")


def test_return_with_reason(site: Any, accounts: dict) -> None:
    clerk, reviewer = client_for("clerk"), client_for("reviewer")
    save(clerk, name="甲")
    clerk.post("/unit/gongshang/powers/GSJ-XK-001/submit")
    from signage.console.review.models import Submission

    pk = Submission.objects.get().pk
    refused = reviewer.post(f"/review/{pk}/return", {"reason": " "}, follow=True)
    assert "须写明原因" in refused.content.decode()
    reviewer.post(f"/review/{pk}/return", {"reason": "含有个人手机号，请删除"})
    assert "含有个人手机号，请删除" in clerk.get("/unit/gongshang/").content.decode()


def test_hand_typed_reviews_held_when_the_county_says_so(site: Any, accounts: dict) -> None:
    page = client_for("clerk").get("/unit/gongshang/").content.decode()
    assert "未经系统确认" in page
    assert "GK-REVIEW-007" in rule_ids(site, "GSJ-XK-001")  # a warning: still published
    county = site.content_dir / "county.yaml"
    county.write_text(county.read_text("utf-8").replace("hand_reviews: 发布", "hand_reviews: 暂缓"), "utf-8")
    assert "GK-REVIEW-008" in rule_ids(site, "GSJ-XK-001")


# --- audit --------------------------------------------------------------------------------------------


def test_audit_log_of_changes(site: Any, accounts: dict) -> None:
    clerk, reviewer, office = client_for("clerk"), client_for("reviewer"), client_for("office")
    save(clerk, name="甲")
    clerk.post("/unit/gongshang/powers/GSJ-XK-001/submit")
    from signage.console.audit.models import AuditEntry
    from signage.console.review.models import Submission

    reviewer.post(f"/review/{Submission.objects.get().pk}/approve")
    entries = list(audit_entries().order_by("id").values_list("actor", "action", "target", "before",
                                                                 "after"))
    ignored = ("login", "login-failed", "user")
    actions = [(actor, action) for actor, action, *_ in entries if action not in ignored]
    assert actions == [("clerk", "save"), ("clerk", "submit"), ("reviewer", "approve")]
    saved = next(e for e in entries if e[1] == "save")
    assert saved[3].startswith("sha256:") and saved[4].startswith("sha256:") and saved[3] != saved[4]
    response = office.get("/office/audit.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("时间,账号,角色,操作")
    assert "修改内容" in text and "审查通过" in text and saved[4] in text
    with pytest.raises(PermissionError):
        AuditEntry.objects.first().delete()


def test_audit_log_append_only_in_the_database(site: Any, accounts: dict) -> None:
    """Below the application: raw SQL can add a row but neither change nor delete one."""
    from django.db import DatabaseError, connection, transaction

    from signage.console.audit.log import record

    entry = record(None, "login-failed", "raw-sql-test", actor="tester")
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO audit_auditentry (time, actor, role, action, target, before, after,"
                       " detail) VALUES (CURRENT_TIMESTAMP, 'raw', '', 'login', 'inserted', '', '', '')")
    for statement in ("UPDATE audit_auditentry SET actor = 'forged' WHERE id = %s",
                      "DELETE FROM audit_auditentry WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        audit_entries().filter(pk=entry.pk).update(actor="forged")  # the ORM's bulk path too
    assert audit_entries().get(pk=entry.pk).actor == "tester"
    assert audit_entries().filter(target="inserted").exists()


def test_audit_csv_defuses_formulas(site: Any) -> None:
    from signage.console.audit.log import csv_rows, record

    record(None, "login-failed", "=HYPERLINK(\"http://x\")", actor="=cmd")

    text = "".join(csv_rows(audit_entries()))
    assert "'=HYPERLINK" in text and ",'=cmd," in text


# --- import and template -------------------------------------------------------------------------------


def _upload(client: Any, name: str, data: bytes) -> str:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post("/unit/gongshang/import", {"sheet": SimpleUploadedFile(name, data)}).content.decode()


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_template_and_import_with_cell_findings(site: Any, accounts: dict) -> None:
    clerk = client_for("clerk")
    template = clerk.get("/template.xlsx")
    assert template.status_code == 200
    assert b"".join(template.streaming_content)[:2] == b"PK"
    csv_text = ("事项名称,事项编码,事项类型,承办机构,设定依据,法定时限,承诺时限,是否收费,办理地点,监督电话\n"
                "个体工商户登记,GSJ-XK-009,行政许可,登记注册股,《个体工商户条例》第八条,15,二十,否,政务服务中心,0412-4822310\n")
    page = _upload(clerk, "清单.csv", csv_text.encode("utf-8"))
    assert "导入结果" in page and "新增 1" in page, page[-3000:]
    assert "清单.csv" in page  # sheet!cell findings name the uploaded file
    assert "GSJ-XK-009" in (site.content_dir / "units/gongshang/powers.yaml").read_text("utf-8") or any(
        "GSJ-XK-009" in p.read_text("utf-8") for p in (site.content_dir / "units/gongshang").glob("*.yaml"))


def test_zip_slip_and_bombs_refused(site: Any, accounts: dict) -> None:
    clerk = client_for("clerk")
    before = sorted(p.name for p in (site.content_dir / "units/gongshang").rglob("*"))
    slip = {"../../../../tmp/evil.sh": b"echo owned", "[Content_Types].xml": b"<x/>"}
    page = _upload(clerk, "清单.xlsx", _zip(slip))
    assert "可疑的路径" in page
    page = _upload(clerk, "清单.xlsx", _zip({"xl/worksheets/sheet1.xml": b"\0" * (60 * 1024 * 1024)}))
    assert "压缩比异常" in page or "超过" in page
    assert "只能上传" in _upload(clerk, "清单.exe", b"MZ")
    assert "无法解压" in _upload(clerk, "清单.xlsx", b"not a zip")
    assert sorted(p.name for p in (site.content_dir / "units/gongshang").rglob("*")) == before


def test_upload_size_limited(site: Any, accounts: dict) -> None:
    page = _upload(client_for("clerk"), "清单.csv", b"a," * (3 * 1024 * 1024))
    assert "超过上限" in page


def test_xml_entities_not_expanded() -> None:
    """openpyxl parses through defusedxml when it is installed (a console dependency)."""
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True


# --- office --------------------------------------------------------------------------------


def test_dashboard_and_publish(site: Any, accounts: dict) -> None:
    requested = []
    site.request_publish = lambda: requested.append(dt.datetime.now())
    office = client_for("office")
    page = office.get("/office/").content.decode()
    assert "台安县工商行政管理局" in page and "暂缓发布" in page
    assert office.post("/office/publish").status_code == 302
    assert len(requested) == 1
    assert client_for("clerk").post("/office/publish").status_code == 403
    assert len(requested) == 1


def test_listen_beyond_loopback_refused() -> None:
    from signage.console.server import BindError, check_bind, parse_bind

    check_bind("127.0.0.1", None)
    check_bind("::1", None)
    for host in ("0.0.0.0", "192.168.1.10", "::"):
        with pytest.raises(BindError, match="TLS"):
            check_bind(host, None)
        with pytest.raises(BindError, match="https"):
            check_bind(host, "http://gk.example.gov.cn")
        check_bind(host, "https://gk.example.gov.cn")
    assert parse_bind("127.0.0.1:8080") == ("127.0.0.1", 8080)
    with pytest.raises(BindError):
        parse_bind("127.0.0.1")


def test_users_cli(tmp_path: Path) -> None:
    import subprocess
    import sys

    def users(*args: str, password: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "signage.cli", "users", *args, "--data", str(tmp_path)],
                              input=password + "\n", capture_output=True, text=True, timeout=120)

    weak = users("add", "zhang", "--role", "unit", "--unit", "gongshang", "--password-stdin",
                 password="12345")
    assert weak.returncode != 0 and "密码不符合要求" in weak.stderr
    no_unit = users("add", "zhang", "--role", "unit", "--password-stdin", password=PASSWORD)
    assert no_unit.returncode != 0 and "--unit" in no_unit.stderr
    assert users("add", "zhang", "--role", "unit", "--unit", "gongshang", "--password-stdin",
                 password=PASSWORD).returncode == 0
    assert users("passwd", "zhang", "--password-stdin", password=PASSWORD + "-2").returncode == 0
    assert users("passwd", "nobody", "--password-stdin", password=PASSWORD).returncode != 0
    listed = users("list")
    assert "zhang" in listed.stdout and "gongshang" in listed.stdout


def test_fleet_times_are_local() -> None:
    """Players report UTC; the office reads Beijing time (or the county's time_zone)."""
    from types import SimpleNamespace

    from signage.console.office.times import local, zone_of

    shanghai = zone_of(SimpleNamespace())
    assert local("2026-12-03T06:35:40Z", shanghai) == "2026-12-03 14:35:40"
    assert local("2026-12-03T06:35:40+00:00", shanghai) == "2026-12-03 14:35:40"
    assert local("2026-12-03T23:10:00", shanghai) == "2026-12-04 07:10:00"  # no zone: UTC
    assert local("2026-12-03T14:35:40+08:00", shanghai) == "2026-12-03 14:35:40"
    urumqi = zone_of(SimpleNamespace(time_zone="Asia/Urumqi"))
    assert local("2026-12-03T06:35:40Z", urumqi) == "2026-12-03 12:35:40"
    assert zone_of(SimpleNamespace(time_zone="Mars/Olympus")) == shanghai
    assert local(None, shanghai) is None and local("昨天", shanghai) == "昨天"
