"""依申请公开: deadlines over the 2025/2026 holidays and 调休, extension, carry-over, table 3's
rules, the sample county's report against tables filled by hand, and every output read back."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from signage.catalogue.loader import load_catalogue
from signage.catalogue.model import Notice
from signage.cli import main
from signage.office.annual_report.compose import compose_report
from signage.office.annual_report.figures import FiguresError, load_figures
from signage.office.annual_report.proactive import count_rules
from signage.office.annual_report.write import write_report
from signage.requests import register as reg
from signage.requests.annual import Figures, ReportRefused, build_report
from signage.requests.importing import read_register_csv
from signage.requests.store import Case, Register
from signage.requests.tables import CARRIED_IN, CARRIED_OUT, NEW, TOTAL, sum_problems, table3
from signage.requests.vocab import parse_outcome
from signage.text.workdays import COVERED_YEARS, WorkCalendar

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "content"
D = dt.date


def request(received: dt.date, applicant: str = "自然人", **kw: object) -> reg.Request:
    return reg.Request("taixi", received, "网络", applicant, "某项政府信息", **kw)  # type: ignore[arg-type]


# -- deadlines: each date below was counted by hand on the State Council's schedule -------------

@pytest.mark.parametrize(("received", "due", "extended"), [
    # Fri before 2025 国庆+中秋 (10-01…10-08 off; Sun 09-28 and Sat 10-11 worked)
    (D(2025, 9, 26), D(2025, 10, 30), D(2025, 11, 27)),
    # Fri before 2025 春节 (01-28…02-04 off; Sun 01-26 and Sat 02-08 worked)
    (D(2025, 1, 24), D(2025, 2, 27), D(2025, 3, 27)),
    # received on an adjusted workday, Sat 2026-02-14, just before 2026 春节
    # (02-15…02-23 off, Sat 02-28 worked)
    (D(2026, 2, 14), D(2026, 3, 20), D(2026, 4, 20)),
    # Wed before 2026 国庆 (10-01…10-07 off; Sat 10-10 worked)
    (D(2026, 9, 30), D(2026, 11, 3), D(2026, 12, 1)),
    # across the year end: 2026 元旦 (01-01…01-03 off; Sun 01-04 worked)
    (D(2025, 12, 31), D(2026, 1, 29), D(2026, 3, 4)),
])
def test_deadline_counts_working_days_with_holidays_and_adjusted_workdays(
        received: dt.date, due: dt.date, extended: dt.date) -> None:
    calendar = WorkCalendar()
    r = request(received)
    assert reg.deadline(r, calendar) == due
    r.extended_on = received
    assert reg.deadline(r, calendar) == extended


def first_uncovered_monday() -> dt.date:
    """The first Monday of March in the first year chinese-calendar has no schedule for (2027
    with 1.11): whatever the package's version, a year it does not cover."""
    day = D(COVERED_YEARS[-1] + 1, 3, 1)
    return day + dt.timedelta(days=-day.weekday() % 7)


def test_a_deadline_in_a_year_without_holiday_data_is_counted_on_weekdays_with_a_warning() -> None:
    calendar = WorkCalendar()
    reg.deadline(request(D(2026, 9, 30)), calendar)  # within the schedule: no warning
    assert calendar.notes() == []
    received = first_uncovered_monday()
    # Monday + 20 weekdays: Tue–Fri (4), three full weeks (19), the fifth Monday (20)
    assert reg.deadline(request(received), calendar) == received + dt.timedelta(days=28)
    (note,) = calendar.notes()
    assert f"{received.year} 年的法定节假日安排缺失" in note and "周一至周五" in note
    assert "pip install -U chinese-calendar" in note


def test_overdue_and_due_within_five_working_days() -> None:
    calendar = WorkCalendar()
    r = request(D(2026, 9, 30))  # due 2026-11-03 (Tue)
    assert not reg.overdue(r, D(2026, 11, 3), calendar) and reg.overdue(r, D(2026, 11, 4), calendar)
    assert reg.due_soon(r, D(2026, 10, 28), calendar)  # Wed: 28, 29, 30, 2, 3 = 5 working days left
    assert not reg.due_soon(r, D(2026, 10, 27), calendar)  # 6 left
    assert not reg.due_soon(r, D(2026, 11, 4), calendar)  # overdue, not "due soon"
    r.answered, r.outcome = D(2026, 10, 28), "予以公开"
    assert not reg.due_soon(r, D(2026, 10, 28), calendar) and reg.answered_in_time(r, calendar)


