"""The console's 依申请公开 pages: each role's allowed and refused actions, IDOR, the dashboard's
overdue and due-soon lists and the banner, the annual report's refusal; then the same flows in
a real browser with axe on every page (screenshots to $CONSOLE_SHOTS when set)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from console_support import *  # noqa: F403 - the console fixtures (accounts, site, web …)
from console_support import client_for, login, look

from signage.requests import register as reg
from signage.requests.store import STORE_FILE, Register

D = dt.date


@pytest.fixture
def register(site: Any, accounts: Any) -> Register:
    """An empty register in the console's data folder (the CLI's file)."""
    for suffix in ("", "-wal", "-shm"):
        (site.data_dir / (STORE_FILE + suffix)).unlink(missing_ok=True)
    return Register.in_folder(site.data_dir, site.today)  # the console's clock


def _add(store: Register, unit: str, received: dt.date, subject: str = "预算说明") -> reg.Request:
    return store.add(reg.Request(unit, received, "网络", "自然人", subject))


def test_clerk_registers_extends_and_answers_own_units_request(register: Register) -> None:
    clerk = client_for("clerk")  # gongshang
    page = client_for("clerk").get("/requests/new").content.decode()
    assert '<option value="gongshang"' in page and "jiaotong" not in page
    response = clerk.post("/requests/new", {"unit": "gongshang", "received": "2026-09-30", "channel": "网络",
                                            "applicant": "商业企业", "subject": "<script>alert(1)</script>"})
    assert response.status_code == 302
    item = register.requests(["gongshang"])[0]
    detail = clerk.get(f"/requests/{item.id}/").content.decode()
    assert "2026-11-03" in detail and "&lt;script&gt;" in detail and "<script>alert" not in detail
    clerk.post(f"/requests/{item.id}/extend",
               {"approved": "2026-10-20", "approver": "赵丽", "reason": "需汇总"})
    assert register.get(item.id).extension_approver == "赵丽"
    assert "2026-12-01" in clerk.get(f"/requests/{item.id}/").content.decode()
    clerk.post(f"/requests/{item.id}/answer", {"outcome": "部分公开", "answered": "2026-11-25", "note": ""})
    answered = register.get(item.id)
    assert (answered.outcome, answered.answered) == ("部分公开", D(2026, 11, 25))
    from signage.console.audit.models import AuditEntry
    assert {"request-add", "request-extend", "request-answer"} <= set(
        AuditEntry.objects.values_list("action", flat=True))


def test_console_refuses_a_date_after_the_sites_today_and_invisible_text(register: Register) -> None:
    """The form shows why (a year typed wrong, a bidi mark pasted in) and stores nothing; the same
    request with the right date and clean text registers (the console's clock: 2026-11-27)."""
    clerk = client_for("clerk")
    good = {"unit": "gongshang", "received": "2026-11-27", "channel": "网络", "applicant": "自然人",
            "subject": "预算说明"}
    for bad, message in ((dict(received="2062-11-27"), "收到日期 2062-11-27 晚于今天（2026-11-27）"),
                         (dict(subject="预算\u202e说明"), "申请内容第 3 个字符是不可见的文字方向控制符"),
                         (dict(subject="预算\x1b说明"), "申请内容第 3 个字符是不可见的控制字符")):
        page = clerk.post("/requests/new", {**good, **bad}).content.decode()
        assert message in page, bad
        assert register.requests() == []
    assert clerk.post("/requests/new", good).status_code == 302
    (item,) = register.requests()
    page = clerk.post(f"/requests/{item.id}/answer", {"outcome": "予以公开", "answered": "2026-12-01",
                                                      "note": ""}, follow=True).content.decode()
    assert "答复日期 2026-12-01 晚于今天" in page and register.get(item.id).open


def test_pages_warn_when_a_deadline_falls_in_a_year_without_holiday_data(register: Register) -> None:
    from signage.text.workdays import COVERED_YEARS

    office = client_for("office")
    covered = _add(register, "gongshang", D(2026, 9, 30))
    for url in ("/requests/", f"/requests/{covered.id}/"):
        assert "法定节假日安排缺失" not in office.get(url).content.decode()
    later = Register(register.path, lambda: D(COVERED_YEARS[-1] + 1, 3, 2))  # a spring past the data
    late = _add(later, "gongshang", D(COVERED_YEARS[-1] + 1, 3, 1))
    warning = f"注意：{COVERED_YEARS[-1] + 1} 年的法定节假日安排缺失"
    assert warning in office.get(f"/requests/{late.id}/").content.decode()
    assert warning in office.get("/requests/").content.decode()
    assert "法定节假日安排缺失" not in office.get(f"/requests/{covered.id}/").content.decode()


def test_supplement_correction_void_and_delete_in_the_console(register: Register) -> None:
    from signage.console.audit.models import AuditEntry

    clerk, office = client_for("clerk"), client_for("office")  # clerk: gongshang
    item = _add(register, "gongshang", D(2026, 9, 30))
    assert "登记补正通知" in clerk.get(f"/requests/{item.id}/").content.decode()
    clerk.post(f"/requests/{item.id}/supplement/ask", {"day": "2026-10-16"})  # past the 7 working days
    assert register.get(item.id).supplement_asked is None
    clerk.post(f"/requests/{item.id}/supplement/ask", {"day": "2026-10-09"})
    page = clerk.get(f"/requests/{item.id}/").content.decode()
    assert "收到补正后重新计算" in page and "待补正" in page and "登记收到补正" in page
    clerk.post(f"/requests/{item.id}/supplement/received", {"day": "2026-10-19"})
    page = clerk.get(f"/requests/{item.id}/").content.decode()
    assert "2026-11-16" in page and "2026-10-19 收到补正" in page
    # a correction, with its reason in the history on the page
    form = clerk.get(f"/requests/{item.id}/edit").content.decode()
    assert 'value="2026-09-30"' in form
    clerk.post(f"/requests/{item.id}/edit", {"unit": "gongshang", "received": "2026-09-30",
                                             "channel": "信函", "applicant": "自然人", "subject": "预算说明",
                                             "applicant_name": "", "reason": "申请方式录错"})
    assert register.get(item.id).channel == "信函"
    page = clerk.get(f"/requests/{item.id}/").content.decode()
    assert "申请方式：“网络” → “信函”（原因：申请方式录错）" in page
    # a clerk voids, only the office deletes
    twin = _add(register, "gongshang", D(2026, 9, 30), "重复的申请")
    assert "删除原因" not in clerk.get(f"/requests/{twin.id}/").content.decode()
    assert clerk.post(f"/requests/{twin.id}/delete", {"reason": "重复"}).status_code == 403
    clerk.post(f"/requests/{twin.id}/void", {"reason": "重复登记"})
    assert register.get(twin.id).voided == "重复登记"
    assert "重复的申请" not in clerk.get("/requests/").content.decode()
    assert "删除原因" in office.get(f"/requests/{item.id}/").content.decode()
    assert office.post(f"/requests/{twin.id}/delete", {"reason": "重复"}).status_code == 302
    assert office.get(f"/requests/{twin.id}/").status_code == 404
    assert {"request-supplement-ask", "request-supplement-received", "request-edit", "request-void",
            "request-delete"} <= set(AuditEntry.objects.values_list("action", flat=True))


def test_a_clerk_cannot_reach_another_units_request(register: Register) -> None:
    mine = _add(register, "gongshang", D(2026, 11, 2))
    theirs = _add(register, "jiaotong", D(2026, 11, 2), "交通局的申请")
    clerk = client_for("clerk")
    assert clerk.get(f"/requests/{mine.id}/").status_code == 200
    assert clerk.get(f"/requests/{theirs.id}/").status_code == 404
    assert "交通局的申请" not in clerk.get("/requests/").content.decode()
    assert clerk.get("/requests/?unit=jiaotong").status_code == 404
    # posting another unit's id changes nothing
    assert clerk.post(f"/requests/{theirs.id}/answer", {"outcome": "予以公开", "answered": "2026-11-10"}
                      ).status_code == 404
    assert register.get(theirs.id).open
    clerk.post("/requests/new", {"unit": "jiaotong", "received": "2026-11-02", "channel": "网络",
                                 "applicant": "自然人", "subject": "冒充"})
    assert [r.subject for r in register.requests(["jiaotong"])] == ["交通局的申请"]
    # the office can do it
    office = client_for("office")
    assert office.post(f"/requests/{theirs.id}/answer", {"outcome": "予以公开", "answered": "2026-11-10"}
                       ).status_code == 302
    assert not register.get(theirs.id).open


def test_reviewers_have_no_register_and_anonymous_users_sign_in(register: Register) -> None:
    assert client_for("reviewer").get("/requests/").status_code == 403
    assert client_for().get("/requests/").status_code == 302
    assert client_for("clerk").get("/requests/annual").status_code == 403


def test_extension_refused_when_the_first_deadline_passed(register: Register) -> None:
    item = _add(register, "gongshang", D(2026, 9, 30))  # due 2026-11-03
    clerk = client_for("clerk")
    response = clerk.post(f"/requests/{item.id}/extend", {"approved": "2026-11-04", "approver": "赵丽",
                                                          "reason": "晚了"}, follow=True)
    assert "原答复期限 2026-11-03 已过" in response.content.decode()
    assert register.get(item.id).extended_on is None


def test_dashboard_lists_and_banner(register: Register) -> None:
    office = client_for("office")
    assert "没有逾期或即将到期的申请" in office.get("/office/").content.decode()
    assert 'class="msg error banner"' not in office.get("/office/").content.decode()
    # due 2026-11-05 (Sat 10-10 worked); TODAY is 2026-11-27
    late = _add(register, "gongshang", D(2026, 10, 9), "逾期的申请")
    soon = _add(register, "jiaotong", D(2026, 10, 26), "快到期的申请")  # due 2026-11-23 → overdue too
    soon2 = _add(register, "jiaotong", D(2026, 11, 3), "五日内到期")  # due 2026-12-01: 3 working days left
    page = office.get("/office/").content.decode()
    assert "依申请公开：2 件已超过答复期限，1 件 5 个工作日内到期。" in page
    assert page.index("逾期的申请") < page.index("快到期的申请") < page.index("五日内到期")
    assert "剩 3 个工作日" in page and "已逾期 16 个工作日" in page
    # the clerk sees their own unit's reminder only
    clerk_page = client_for("clerk").get("/unit/gongshang/").content.decode()
    assert "依申请公开：1 件已超过答复期限。" in clerk_page
    assert {late.id, soon.id, soon2.id}


def test_annual_report_in_the_console_and_its_refusal(register: Register, site: Any) -> None:
    _add(register, "gongshang", D(2026, 3, 2))
    office = client_for("office")
    page = office.post("/requests/annual", {"year": "2026", "scope": "county"}).content.decode()
    assert "台安县人民政府2026年政府信息公开工作年度报告" in page
    assert office.get("/requests/annual/2026/2026-county-年度报告.xlsx").status_code == 200
    assert office.get("/requests/annual/2026/..%2Fconsole.sqlite3").status_code == 404
    assert office.get("/requests/annual/2026/console.sqlite3").status_code == 404
    figures = site.content_dir / "annual" / "2026.yaml"
    figures.write_text(figures.read_text("utf-8") + "    表三补录:\n"
                       "      - {行: 二、上年结转政府信息公开申请数量, 列: 法律服务机构, 数: 1}\n", "utf-8")
    page = office.post("/requests/annual", {"year": "2026", "scope": "taixi"}).content.decode()
    assert "报告未生成" in page and "“四、结转下年度继续办理”行“法律服务机构”列" in page


# -- the real browser --------------------------------------------------------------------------------

def _look(page: Any, name: str) -> None:
    look(page, f"requests-{name}")


def test_register_flows_in_the_browser(web: str, register: Register, browser: Any) -> None:
    _add(register, "jiaotong", D(2026, 10, 9), "某桥梁检测报告")  # overdue on TODAY
    context = browser.new_context()
    page = context.new_page()
    login(page, web, "clerk")
    page.click("nav >> text=依申请公开")
    _look(page, "clerk-list")
    page.click("text=登记新申请")
    page.fill("#id_received", "2026-11-20")
    page.select_option("#id_channel", "信函")
    page.select_option("#id_applicant", "科研机构")
    page.fill("#id_subject", "近三年市场主体登记统计数据")
    _look(page, "new")
    page.click("button:has-text('登记')")
    page.wait_for_load_state()
    assert "答复期限 2026-12-18" in page.inner_text("main")
    page.fill("#e-approver", "赵丽")
    page.fill("#e-reason", "数据量大需汇总")
    page.fill("#e-approved", "2026-11-27")
    page.click("button:has-text('批准延期')")
    page.wait_for_load_state()
    # chinese_calendar 1.11 has no 2027 schedule yet: Monday–Friday (1 January counted)
    assert "新的答复期限 2027-01-15" in page.inner_text("main")
    _look(page, "detail")
    page.click("text=更正登记内容")
    page.wait_for_load_state()
    page.fill("#id_reason", "申请内容录入不全")
    page.fill("#id_subject", "近三年市场主体登记统计数据（按行业）")
    _look(page, "edit")
    page.click("button:has-text('保存更正')")
    page.wait_for_load_state()
    assert "申请内容录入不全" in page.inner_text("main")
    page.select_option("#a-outcome", "予以公开")
    page.click("button:has-text('保存答复')")
    page.wait_for_load_state()
    assert "已记录答复：予以公开" in page.inner_text("main")
    context.close()

    context = browser.new_context()
    page = context.new_page()
    login(page, web, "office")
    page.goto(web + "/office/")
    assert "1 件已超过答复期限" in page.inner_text(".banner")
    assert "某桥梁检测报告" in page.inner_text("main")
    _look(page, "dashboard")
    page.goto(web + "/requests/")
    _look(page, "office-list")
    page.goto(web + "/requests/cases")
    page.select_option("#id_unit", "taixi")
    page.select_option("#id_kind", "复议后起诉")
    page.select_option("#id_result", "结果纠正")
    page.click("button:has-text('登记案件')")
    page.wait_for_load_state()
    assert "复议后起诉" in page.inner_text("tbody")
    _look(page, "cases")
    page.goto(web + "/requests/annual")
    page.select_option("#scope", "gongshang")
    page.click("button:has-text('生成报告')")
    page.wait_for_load_state()
    _look(page, "annual")
    html = page.get_attribute("a[href$='.html']", "href")
    page.goto(web + html)
    assert "三、收到和处理政府信息公开申请情况" in page.inner_text("main")
    _look(page, "report-html")
    context.close()
