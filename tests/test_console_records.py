"""The notice and announcement forms through Django's test client: every field saved through the
same round-trip path as the power-item form, live check with the catalogue's rules (attachments
resolved in the unit's own folder), conflicts, per-unit authorisation, escaping, audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from conftest import TODAY
from console_support import *  # noqa: F403 - the console fixtures (accounts, site …)
from console_support import client_for, csrf_token, form_values

from signage.catalogue.checking import check_content

NOTICE_KEY = "台工商发〔2026〕2号"
NOTICE = f"/unit/gongshang/notice/{NOTICE_KEY}/"
NOTICES_FILE = Path("units/gongshang/notices.yaml")
ANNOUNCEMENT = "/unit/gongshang/announcement/gongshang-nianbao/"
ANNOUNCEMENTS_FILE = Path("units/gongshang/announcements.yaml")


def save(client: Any, url: str, **changes: Any) -> Any:
    values = form_values(client, url)
    values.update(changes)
    return client.post(url, values)


def unit(site: Any) -> Any:
    return check_content(site.content_dir, TODAY).catalogue.units["gongshang"]


def test_unit_page_links_every_record_to_its_form(accounts: dict) -> None:
    page = client_for("clerk").get("/unit/gongshang/").content.decode()
    assert "/unit/gongshang/notice/%E5%8F%B0" in page and f'href="{ANNOUNCEMENT}"' in page


def test_notice_form_shows_every_field(accounts: dict) -> None:
    page = client_for("clerk").get(NOTICE).content.decode()
    for label in ("标题", "文种", "发文机关", "文号", "成文日期", "公开属性", "密级", "摘要", "正文", "附件",
                  "发布渠道", "有效期自", "有效期至"):
        assert f">{label}</" in page, label
    values = form_values(client_for("clerk"), NOTICE)
    assert values["kind"] == "通知" and values["disclosure"] == "主动公开" and values["date"] == "2026-01-05"
    assert values["body"].startswith("各市场主体：\n\n根据")
    assert values["channels"] == ["led", "kiosk", "board"]


def test_notice_save_keeps_the_rest_of_the_file(site: Any, accounts: dict) -> None:
    path = site.content_dir / NOTICES_FILE
    original = "# 工商局的政府信息\n" + path.read_text("utf-8")
    path.write_text(original, "utf-8")
    body = "各市场主体：\n\n第一段。\n\n第二段，监督电话：0412-4827403。"
    response = save(client_for("clerk"), NOTICE, summary="新的摘要。", body=body, valid_until="2027-06-30",
                    channels=["kiosk"])
    assert response.status_code == 302 and unquote(response["Location"]) == NOTICE
    saved = path.read_text("utf-8")
    assert saved.startswith("# 工商局的政府信息\n") and "summary: 新的摘要。" in saved
    assert "    body: |\n      各市场主体：\n\n      第一段。" in saved  # a block, as a clerk writes it
    second = original[original.index("  - title: 台安县工商行政管理局关于开展"):]
    assert saved.endswith(second)  # the other notice, byte for byte
    notice = unit(site).notices[0]
    assert notice.summary == "新的摘要。" and notice.body.rstrip() == body and notice.channels == ["kiosk"]
    assert notice.valid_until.isoformat() == "2027-06-30" and notice.updated == TODAY


def test_notice_attachments_saved_and_checked(site: Any, accounts: dict) -> None:
    """An attachment is a title and a file in the unit's folder: a missing file is GK-ATTACH-001
    in the live check, a file that is there passes (the draft is checked against the real folder)."""
    clerk = client_for("clerk")
    values = form_values(clerk, NOTICE)
    missing = {**values, "attachments": "附件1：名册 | files/名册.pdf"}
    rules = {f["rule"] for f in clerk.post(NOTICE + "check", missing).json()["findings"]}
    assert "GK-ATTACH-001" in rules
    folder = site.content_dir / "units/gongshang/files"
    folder.mkdir()
    (folder / "名册.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    rules = {f["rule"] for f in clerk.post(NOTICE + "check", missing).json()["findings"]}
    assert not {r for r in rules if r.startswith("GK-ATTACH")}, rules
    assert "files/名册.pdf" in clerk.get(NOTICE).content.decode()  # listed for the clerk
    assert save(clerk, NOTICE, attachments="附件1：名册 | files/名册.pdf").status_code == 302
    notice = unit(site).notices[0]
    assert [(a.title, a.file) for a in notice.attachments] == [("附件1：名册", "files/名册.pdf")]
    broken = clerk.post(NOTICE, {**form_values(clerk, NOTICE), "attachments": "只有标题"})
    assert broken.status_code == 200 and "缺少文件" in broken.content.decode()


def test_notice_live_check_finds_a_bad_doc_number_without_saving(site: Any, accounts: dict) -> None:
    clerk = client_for("clerk")
    before = (site.content_dir / NOTICES_FILE).read_bytes()
    values = form_values(clerk, NOTICE)
    unchanged = {f["rule"] for f in clerk.post(NOTICE + "check", values).json()["findings"]}
    assert not {r for r in unchanged if r.startswith("GK-DOC")}, unchanged
    found = clerk.post(NOTICE + "check", {**values, "doc_number": "台工商发[2026]第02号",
                                          "classification": "秘密"}).json()["findings"]
    assert len({f["rule"] for f in found} - unchanged) >= 2, found
    assert all(f["message"] for f in found)
    assert (site.content_dir / NOTICES_FILE).read_bytes() == before


def test_changing_the_doc_number_moves_the_record(site: Any, accounts: dict) -> None:
    response = save(client_for("clerk"), NOTICE, doc_number="台工商发〔2026〕3号")
    assert response.status_code == 302 and "3%E5%8F%B7" in response["Location"]
    assert unit(site).notices[0].doc_number == "台工商发〔2026〕3号"


def test_announcement_form_saves_every_field(site: Any, accounts: dict) -> None:
    clerk = client_for("clerk")
    values = form_values(clerk, ANNOUNCEMENT)
    assert values["urgent"] == "否" and values["valid_from"] == "2026-01-01"
    text = "元旦假期（2027年1月1日至1月3日）暂停对外办公。"
    response = clerk.post(ANNOUNCEMENT, {**values, "text": text, "urgent": "是", "valid_until": "2027-01-04",
                                         "channels": ["led"]})
    assert response.status_code == 302
    saved = (site.content_dir / ANNOUNCEMENTS_FILE).read_text("utf-8")
    assert "urgent: true" in saved and "  - id: gongshang-quancheng-dianzi" in saved
    first = unit(site).announcements[0]
    assert (first.text, first.urgent, first.channels) == (text, True, ["led"])
    assert first.valid_until.isoformat() == "2027-01-04"
    empty = clerk.post(ANNOUNCEMENT, {**form_values(clerk, ANNOUNCEMENT), "text": ""})
    assert empty.status_code == 200 and "公告内容不能为空" in empty.content.decode()


def test_announcement_conflict_is_refused(site: Any, accounts: dict) -> None:
    clerk = client_for("clerk")
    values = form_values(clerk, ANNOUNCEMENT)
    assert clerk.post(ANNOUNCEMENT, {**values, "text": "第一次修改。"}).status_code == 302
    path = site.content_dir / ANNOUNCEMENTS_FILE
    mine = path.read_text("utf-8")
    response = clerk.post(ANNOUNCEMENT, {**values, "text": "用旧表单的第二次修改。"})
    assert response.status_code == 200 and "已被修改" in response.content.decode()
    assert path.read_text("utf-8") == mine


def test_other_units_records_are_404_and_reviewers_403(site: Any, accounts: dict) -> None:
    """IDOR: the same form is there for the clerk's own unit, not for another unit's records."""
    other = unit_of(site, "jiaotong")
    notice_url = f"/unit/jiaotong/notice/{other.notices[0].key}/"
    assert client_for("office").get(notice_url).status_code == 200  # it exists
    clerk = client_for("clerk")
    before = (site.content_dir / "units/jiaotong/notices.yaml").read_bytes()
    assert clerk.get(notice_url).status_code == 404
    assert clerk.post(notice_url, {"title": "x"}).status_code == 404
    assert clerk.post(notice_url + "check", {"title": "x"}).status_code == 404
    if other.announcements:
        url = f"/unit/jiaotong/announcement/{other.announcements[0].key}/"
        assert client_for("office").get(url).status_code == 200
        assert clerk.get(url).status_code == 404 and clerk.post(url, {"text": "x"}).status_code == 404
    assert (site.content_dir / "units/jiaotong/notices.yaml").read_bytes() == before
    assert client_for("reviewer").get(NOTICE).status_code == 403
    assert client_for("reviewer").post(ANNOUNCEMENT, {"text": "x"}).status_code == 403
    assert clerk.get("/unit/gongshang/notice/没有这个文号/").status_code == 404


def unit_of(site: Any, unit_id: str) -> Any:
    return check_content(site.content_dir, TODAY).catalogue.units[unit_id]


def test_forms_need_csrf(accounts: dict) -> None:
    clerk = client_for("clerk", csrf=True)
    assert clerk.post(ANNOUNCEMENT, {"text": "x"}).status_code == 403
    values = form_values(clerk, ANNOUNCEMENT)
    token = csrf_token(clerk, ANNOUNCEMENT)
    signed = {**values, "text": "有令牌。", "csrfmiddlewaretoken": token}
    assert clerk.post(ANNOUNCEMENT, signed).status_code == 302


@pytest.mark.parametrize("url", [NOTICE, ANNOUNCEMENT])
def test_hostile_text_is_escaped(site: Any, accounts: dict, url: str) -> None:
    clerk = client_for("clerk")
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    field = "title" if "notice" in url else "text"
    assert save(clerk, url, **{field: hostile}).status_code == 302
    for page in (clerk.get("/unit/gongshang/").content.decode(), clerk.get(url).content.decode()):
        assert "<script>alert" not in page and "<img src=x" not in page and "&lt;script&gt;" in page


def test_saves_are_audited_with_digests(site: Any, accounts: dict) -> None:
    from signage.console.audit.models import AuditEntry

    start = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    before = unit(site).announcements[0].content_digest
    save(client_for("clerk"), ANNOUNCEMENT, text="审计测试。")
    entry = AuditEntry.objects.filter(id__gt=start, action="save").get()
    assert entry.target == "gongshang/announcements/gongshang-nianbao" and entry.actor == "clerk"
    assert entry.before == before and entry.after == unit(site).announcements[0].content_digest != before
    assert "text" in entry.detail