def test_extension_once_with_approval_before_the_first_deadline(tmp_path: Path) -> None:
    calendar = WorkCalendar()
    store = Register.in_folder(tmp_path)
    first = store.add(request(D(2025, 9, 26)))
    with pytest.raises(reg.RequestError, match="批准人"):
        store.extend(first.id, D(2025, 10, 20), " ", "需征询第三方", calendar)
    with pytest.raises(reg.RequestError, match="已过"):
        store.extend(first.id, D(2025, 10, 31), "刘建国", "需征询第三方", calendar)  # due 10-30
    extended = store.extend(first.id, D(2025, 10, 30), "刘建国", "需征询第三方", calendar)
    assert reg.deadline(extended, calendar) == D(2025, 11, 27)
    assert (extended.extension_approver, extended.extension_reason) == ("刘建国", "需征询第三方")
    with pytest.raises(reg.RequestError, match="只允许延长一次"):
        store.extend(first.id, D(2025, 11, 3), "刘建国", "再次", calendar)


def test_answer_is_recorded_once_and_only_in_a_table3_category(tmp_path: Path) -> None:
    store = Register.in_folder(tmp_path)
    r = store.add(request(D(2026, 3, 2)))
    with pytest.raises(reg.RequestError, match="表三"):
        store.answer(r.id, "同意", D(2026, 3, 10))
    with pytest.raises(reg.RequestError, match="早于"):
        store.answer(r.id, "予以公开", D(2026, 3, 1))
    assert store.answer(r.id, "予以公开", D(2026, 3, 10)).answered == D(2026, 3, 10)
    with pytest.raises(reg.RequestError, match="已于"):
        store.answer(r.id, "部分公开", D(2026, 3, 11))


def test_supplement_stops_the_clock_and_restarts_it_from_the_supplement(tmp_path: Path) -> None:
    store, calendar = Register.in_folder(tmp_path), WorkCalendar()
    item = store.add(request(D(2026, 9, 30)))
    # 7 working days after Wed 09-30: 10-08, 10-09, Sat 10-10 (调休), 10-12 … 10-15
    with pytest.raises(reg.RequestError, match="7 个工作日内（2026-10-15 前）"):
        store.ask_supplement(item.id, D(2026, 10, 16), calendar)
    with pytest.raises(reg.RequestError, match="没有待补正的通知"):
        store.receive_supplement(item.id, D(2026, 10, 19))
    asked = store.ask_supplement(item.id, D(2026, 10, 9), calendar, by="clerk")
    assert asked.awaiting_supplement
    # waiting for the applicant: never overdue, never on the due-soon list, cannot be extended
    assert not reg.overdue(asked, D(2026, 12, 31), calendar)
    assert not reg.due_soon(asked, D(2026, 11, 2), calendar)
    with pytest.raises(reg.RequestError, match="尚未补正"):
        store.extend(item.id, D(2026, 10, 12), "刘建国", "征询", calendar)
    with pytest.raises(reg.RequestError, match="一次性告知"):
        store.ask_supplement(item.id, D(2026, 10, 12), calendar)
    with pytest.raises(reg.RequestError, match="早于要求补正的日期"):
        store.receive_supplement(item.id, D(2026, 10, 8))
    supplemented = store.receive_supplement(item.id, D(2026, 10, 19), by="clerk")
    # Mon 10-19 + 20 working days (no holiday until December): 10-20 … 11-16; extended: 12-14
    assert reg.deadline(supplemented, calendar) == D(2026, 11, 16)
    extended = store.extend(item.id, D(2026, 11, 16), "刘建国", "征询第三方", calendar)
    assert reg.deadline(extended, calendar) == D(2026, 12, 14)
    assert [h[2] for h in store.history(item.id)] == ["登记", "要求补正", "收到补正", "延期"]


def test_corrections_void_and_delete_leave_a_history(tmp_path: Path) -> None:
    store, calendar = Register.in_folder(tmp_path), WorkCalendar()
    item = store.add(request(D(2026, 9, 3), created_by="clerk"))
    with pytest.raises(reg.RequestError, match="请写明更正的原因"):
        store.edit(item.id, {"received": D(2026, 9, 30)}, reason=" ")
    with pytest.raises(reg.RequestError, match="不能更正这些字段：outcome"):
        store.edit(item.id, {"outcome": "予以公开"}, reason="x")
    fixed = store.edit(item.id, {"received": D(2026, 9, 30), "channel": "信函"}, reason="收到日期录错",
                       by="clerk")
    assert reg.deadline(fixed, calendar) == D(2026, 11, 3) and fixed.channel == "信函"
    assert store.history(item.id)[-1][1:] == ("clerk", "更正", "收到日期：2026-09-03 → 2026-09-30；"
                                              "申请方式：“网络” → “信函”（原因：收到日期录错）")
    store.answer(item.id, "予以公开", D(2026, 10, 20))
    with pytest.raises(reg.RequestError, match="晚于已登记的答复"):
        store.edit(item.id, {"received": D(2026, 10, 21)}, reason="x")
    # void: out of every list and the report's table 3, still readable with its reason
    twin = store.add(request(D(2026, 9, 30)))
    assert len(store.requests()) == 2 and table3(store.requests(), 2026).cell(NEW, "总计") == 2
    store.void(twin.id, "重复登记，与第 1 号为同一申请", by="clerk")
    assert [r.id for r in store.requests()] == [item.id]
    assert table3(store.requests(), 2026).cell(NEW, "总计") == 1
    assert store.get(twin.id).voided.startswith("重复登记")
    with pytest.raises(reg.RequestError, match="已作废"):
        store.answer(twin.id, "予以公开", D(2026, 10, 9))
    # delete: gone, with a line in the history
    store.delete(twin.id, "测试数据", by="office")
    with pytest.raises(reg.RequestError, match="没有编号为"):
        store.get(twin.id)
    assert store.history(twin.id)[-1][1:3] == ("office", "删除")


def test_a_version_1_register_file_gains_the_new_columns(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "requests.sqlite3"
    db = sqlite3.connect(path)
    db.executescript("""CREATE TABLE requests (id INTEGER PRIMARY KEY, unit TEXT NOT NULL,
        received TEXT NOT NULL, channel TEXT NOT NULL, applicant TEXT NOT NULL, subject TEXT NOT NULL,
        applicant_name TEXT NOT NULL DEFAULT '', outcome TEXT NOT NULL DEFAULT '', answered TEXT,
        extended_on TEXT, extension_approver TEXT NOT NULL DEFAULT '',
        extension_reason TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',
        created_by TEXT NOT NULL DEFAULT '');
        INSERT INTO requests (unit, received, channel, applicant, subject)
        VALUES ('taixi', '2026-09-30', '网络', '自然人', '旧登记');
        PRAGMA user_version = 1;""")
    db.close()
    (old,) = Register(path).requests()
    assert (old.subject, old.supplement_asked, old.voided) == ("旧登记", None, "")


def test_another_units_request_looks_missing(tmp_path: Path) -> None:
    store = Register.in_folder(tmp_path)
    r = store.add(request(D(2026, 3, 2)))
    assert store.get(r.id, "taixi").id == r.id
    with pytest.raises(reg.RequestError, match="没有编号"):
        store.get(r.id, "gongshang")
    with pytest.raises(reg.RequestError, match="没有编号"):
        store.answer(r.id, "予以公开", D(2026, 3, 3), unit="gongshang")


def test_outcome_names() -> None:
    assert parse_outcome("予以公开").key == "予以公开"
    assert parse_outcome("属于国家秘密").key == "不予公开/属于国家秘密"
    with pytest.raises(ValueError, match="具体情形"):
        parse_outcome("不予公开")


# -- table 3 ---------------------------------------------------------------------------------------

def test_carry_over_across_the_year_end() -> None:
    late = request(D(2025, 12, 29))  # open on 31 December 2025, answered in January 2026
    late.answered, late.outcome = D(2026, 1, 20), "予以公开"
    open_ = request(D(2026, 12, 28), "商业企业")  # still open at the end of 2026
    done = request(D(2025, 11, 3))  # answered in 2025: not in the 2026 report at all
    done.answered, done.outcome = D(2025, 11, 20), "予以公开"
    t2025, t2026 = table3([late, open_, done], 2025), table3([late, open_, done], 2026)
    assert t2025.cell(CARRIED_OUT, "自然人") == 1 and t2025.cell(NEW, "总计") == 2
    assert t2026.cell(CARRIED_IN, "自然人") == 1 and t2026.cell(NEW, "商业企业") == 1
    assert t2026.cell(TOTAL, "自然人") == 1 and t2026.cell(CARRIED_OUT, "商业企业") == 1
    assert not sum_problems(t2025) and not sum_problems(t2026)


def test_a_table_that_breaks_the_sum_rule_is_refused_naming_the_cell() -> None:
    rows = [request(D(2026, 3, 2))]
    assert build_report(2026, "taixi", rows, [], Figures(organ="台西区")).table3.cell(NEW, "总计") == 1
    # a carry-over typed by hand from the paper register, with no result or carry-out to match
    figures = Figures(organ="台西区", table3_cells={(CARRIED_IN, "科研机构"): 2})
    with pytest.raises(ReportRefused) as refused:
        build_report(2026, "taixi", rows, [], figures)
    message = str(refused.value)
    assert "“四、结转下年度继续办理”行“科研机构”列" in message and "= 2" in message
    # the matching carry-out makes it add up again
    figures.table3_cells[(CARRIED_OUT, "科研机构")] = 2
    report = build_report(2026, "taixi", rows, [], figures)
    assert report.table3.cell(CARRIED_IN, "总计") == 2 and report.notes


def test_a_hand_typed_total_that_is_wrong_is_named() -> None:
    figures = Figures(organ="台西区", table3_cells={(TOTAL, "自然人"): 5})
    with pytest.raises(ReportRefused, match="“（七）总计”行“自然人”列：应为各项办理结果之和 0，实为 5"):
        build_report(2026, "taixi", [], [], figures)


# -- the sample county -----------------------------------------------------------------------------

def sample_register(tmp_path: Path) -> Register:
    store = Register.in_folder(tmp_path / "data")
    units = set(load_catalogue(SAMPLE).catalogue.units)
    store.add_many(read_register_csv(SAMPLE / "annual" / "requests-sample.csv", units))
    store.add_case(Case("taixi", 2026, "行政复议", "结果维持"))
    store.add_case(Case("taixi", 2026, "复议后起诉", "尚未审结"))
    store.add_case(Case("taixi", 2025, "行政复议", "结果纠正"))  # another year: not counted
    return store


# 台西区 2026, filled by hand from content/annual/requests-sample.csv (columns: 自然人, 商业企业,
# 科研机构, 社会公益组织, 法律服务机构, 其他, 总计)
TAIXI_2026 = {
    NEW: [4, 1, 0, 1, 1, 0, 7],
    CARRIED_IN: [2, 0, 0, 0, 0, 0, 2],
    ("三、本年度办理结果", "（一）予以公开"): [1, 1, 0, 0, 0, 0, 2],
    ("三、本年度办理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"): [2, 0, 0, 0, 0, 0, 2],
    ("三、本年度办理结果", "（三）不予公开", "7.属于行政执法案卷"): [0, 0, 0, 0, 1, 0, 1],
    ("三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息"): [1, 0, 0, 0, 0, 0, 1],
    ("三、本年度办理结果", "（五）不予处理", "1.信访举报投诉类申请"): [1, 0, 0, 0, 0, 0, 1],
    TOTAL: [5, 1, 0, 0, 1, 0, 7],
    CARRIED_OUT: [1, 0, 0, 1, 0, 0, 2],
}
# the whole county: 24 requests; 3 received in December 2025 (taixi ×2, gongshang), all answered
# in 2026; 5 without an answer (taixi 11-20 and 12-01, gongshang 10-26, renshe 11-09, jiaotong 10-09)
COUNTY_2026_TOTALS = {NEW: 21, CARRIED_IN: 3, TOTAL: 19, CARRIED_OUT: 5}


def test_sample_reports_match_tables_filled_by_hand(tmp_path: Path) -> None:
    store = sample_register(tmp_path)
    catalogue = load_catalogue(SAMPLE).catalogue
    taixi = compose_report(catalogue, SAMPLE, store, 2026, "taixi")
    for row, values in taixi.table3.rows.items():
        assert values == TAIXI_2026.get(row, [0] * 7), row
    assert taixi.organ == "台西区人民政府"
    assert next(iter(taixi.table4.rows.values())) == [1, 0, 0, 0, 1] + [0] * 5 + [0, 0, 0, 1, 1]
    county = compose_report(catalogue, SAMPLE, store, 2026, "county")
    assert {row: county.table3.cell(row, "总计") for row in COUNTY_2026_TOTALS} == COUNTY_2026_TOTALS
    assert county.organ == "台安县人民政府"
    assert county.table2[0].cell(("行政规范性文件",), "现行有效件数") == 41


def notice(kind: str, date: dt.date, **kw: object) -> Notice:
    return Notice(kind=kind, date=date, disclosure=kw.pop("disclosure", "主动公开"), **kw)  # type: ignore[arg-type]


def test_rules_are_counted_from_the_notices_by_kind_and_dates() -> None:
    notices = [
        notice("通告", D(2025, 3, 1)),                                  # in force all 2026
        notice("决定", D(2025, 5, 6), valid_until=D(2026, 6, 30)),     # repealed in 2026
        notice("意见", D(2026, 2, 1)),                                  # issued 2026, in force
        notice("公告", D(2026, 12, 20), valid_from=D(2027, 1, 1)),     # issued, not yet in force
        notice("通告", D(2026, 4, 1), valid_until=D(2026, 12, 31)),    # issued and expired in 2026
        notice("命令", D(2026, 7, 1)),                                  # a 规章
        notice("通知", D(2026, 3, 3)),                                  # a work notice: not counted
        notice("通告", D(2026, 3, 4), disclosure="依申请公开"),         # not published: not counted
        notice("通告", D(2026, 3, 5), classification="秘密"),          # classified: not counted
        notice("通告", D(2027, 1, 5)),                                  # next year
    ]
    assert count_rules(notices, 2026) == {
        "规章": {"本年制发件数": 1, "本年废止件数": 0, "现行有效件数": 1},
        "行政规范性文件": {"本年制发件数": 3, "本年废止件数": 2, "现行有效件数": 2},
    }


def test_table2_typed_figures_win_and_the_rest_comes_from_the_catalogue(tmp_path: Path) -> None:
    catalogue, store = load_catalogue(SAMPLE).catalogue, Register.in_folder(tmp_path / "data")
    taixi = compose_report(catalogue, SAMPLE, store, 2026, "taixi")
    cells = {row[0]: values for t in taixi.table2 for row, values in t.rows.items()}
    # 台西区 2026, by hand: one 通告 (台西管发〔2026〕21号, 09-28), no 令; the rest typed in 2026.yaml
    assert cells == {"规章": [0, 0, 0], "行政规范性文件": [1, 0, 1], "行政许可": [186], "行政处罚": [23],
                     "行政强制": [0], "行政事业性收费": [0]}
    assert "行政规范性文件的本年制发件数、本年废止件数、现行有效件数（文种：决定、公告、通告、意见）" \
        in taixi.notes[0]
    assert "行政强制、行政事业性收费的数字未填写" in taixi.notes[1]
    county = compose_report(catalogue, SAMPLE, store, 2026, "county")
    assert county.table2[0].rows[("行政规范性文件",)] == [6, 2, 41]  # typed by the office: it wins
    assert not county.notes
    # without the office's figures: 2026's 通告 of chengjian, jiaotong, taibei, taixi and nongji's 公告
    bare = compose_report(catalogue, tmp_path / "content", store, 2026, "county")
    assert bare.table2[0].rows == {("规章",): [0, 0, 0], ("行政规范性文件",): [5, 0, 5]}
    assert "行政许可、行政处罚、行政强制、行政事业性收费的数字未填写" in bare.notes[1]


def test_outputs_read_back(tmp_path: Path) -> None:
    store = sample_register(tmp_path)
    report = compose_report(load_catalogue(SAMPLE).catalogue, SAMPLE, store, 2026, "taixi")
    paths = {p.suffix + p.stem[-3:]: p for p in write_report(report, tmp_path / "out", D(2026, 12, 3))}
    pdf = next(p for p in paths.values() if p.suffix == ".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "台西区人民政府2026年政府信息公开工作年度报告" in info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                    "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                    "六、其他需要报告的事项",
                    "第二十条第（一）项", "7.属于行政执法案卷", "结转下年度继续办理", "征询第三方意见"):
        assert heading in text, heading
    # one CJK face, subset and embedded; headings in synthetic bold (the second face was half the time)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    embedded = fonts.splitlines()[2:]
    assert len(embedded) == 1 and "NotoSansCJK" in embedded[0] and " yes yes yes " in embedded[0]
    # the label may wrap in its column; its figures stand on its first line
    new_line = next(line for line in text.splitlines() if line.lstrip().startswith("一、本年新收"))
    assert new_line.split()[1:] == ["4", "1", "0", "1", "1", "0", "7"]

    book = load_workbook(next(p for p in paths.values() if p.suffix == ".xlsx"))
    assert book.sheetnames == ["表二", "表三", "表四"]
    sheet = book["表三"]
    assert sheet["A1"].value.startswith("（本列数据的勾稽关系为：第一项加第二项之和")
    assert [sheet.cell(2, c).value for c in (4, 5, 10)] == ["自然人", "法人或其他组织", "总计"]
    assert [sheet.cell(3, c).value for c in range(5, 10)] == ["商业企业", "科研机构", "社会公益组织",
                                                              "法律服务机构", "其他"]
    assert "E2:I2" in {str(r) for r in sheet.merged_cells.ranges}
    labels = [sheet.cell(r, 1).value for r in range(4, sheet.max_row + 1)]
    assert labels[0] == "一、本年新收政府信息公开申请数量" and labels[-1] == "四、结转下年度继续办理"
    assert sheet.max_row == 3 + 2 + 21 + 1 + 1  # heads, 一 二, 21 outcome rows, 总计, 四
    assert [sheet.cell(4, c).value for c in range(4, 11)] == TAIXI_2026[NEW]
    four = book["表四"]
    assert [four.cell(4, c).value for c in range(1, 16)] == [1, 0, 0, 0, 1] + [0] * 5 + [0, 0, 0, 1, 1]
    assert (four["A1"].value, four["F1"].value, four["K2"].value) == ("行政复议", "行政诉讼", "复议后起诉")

    with open(next(p for p in paths.values() if p.name.endswith("表三.csv")), encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    last = rows[-1]
    assert last[0] == "四、结转下年度继续办理" and last[3:] == [str(v) for v in TAIXI_2026[CARRIED_OUT]]
    html = next(p for p in paths.values() if p.suffix == ".html").read_text("utf-8")
    assert 'rowspan="3" colspan="3"' in html and "<script" not in html


def test_figures_errors_name_file_line_and_field(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(SAMPLE, content)
    path = content / "annual" / "2026.yaml"
    assert load_figures(content, 2026, "taixi", "x").proactive["行政许可"]["本年处理决定数量"] == 186
    text = path.read_text("utf-8").replace("{本年处理决定数量: 186}", "{本年处理决定数量: 很多}")
    path.write_text(text, "utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "很多" in t)
    where = "units.taixi.主动公开.行政许可.本年处理决定数量"
    with pytest.raises(FiguresError, match=f"2026.yaml:{line}：{where}：“很多”应为"):
        load_figures(content, 2026, "taixi", "x")


def test_import_names_the_bad_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "register.csv"
    path.write_text("单位,收到日期,申请方式,申请人类型,申请内容,延期批准日期,延期批准人,延期理由,办理结果,答复日期\n"
                    "taixi,2026-03-02,网络,自然人,预算,,,,予以公开,2026-03-10\n"
                    "taixi,2026-13-02,网络,自然人,预算,,,,,\n"
                    "taixi,2026-03-02,微信,自然人,预算,,,,,\n", "gbk")
    with pytest.raises(reg.RequestError) as refused:
        read_register_csv(path, {"taixi"})
    assert "第 3 行“收到日期”" in str(refused.value) and "第 4 行" in str(refused.value)


# -- the CLI ---------------------------------------------------------------------------------------

def test_cli_warns_when_the_holiday_data_is_missing(tmp_path: Path, repo_cwd: Path) -> None:
    runner, data = CliRunner(), str(tmp_path / "data")
    add = ["requests", "add", "--unit", "taixi", "--channel", "网络", "--applicant", "自然人",
           "--subject", "x", "--data", data, "--received"]
    out = runner.invoke(main, [*add, "2026-09-30"])
    assert out.exit_code == 0 and "注意" not in out.output, out.output
    received = first_uncovered_monday()
    later = ["requests", "--today", received.isoformat(), *add[1:]]  # a clerk in that year
    out = runner.invoke(main, [*later, received.isoformat()])
    assert out.exit_code == 0, out.output
    assert f"答复期限 {received + dt.timedelta(days=28)}" in out.output
    assert f"注意：{received.year} 年的法定节假日安排缺失" in out.output
    out = runner.invoke(main, ["requests", "list", "--today", "2026-11-27", "--data", data])
    assert f"{received.year} 年的法定节假日安排缺失" in out.output


def test_cli_refuses_dates_outside_the_register_and_invisible_text(tmp_path: Path, repo_cwd: Path) -> None:
    """A typed year (2062 for 2026, 1026), a request from before the 条例, control characters and
    bidi marks pasted into a field, an over-long subject: refused, naming the field, nothing stored."""
    runner, data = CliRunner(), ["--data", str(tmp_path / "data")]
    group = ["requests", "--today", "2026-11-27"]
    add = [*group, "add", "--unit", "taixi", "--channel", "网络", "--applicant", "自然人", *data]
    out = runner.invoke(main, [*add, "--subject", "预算", "--received", "2026-11-27"])
    assert out.exit_code == 0 and "登记申请 1" in out.output, out.output
    refused = {
        "2062-11-27": "收到日期 2062-11-27 晚于今天（2026-11-27）",
        "2026-11-28": "收到日期 2026-11-28 晚于今天（2026-11-27）",
        "1026-11-27": "早于政府信息公开条例施行之日（2008-05-01）",
    }
    for day, message in refused.items():
        out = runner.invoke(main, [*add, "--subject", "预算", "--received", day])
        assert out.exit_code == 2 and message in out.output, (day, out.output)
    texts = {
        "预算\x00说明": "申请内容第 3 个字符是不可见的控制字符（U+0000）",
        "\u202e算预": "申请内容第 1 个字符是不可见的文字方向控制符（U+202E）",
        "预算\x1b[31m": "申请内容第 3 个字符是不可见的控制字符（U+001B）",
        "查" * 2001: "申请内容有 2001 个字，超过 2000 字",
    }
    for subject, message in texts.items():
        out = runner.invoke(main, [*add, "--subject", subject, "--received", "2026-11-27"])
        assert out.exit_code == 2 and message in out.output, (subject[:20], out.output)
    out = runner.invoke(main, [*add, "--subject", "预算", "--name", "张三\n李四", "--received", "2026-11-27"])
    assert out.exit_code == 2 and "申请人姓名或名称第 3 个字符是不可见的换行或制表符" in out.output
    out = runner.invoke(main, [*group, "answer", "1", "--outcome", "予以公开", "--date", "2026-12-01", *data])
    assert out.exit_code == 2 and "答复日期 2026-12-01 晚于今天" in out.output, out.output
    out = runner.invoke(main, [*group, "list", *data])
    assert "共 1 件" in out.output  # only the good one was stored


def test_cli_supplement_edit_void_delete_and_show(tmp_path: Path, repo_cwd: Path) -> None:
    runner, data = CliRunner(), ["--data", str(tmp_path / "data")]
    add = ["requests", "add", "--unit", "taixi", "--received", "2026-09-03", "--channel", "网络",
           "--applicant", "自然人", "--subject", "特困供养名单", *data]
    assert runner.invoke(main, add).exit_code == 0
    assert runner.invoke(main, add).exit_code == 0  # entered twice by mistake
    out = runner.invoke(main, ["requests", "edit", "1", "--received", "2026-09-30", "--reason", "日期录错",
                               *data])
    assert out.exit_code == 0 and "答复期限 2026-11-03" in out.output, out.output
    out = runner.invoke(main, ["requests", "supplement", "1", "--asked", "2026-10-16", *data])
    assert out.exit_code != 0 and "7 个工作日内（2026-10-15 前）" in out.output
    out = runner.invoke(main, ["requests", "supplement", "1", "--asked", "2026-10-09", *data])
    assert out.exit_code == 0 and "答复期限暂停" in out.output, out.output
    out = runner.invoke(main, ["requests", "list", "--today", "2026-11-27", *data])
    assert "待补正" in out.output and "收到补正后计算" in out.output
    out = runner.invoke(main, ["requests", "supplement", "1", "--received", "2026-10-19", *data])
    assert "新的答复期限 2026-11-16" in out.output, out.output
    assert runner.invoke(main, ["requests", "void", "2", "--reason", "重复登记", *data]).exit_code == 0
    out = runner.invoke(main, ["requests", "list", *data])
    assert "共 1 件" in out.output
    assert runner.invoke(main, ["requests", "delete", "2", "--reason", "重复登记", *data]).exit_code == 0
    out = runner.invoke(main, ["requests", "show", "1", *data])
    assert out.exit_code == 0, out.output
    for action in ("登记", "更正", "要求补正", "收到补正"):
        assert f"cli  {action}" in out.output
    out = runner.invoke(main, ["requests", "show", "2", *data])
    assert "作废" in out.output and "删除" in out.output


def test_cli_add_extend_answer_list_and_report(tmp_path: Path, repo_cwd: Path) -> None:
    runner, data = CliRunner(), str(tmp_path / "data")
    out = runner.invoke(main, ["requests", "add", "--unit", "taixi", "--received", "2026-09-30", "--channel",
                               "网络", "--applicant", "自然人", "--subject", "特困供养名单", "--data", data])
    assert out.exit_code == 0, out.output
    assert "答复期限 2026-11-03" in out.output
    out = runner.invoke(main, ["requests", "add", "--unit", "nowhere", "--channel", "网络", "--applicant",
                               "自然人", "--subject", "x", "--data", data])
    assert out.exit_code != 0 and "没有单位“nowhere”" in out.output
    out = runner.invoke(main, ["requests", "extend", "1", "--approver", "刘建国", "--reason", "征询第三方",
                               "--date", "2026-10-20", "--data", data])
    assert "新的答复期限 2026-12-01" in out.output, out.output
    out = runner.invoke(main, ["requests", "list", "--today", "2026-11-27", "--data", data])
    assert "即将到期" in out.output and "（已延期）" in out.output
    out = runner.invoke(main, ["requests", "answer", "1", "--outcome", "部分公开", "--date", "2026-11-30",
                               "--data", data])
    assert out.exit_code == 0 and "按时" in out.output, out.output
    out = runner.invoke(main, ["requests", "case", "--unit", "taixi", "--year", "2026", "--kind", "行政复议",
                               "--result", "结果维持", "--data", data])
    assert out.exit_code == 0, out.output
    out = runner.invoke(main, ["annual-report", "--year", "2026", "--unit", "taixi", "-o",
                               str(tmp_path / "out"), "--date", "2026-12-03", "--no-pdf", "--data", data])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "out" / "2026-taixi-年度报告.xlsx").exists()
    out = runner.invoke(main, ["annual-report", "--year", "2026", "-o", str(tmp_path / "out"),
                               "--data", data])
    assert out.exit_code != 0 and "--county" in out.output
    for year in ("99999", "-5", "1999", "2007"):  # out of range: a message, not a traceback
        out = runner.invoke(main, ["annual-report", "--year", year, "--county", "-o", str(tmp_path / "y"),
                                   "--no-pdf", "--data", data])
        assert out.exit_code == 2 and f"--year {year}：年度应在 2008 年" in out.output, out.output
        assert not (tmp_path / "y").exists()
