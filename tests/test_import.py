"""`signage import` and `signage template`: every spreadsheet quirk units send, built here."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from conftest import POWER, REPO, TODAY, patched

from signage.catalogue.findings import Severity
from signage.catalogue.loader import load_catalogue
from signage.catalogue.model import PowerItem
from signage.office.importing import (
    ImportFailure,
    ImportReport,
    import_spreadsheet,
    normalise_heading,
    render_report,
)
from signage.office.template import EXAMPLE, FIRST_DATA_ROW, build_template, write_template

HEADER = ["序号", "事项名称", "事项编码", "事项类型", "承办机构", "设定依据", "法定时限", "承诺时限",
          "是否收费", "咨询电话"]


def book(path: Path, sheets: dict[str, list[list[Any]]], *, merges: dict[str, list[str]] | None = None,
         hidden: tuple[str, ...] = ()) -> Path:
    """An .xlsx with the given sheets (rows of values), merged ranges per sheet and hidden sheets."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cells in (merges or {}).get(name, []):
            sheet.merge_cells(cells)
        if name in hidden:
            sheet.sheet_state = "hidden"
    workbook.save(path)
    return path


def run_import(source: Path, root: Path, **kwargs: Any) -> ImportReport:
    return import_spreadsheet(source, root, "demo", today=TODAY, **kwargs)


def items(root: Path) -> dict[str, PowerItem]:
    result = load_catalogue(root)
    return {item.code: item for item in result.catalogue.units["demo"].powers}


def kinds(report: ImportReport) -> list[str]:
    return [problem.kind for problem in report.problems]


def problem(report: ImportReport, kind: str) -> Any:
    return next(p for p in report.problems if p.kind == kind)


def signage(*args: str | Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "signage.cli", *map(str, args)],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


ROW_A = [1, "建设用地规划许可证核发", "CSJ-XK-002", "行政许可", "规划管理股",
         "《中华人民共和国城乡规划法》第三十七条", 20, 10, "否", "0412-4822301"]
ROW_B = [2, "违法建设行为处罚", "CSJ-CF-001", "行政处罚", "执法大队",
         "《中华人民共和国城乡规划法》第六十四条", None, None, None, "0412-4822302"]


# --- sheet shapes ---------------------------------------------------------------------------


def test_header_below_a_title_with_heading_variants(content, tmp_path: Path) -> None:
    root = content.write()
    headings = ["序号", "权力名称", "权力编码", "职权类别", "实施机关", "法律依据", "责任科室",
                "法定时限\n（工作日）", "承诺办结时限", "收费", "收费标准", "收费依据", "咨询方式",
                "监督投诉电话", "所需材料", "受理地点", "办公时间", "申请条件", "备注", "流程环节"]
    row = [1, "临时建设工程规划许可", "CSJ-XK-003", "行政许可", "台安县测试局",
           "《中华人民共和国城乡规划法》第四十四条\n《辽宁省城乡规划条例》第三十条", "规划管理股",
           "20个工作日", "10日",
           "是", "工本费每证10元", "《辽宁省物价局关于规划许可证工本费的通知》", "0412-4822301",
           "0412-4822310", "1.申请表\n2.用地证明", "政务服务中心二楼8号窗口", "周一至周五 8:30—17:00",
           "已取得临时用地批准", "内部备注", "受理→审查"]
    source = book(tmp_path / "清单.xlsx", {"许可": [
        ["台安县测试局行政权力事项清单"], [], ["填报单位：台安县测试局", None, None, "日期：2026年11月"],
        headings, row]}, merges={"许可": ["A1:T1"]})
    report = run_import(source, root)
    assert report.new == ["CSJ-XK-003"] and report.exit_code == 0
    item = items(root)["CSJ-XK-003"]
    assert (item.name, item.type, item.implementing_unit, item.department) == (
        "临时建设工程规划许可", "行政许可", "台安县测试局", "规划管理股")
    assert item.legal_basis == ["《中华人民共和国城乡规划法》第四十四条", "《辽宁省城乡规划条例》第三十条"]
    assert (item.statutory_days, item.promised_days) == (20, 10)
    assert (item.fee.charged, item.fee.standard) == (True, "工本费每证10元")
    assert item.fee.basis.startswith("《辽宁省物价局")
    assert (item.consult_phone, item.supervision_phone) == ("0412-4822301", "0412-4822310")
    assert item.materials == ["申请表", "用地证明"]
    assert (item.place, item.hours, item.conditions) == (
        "政务服务中心二楼8号窗口", "周一至周五 8:30—17:00", "已取得临时用地批准")
    unknown = problem(report, "unknown-column")
    assert (unknown.where, unknown.heading) == ("清单.xlsx 许可!T4", "流程环节")
    assert problem(report, "note-column").severity is Severity.INFO


@pytest.mark.parametrize(("written", "expected"), [
    ("事项名称", "事项名称"), (" 事项\n名称 ", "事项名称"), ("法定时限（工作日）", "法定时限"),
    ("*事项编码", "事项编码"), ("承诺时限(天)", "承诺时限"), ("咨询电话：", "咨询电话"), ("ＡＢＣ", "ABC"),
])
def test_headings_are_normalised(written: str, expected: str) -> None:
    assert normalise_heading(written) == expected


def test_merged_type_and_department_cells_fill_down(content, tmp_path: Path) -> None:
    root = content.write()
    rows = [["行政权力事项清单"], HEADER,
            [1, "甲许可", "CSJ-XK-011", "行政许可", "审批股", "《甲法》第一条", 20, 10, "否", None],
            [2, "乙许可", "CSJ-XK-012", None, None, "《乙法》第二条", 20, 5, "否", None],
            [3, "丙许可", "CSJ-XK-013", None, "综合股", "《丙法》第三条", 20, 5, "否", None],
            [4, "丁处罚", "CSJ-CF-011", "行政处罚", "综合股", "《丁法》第四条", None, None, None, None],
            [5, "戊处罚", "CSJ-CF-012", None, None, "《戊法》第五条", None, None, None, None]]
    source = book(tmp_path / "merged.xlsx", {"清单": rows},
                  merges={"清单": ["A1:J1", "D3:D5", "E3:E4", "D6:D7", "E5:E7"]})
    report = run_import(source, root)
    assert report.exit_code == 0, [p.render() for p in report.problems]
    got = items(root)
    assert [got[c].type for c in ("CSJ-XK-011", "CSJ-XK-012", "CSJ-XK-013", "CSJ-CF-011", "CSJ-CF-012")] == \
        ["行政许可"] * 3 + ["行政处罚"] * 2
    assert [got[c].department for c in ("CSJ-XK-011", "CSJ-XK-012", "CSJ-XK-013", "CSJ-CF-012")] == \
        ["审批股", "审批股", "综合股", "综合股"]


def test_an_item_merged_over_several_rows_is_one_item(content, tmp_path: Path) -> None:
    root = content.write()
    rows = [["事项名称", "事项编码", "事项类型", "申请材料"],
            ["甲许可", "CSJ-XK-021", "行政许可", "申请书"],
            [None, None, None, "身份证复印件"],
            [None, None, None, "场地证明"]]
    source = book(tmp_path / "rows.xlsx", {"Sheet1": rows}, merges={"Sheet1": ["A2:A4", "B2:B4", "C2:C4"]})
    report = run_import(source, root)
    assert report.new == ["CSJ-XK-021"]
    assert items(root)["CSJ-XK-021"].materials == ["申请书", "身份证复印件", "场地证明"]


def test_one_sheet_per_type_and_sheets_without_a_header_are_skipped(content, tmp_path: Path) -> None:
    root = content.write()
    no_type = ["序号", "事项名称", "事项编码", "承办机构", "设定依据"]
    source = book(tmp_path / "分类.xlsx", {
        "说明": [["本表由县测试局填报"], ["联系人：张三"]],
        "行政许可": [no_type, [1, "甲许可", "CSJ-XK-031", "审批股", "《甲法》第一条"]],
        "行政处罚": [["县测试局行政处罚事项"], no_type,
                     [1, "乙处罚", "CSJ-CF-031", "执法大队", "《乙法》第二条"]],
        "旧表": [no_type, [1, "丙", "CSJ-QT-031", "综合股", "《丙法》第三条"]],
    }, hidden=("旧表",))
    report = run_import(source, root)
    assert report.sheets_read == ["行政许可", "行政处罚"]
    assert report.sheets_skipped == ["说明", "旧表"]
    skipped = [p for p in report.problems if p.kind == "sheet-skipped"]
    assert [p.where for p in skipped] == ["分类.xlsx 说明", "分类.xlsx 旧表"]
    assert all(p.severity is Severity.INFO for p in skipped)
    got = items(root)
    assert (got["CSJ-XK-031"].type, got["CSJ-CF-031"].type) == ("行政许可", "行政处罚")
    assert "CSJ-QT-031" not in got
    assert report.exit_code == 0


def test_section_rows_give_the_type_and_repeated_headers_are_ignored(content, tmp_path: Path) -> None:
    root = content.write()
    header = ["序号", "事项名称", "事项编码", "承办机构"]
    rows = [header, ["一、行政许可"], [1, "甲", "CSJ-XK-041", "审批股"],
            header, ["二、行政检查（共1项）"], [1, "乙", "CSJ-JC-041", "执法大队"], [2]]
    source = book(tmp_path / "sections.xlsx", {"Sheet": rows}, merges={"Sheet": ["A2:D2", "A5:D5"]})
    report = run_import(source, root)
    assert report.exit_code == 0 and report.new == ["CSJ-XK-041", "CSJ-JC-041"]
    got = items(root)
    assert (got["CSJ-XK-041"].type, got["CSJ-JC-041"].type) == ("行政许可", "行政检查")


# --- CSV ------------------------------------------------------------------------------------

CSV_TEXT = ("台安县测试局行政权力事项清单\n"
            "序号,事项名称,事项编码,事项类型,承办机构,设定依据,法定时限,承诺时限,是否收费,咨询电话\n"
            "1,临时占用城市道路许可,CSJ-XK-051,行政许可,市政股,"
            "\"《城市道路管理条例》第三十一条；《辽宁省城市道路管理条例》第二十条\",20,10,不收费,0412-4822301\n")


@pytest.mark.parametrize(("encoding", "label"), [
    ("gbk", "GBK/GB18030"), ("utf-8-sig", "UTF-8（带 BOM）"), ("utf-8", "UTF-8"), ("utf-16", "UTF-16")])
def test_csv_encodings_are_detected(content, tmp_path: Path, encoding: str, label: str) -> None:
    root = content.write()
    source = tmp_path / "清单.csv"
    source.write_bytes(CSV_TEXT.encode(encoding))
    report = run_import(source, root)
    assert (report.kind, report.encoding) == ("csv", label)
    assert label in problem(report, "encoding").message
    item = items(root)["CSJ-XK-051"]
    assert item.legal_basis == ["《城市道路管理条例》第三十一条", "《辽宁省城市道路管理条例》第二十条"]
    assert (item.fee.charged, item.consult_phone, item.statutory_days) == (False, "0412-4822301", 20)


def test_tab_separated_gbk_csv(content, tmp_path: Path) -> None:
    root = content.write()
    source = tmp_path / "清单.csv"
    source.write_bytes(CSV_TEXT.replace(",", "\t").encode("gbk"))
    report = run_import(source, root)
    assert report.new == ["CSJ-XK-051"]
    assert "制表符" in problem(report, "encoding").message


def test_csv_problems_name_the_cell_without_a_sheet(content, tmp_path: Path) -> None:
    root = content.write()
    source = tmp_path / "清单.csv"
    source.write_bytes((CSV_TEXT + "2,缺编码的事项,,行政许可,市政股,,,,,\n").encode("gb18030"))
    report = run_import(source, root)
    missing = problem(report, "missing-code")
    assert (missing.where, missing.heading) == ("清单.csv C4", "事项编码")


# --- values ---------------------------------------------------------------------------------


def test_excel_numbers_for_phones_days_and_codes(content, tmp_path: Path) -> None:
    root = content.write()
    rows = [HEADER,
            [1, "甲许可", "CSJ-XK-061", "行政许可", "审批股", "《甲法》第一条", 20.0, 10, "否", 4822156.0],
            [2, "乙许可", "CSJ-XK-062", "行政许可", "审批股", "《乙法》第二条", 20, 12.5, "否", 4124822157],
            [3, "丙许可", 1001, "行政许可", "审批股", "《丙法》第三条", 15, 5, False, 13912345678]]
    report = run_import(book(tmp_path / "numbers.xlsx", {"Sheet": rows}), root)
    got = items(root)
    assert (got["CSJ-XK-061"].statutory_days, got["CSJ-XK-061"].promised_days) == (20, 10)
    assert got["CSJ-XK-061"].consult_phone == "4822156"
    assert got["CSJ-XK-062"].consult_phone == "0412-4822157"
    zero = problem(report, "phone-zero")
    assert (zero.where, zero.heading) == ("numbers.xlsx Sheet!J3", "咨询电话")
    assert zero.severity is Severity.WARNING
    assert problem(report, "days").where == "numbers.xlsx Sheet!H3"
    assert got["CSJ-XK-062"].promised_days is None
    assert got["1001"].consult_phone == "13912345678" and got["1001"].fee.charged is False
    assert problem(report, "code-number").where == "numbers.xlsx Sheet!C4"
    text = (root / "units/demo/powers.yaml").read_text("utf-8")
    assert 'code: "1001"' in text and 'consult_phone: "4822156"' in text


@pytest.mark.parametrize(("written", "days", "kind"), [
    ("二十个工作日", 20, None), ("十五日", 15, None), ("３０天", 30, None), ("即办", 1, "days-immediate"),
    ("30日（不含公告时间）", 30, "days-note"), ("3个月", None, "days"), ("另行规定", None, "days"),
])
def test_chinese_numeral_and_worded_days(content, tmp_path: Path, written: str, days: int | None,
                                         kind: str | None) -> None:
    root = content.write()
    rows = [HEADER,
            [1, "甲许可", "CSJ-XK-071", "行政许可", "审批股", "《甲法》第一条", written, None, "否", None]]
    report = run_import(book(tmp_path / "days.xlsx", {"Sheet": rows}), root)
    assert items(root)["CSJ-XK-071"].statutory_days == days
    day_problems = [p for p in report.problems if p.kind.startswith("days")]
    assert [p.kind for p in day_problems] == ([kind] if kind else [])
    if kind:
        assert (day_problems[0].where, day_problems[0].heading) == ("days.xlsx Sheet!G2", "法定时限")


def test_codes_are_normalised_and_types_completed(content, tmp_path: Path) -> None:
    root = content.write()
    rows = [HEADER,
            [1, "甲许可", "ＣＳＪ－ＸＫ－０８１", "许可", "审批股", "《甲法》第一条", 20, 10, "否", None],
            [2, "乙", "CSJ-QT-081", "其他", "审批股", "《乙法》第一条", None, None, None, None],
            [3, "丙", "CSJ-XX-081", "审批类", "审批股", "《丙法》第一条", None, None, None, None]]
    report = run_import(book(tmp_path / "codes.xlsx", {"Sheet": rows}), root)
    got = items(root)
    assert got["CSJ-XK-081"].type == "行政许可"
    assert got["CSJ-QT-081"].type == "其他行政权力"
    assert got["CSJ-XX-081"].type_declared == "审批类"
    assert problem(report, "code-normalised").severity is Severity.INFO
    assert problem(report, "type").where == "codes.xlsx Sheet!D4"


# --- problems -------------------------------------------------------------------------------


def test_rows_missing_name_or_code_are_reported_and_skipped(content, tmp_path: Path) -> None:
    root = content.write()
    rows = [["行政许可事项"], HEADER,
            [1, "甲许可", "CSJ-XK-091", "行政许可", "审批股", "《甲法》第一条", 20, 10, "否", None],
            [2, None, "CSJ-XK-092", "行政许可", "审批股", "《乙法》第一条", 20, 10, "否", None],
            [3, "丙许可", None, "行政许可", "审批股", "《丙法》第一条", 20, 10, "否", None],
            [4, None, None, "行政许可", "审批股", None, 20, None, None, None],
            [5, "戊许可", "CSJ-XK-091", "行政许可", "审批股", "《戊法》第一条", 20, 10, "否", None]]
    source = book(tmp_path / "清单.xlsx", {"行政许可": rows})
    report = run_import(source, root)
    assert report.new == ["CSJ-XK-091"] and report.skipped_rows == 4 and report.exit_code == 1
    errors = [(p.kind, p.where, p.heading) for p in report.problems if p.severity is Severity.ERROR]
    assert errors == [("missing-name", "清单.xlsx 行政许可!B4", "事项名称"),
                      ("missing-code", "清单.xlsx 行政许可!C5", "事项编码"),
                      ("missing-name", "清单.xlsx 行政许可!B6", "事项名称"),
                      ("duplicate-code", "清单.xlsx 行政许可!C7", "事项编码")]
    assert "清单.xlsx 行政许可!第3行" in problem(report, "duplicate-code").message
    rendered = problem(report, "missing-code").render()
    assert rendered.startswith("清单.xlsx 行政许可!C5（事项编码）  错误：缺少事项编码，该行未导入。")
    assert "整改意见：" in rendered

    run = signage("import", source, "--unit", "demo", "--content", root, "--date", "2026-11-27")
    assert run.returncode == 1, run.stderr
    assert "清单.xlsx 行政许可!B4（事项名称）  错误" in run.stdout
    assert "跳过 4 行" in run.stdout


@pytest.mark.parametrize("case", ["binary", "xls", "broken-xlsx", "no-header", "no-unit", "bad-unit",
                                  "broken-yaml"])
def test_hard_failures_exit_2(content, tmp_path: Path, case: str) -> None:
    root = content.write(files={"units/demo/broken.yaml": "powers:\n  - name: 甲\n     code: x\n"}
                         if case == "broken-yaml" else None)
    source = tmp_path / ("清单.xlsx" if case in ("broken-xlsx", "no-header", "broken-yaml") else "清单.csv")
    if case == "binary":
        source.write_bytes(b"%PDF-1.4\x00\x01\x02\xff\xfe")
    elif case == "xls":
        source = tmp_path / "清单.xls"
        source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    elif case == "broken-xlsx":
        source.write_bytes(b"PK\x03\x04 not really a zip")
    elif case == "no-header":
        book(source, {"Sheet": [["只是一些文字"], ["没有表头"]]})
    else:
        book(source, {"Sheet": [HEADER, ROW_A]})
    unit = {"no-unit": "nosuch", "bad-unit": "../units/demo"}.get(case, "demo")
    with pytest.raises(ImportFailure) as failure:
        import_spreadsheet(source, root, unit, today=TODAY)
    expected = {"binary": "CSV", "xls": ".xls", "broken-xlsx": ".xlsx", "no-header": "找不到表头",
                "no-unit": "可选：demo", "bad-unit": "无效", "broken-yaml": "units/demo/broken.yaml:3"}[case]
    assert expected in str(failure.value)
    run = signage("import", source, "--unit", unit, "--content", root)
    assert run.returncode == 2 and expected in run.stderr


# --- merging --------------------------------------------------------------------------------


def test_reimport_updates_by_code_and_keeps_what_the_sheet_lacks(content, tmp_path: Path) -> None:
    other = patched(POWER, {"code": "CSJ-XK-099", "name": "保留的事项"})
    root = content.write(powers=[POWER, other])
    rows = [[*HEADER, "收费标准", "收费依据"],
            [1, POWER["name"], "CSJ-XK-001", "行政许可", "新的审批股", POWER["legal_basis"][0], 20, 8, "是",
             None, "工本费每证10元", "《某收费文件》"],
            [*ROW_A, None, None]]
    source = book(tmp_path / "update.xlsx", {"Sheet": rows})
    report = import_spreadsheet(source, root, "demo", today=dt.date(2026, 11, 28))
    assert (report.new, report.updated, report.kept) == (["CSJ-XK-002"], ["CSJ-XK-001"], ["CSJ-XK-099"])
    assert "CSJ-XK-099" in problem(report, "kept").message
    got = items(root)
    updated = got["CSJ-XK-001"]
    assert (updated.department, updated.promised_days) == ("新的审批股", 8)
    fee = updated.fee
    assert (fee.charged, fee.standard, fee.basis) == (True, "工本费每证10元", "《某收费文件》")
    assert [step.name for step in updated.flowchart.steps] == [s["name"] for s in POWER["flowchart"]["steps"]]
    assert updated.review is not None and updated.review.reviewer == "王立新"
    assert updated.materials == POWER["materials"] and updated.place == POWER["place"]  # no such columns
    assert updated.updated == dt.date(2026, 11, 28)
    assert got["CSJ-XK-099"].name == "保留的事项" and got["CSJ-XK-099"].updated == dt.date(2026, 10, 12)
    assert list(got) == ["CSJ-XK-001", "CSJ-XK-099", "CSJ-XK-002"]  # new items appended

    again = import_spreadsheet(source, root, "demo", today=dt.date(2026, 11, 29))
    assert (again.new, again.updated, again.written) == ([], [], [])
    assert again.unchanged == ["CSJ-XK-001", "CSJ-XK-002"]
    assert items(root)["CSJ-XK-001"].updated == dt.date(2026, 11, 28)


def test_same_values_in_another_spelling_are_unchanged(content, tmp_path: Path) -> None:
    root = content.write()  # POWER writes "20", "10" and charged "否"
    before = (root / "units/demo/powers.yaml").read_bytes()
    rows = [HEADER, [1, POWER["name"], "CSJ-XK-001", "行政许可", POWER["department"],
                     POWER["legal_basis"][0] + "。", "20个工作日", 10.0, "不收费", None]]
    report = run_import(book(tmp_path / "same.xlsx", {"Sheet": rows}), root)
    assert report.unchanged == ["CSJ-XK-001"] and report.written == []
    assert (root / "units/demo/powers.yaml").read_bytes() == before


def test_written_file_style_and_the_rest_of_the_file(content, tmp_path: Path) -> None:
    root = content.write(files={"units/demo/powers.yaml": (
        "# 单位自己的注释\nreview:\n  reviewer: 王立新\n  date: \"2026-10-20\"\n  result: 通过\n"
        "powers:\n  - name: 甲\n    code: \"CSJ-XK-001\"\n    type: 行政许可\n"
        "    consult_phone: 0412-4822301\n")})
    report = run_import(book(tmp_path / "style.xlsx", {"Sheet": [HEADER, ROW_A]}), root)
    assert "comments-lost" in kinds(report)
    text = (root / "units/demo/powers.yaml").read_text("utf-8")
    assert text.startswith("# 本文件由 signage import 于 2026-11-27 从 style.xlsx 导入合并")
    assert "单位自己的注释" not in text
    data = yaml.safe_load(text)
    assert data["review"] == {"reviewer": "王立新", "date": "2026-10-20", "result": "通过"}
    assert [p["code"] for p in data["powers"]] == ["CSJ-XK-001", "CSJ-XK-002"]
    assert data["powers"][1]["statutory_days"] == 20 and data["powers"][1]["fee"] == {"charged": False}
    assert '\n  - name: 建设用地规划许可证核发\n    code: "CSJ-XK-002"\n' in text
    assert 'consult_phone: "0412-4822301"' in text and 'updated: "2026-11-27"' in text


def test_items_are_updated_in_the_file_that_holds_them(content, tmp_path: Path) -> None:
    other = patched(POWER, {"code": "CSJ-XK-002", "name": "乙许可"})
    root = content.write(files={"units/demo/more/xuke.yaml": yaml.safe_dump(
        {"powers": [other]}, allow_unicode=True, sort_keys=False)})
    rows = [HEADER,
            [1, "乙许可", "CSJ-XK-002", "行政许可", "新股室", "《乙法》第一条", None, None, None, None],
            [2, "丙许可", "CSJ-XK-003", "行政许可", "新股室", "《丙法》第一条", None, None, None, None]]
    report = run_import(book(tmp_path / "two.xlsx", {"Sheet": rows}), root)
    assert report.written == ["units/demo/more/xuke.yaml", "units/demo/powers.yaml"]
    more = yaml.safe_load((root / "units/demo/more/xuke.yaml").read_text("utf-8"))["powers"]
    assert [(p["code"], p["department"]) for p in more] == [("CSJ-XK-002", "新股室")]
    main = yaml.safe_load((root / "units/demo/powers.yaml").read_text("utf-8"))["powers"]
    assert [p["code"] for p in main] == ["CSJ-XK-001", "CSJ-XK-003"]


def test_new_powers_file_when_the_unit_has_none(content, tmp_path: Path) -> None:
    root = content.write()
    (root / "units/demo/powers.yaml").unlink()
    report = run_import(book(tmp_path / "first.xlsx", {"Sheet": [HEADER, ROW_A, ROW_B]}), root)
    assert report.written == ["units/demo/powers.yaml"] and report.new == ["CSJ-XK-002", "CSJ-CF-001"]
    assert list(items(root)) == ["CSJ-XK-002", "CSJ-CF-001"]


def test_dry_run_writes_nothing(content, tmp_path: Path) -> None:
    root = content.write()
    before = (root / "units/demo/powers.yaml").read_bytes()
    report = run_import(book(tmp_path / "dry.xlsx", {"Sheet": [HEADER, ROW_A]}), root, dry_run=True)
    assert report.new == ["CSJ-XK-002"] and report.written == ["units/demo/powers.yaml"]
    assert (root / "units/demo/powers.yaml").read_bytes() == before


# --- template -------------------------------------------------------------------------------


def test_template_has_drop_down_lists_and_notes(tmp_path: Path) -> None:
    path = tmp_path / "模板.xlsx"
    run = signage("template", "-o", path)
    assert run.returncode == 0, run.stderr
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["行政权力事项", "填写说明"]
    sheet = workbook["行政权力事项"]
    headings = [cell.value for cell in sheet[2]]
    assert headings[:4] == ["序号", "事项名称", "事项编码", "事项类型"]
    assert sheet.freeze_panes == "C3"
    lists = {str(dv.sqref): dv.formula1 for dv in sheet.data_validations.dataValidation if dv.type == "list"}
    types = ("行政许可", "行政处罚", "行政强制", "行政征收", "行政给付", "行政检查", "行政确认", "行政奖励",
             "行政裁决", "其他行政权力")
    assert lists["D3:D1002"] == '"' + ",".join(types) + '"'
    fee_col = openpyxl.utils.get_column_letter(headings.index("是否收费") + 1)
    assert lists[f"{fee_col}3:{fee_col}1002"] == '"是,否"'
    assert sheet.column_dimensions["C"].number_format == "@"
    notes = "\n".join(str(c.value) for row in workbook["填写说明"].iter_rows() for c in row if c.value)
    assert "RSJ-XK-001" in notes and "权力名称" in notes and "XK" in notes
    assert signage("template", "-o", path).returncode == 2  # no overwrite without --force
    assert signage("template", "-o", path, "--force").returncode == 0


def test_template_round_trips(content, tmp_path: Path) -> None:
    root = content.write()
    path = tmp_path / "模板.xlsx"
    write_template(path)
    report = run_import(path, root)
    assert "example" in kinds(report) and report.new == []  # the example row is not an item
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["行政权力事项"]
    sheet.cell(FIRST_DATA_ROW, 1).value = 1  # the unit keeps the example as its first row …
    sheet.append([2, "乡村建设规划许可证核发", "CSJ-XK-002", "行政许可", None, "规划管理股",
                  "《中华人民共和国城乡规划法》第四十一条", 20, 15, "否", None, None,
                  "申请表\n村民委员会意见", None, "政务服务中心二楼8号窗口", None, "0412-4822301",
                  None, None])
    workbook.save(path)
    report = run_import(path, root)
    assert report.new == ["DW-XK-001", "CSJ-XK-002"] and report.exit_code == 0
    example = items(root)["DW-XK-001"]
    assert (example.name, example.type, example.implementing_unit, example.department) == (
        EXAMPLE["name"], EXAMPLE["type"], EXAMPLE["implementing_unit"], EXAMPLE["department"])
    assert example.legal_basis == EXAMPLE["legal_basis"].split("\n")
    assert example.materials == EXAMPLE["materials"].split("\n")
    assert (example.statutory_days, example.promised_days, example.fee.charged) == (20, 10, False)
    assert (example.place, example.hours, example.conditions) == (
        EXAMPLE["place"], EXAMPLE["hours"], EXAMPLE["conditions"])
    assert (example.consult_phone, example.supervision_phone) == (
        EXAMPLE["consult_phone"], EXAMPLE["supervision_phone"])
    second = items(root)["CSJ-XK-002"]
    assert second.materials == ["申请表", "村民委员会意见"] and second.promised_days == 15


def test_template_builds_without_writing() -> None:
    sheet = build_template()["行政权力事项"]
    assert sheet["A1"].value.startswith("行政权力事项清单")
    assert sheet.cell(FIRST_DATA_ROW, 1).value == "示例"


# --- then `signage check` -------------------------------------------------------------------


def test_imported_content_goes_through_check(content, tmp_path: Path) -> None:
    root = content.write()
    source = book(tmp_path / "清单.xlsx", {"行政许可": [["测试局清单"], HEADER, ROW_A, ROW_B]})
    run = signage("import", source, "--unit", "demo", "--content", root, "--date", "2026-11-27")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "新增 2" in run.stdout and f"signage check {root} --unit demo" in run.stdout
    check = signage("check", root, "--format", "json", "--today", "2026-11-27", "--unit", "demo")
    findings = json.loads(check.stdout)["findings"]
    assert not [f for f in findings if f["rule"].startswith("GK-LOAD")]
    assert {f["subject"] for f in findings} >= {"CSJ-XK-002"}  # e.g. no flowchart, no own review yet
    imported = [f for f in findings if f["subject"] in ("CSJ-XK-002", "CSJ-CF-001")]
    assert all(f["file"] == "units/demo/powers.yaml" for f in imported)


# --- county power lists as units keep them (issue 16, class 10) -----------------------------

COUNTY_LIST = [
    ["台安县测试局权力清单"],
    ["填报单位（盖章）：台安县测试局", None, None, None, None, None, None, "填报时间：2026年11月"],
    ["序号", "职权名称", None, "职权类别", "实施依据", "责任主体", "责任事项", "追责情形", "备注"],
    [None, "主项名称", "子项名称", None, None, None, None, None, None],
    [1, "建设工程规划许可证核发", None, "行政许可", "《中华人民共和国城乡规划法》第四十条",
     "台安县测试局", "1.受理责任\n2.审查责任", "不依法受理的", None],
    [2, "临时建设工程规划许可", None, "行政许可", "《中华人民共和国城乡规划法》\n第四十四条",
     "台安县测试局", "受理、审查", "违规审批的", None],
    [3, "对违法建设的行政处罚", "未取得规划许可证进行建设", "行政处罚",
     "《中华人民共和国城乡规划法》第六十四条", "台安县测试局", "立案、调查", "", None],
    [3, "对违法建设的行政处罚", "未按规划许可证规定进行建设", "行政处罚",
     "《中华人民共和国城乡规划法》第六十四条", "台安县测试局", "立案、调查", "", None],
    [4, "对规划实施情况的行政检查", None, "行政检查", "《中华人民共和国城乡规划法》第五十一条",
     "台安县测试局", "检查", "", None],
    ["4-1", "对建设工程的规划核实", None, None, None, None, None, None, None],
    ["4-2", "对临时建设的检查", None, None, None, None, None, None, None],
]
COUNTY_MERGES = ["A1:I1", "B3:C3", "A7:A8", "B7:B8"]


def test_a_county_list_without_codes_matches_by_name_and_proposes_codes(content, tmp_path: Path) -> None:
    root = content.write()  # the unit already has 建设工程规划许可证核发 as CSJ-XK-001
    source = book(tmp_path / "权力清单.xlsx", {"权力清单": COUNTY_LIST}, merges={"权力清单": COUNTY_MERGES})
    before = (root / "units/demo/powers.yaml").read_text("utf-8")
    dry = run_import(source, root, dry_run=True)
    assert (root / "units/demo/powers.yaml").read_text("utf-8") == before  # dry run writes nothing
    proposed = {p.message.split("“")[1].split("”")[0]: p.message.split("“")[-1].rstrip("”。")
                for p in dry.problems if p.kind == "proposed-code"}
    assert proposed == {
        "临时建设工程规划许可": "CSJ-XK-002",
        "对违法建设的行政处罚（未取得规划许可证进行建设）": "CSJ-CF-001",
        "对违法建设的行政处罚（未按规划许可证规定进行建设）": "CSJ-CF-002",
        "对规划实施情况的行政检查（对建设工程的规划核实）": "CSJ-JC-001",
        "对规划实施情况的行政检查（对临时建设的检查）": "CSJ-JC-002",
    }
    assert all(p.severity is Severity.WARNING for p in dry.problems if p.kind == "proposed-code")
    assert "CSJ-XK-001" in dry.updated + dry.unchanged  # matched by name, not duplicated
    lines = "\n".join(render_report(dry, root, "demo"))
    assert "按编码规则拟定为“CSJ-CF-001”" in lines and "试运行" in lines
    assert {"internal-column", "note-column", "no-code-column", "main-item"} <= set(kinds(dry))
    assert not [p for p in dry.problems if p.kind == "unknown-column"]
    assert dry.skipped_rows == 0

    report = run_import(source, root)
    imported = items(root)
    assert set(imported) == {"CSJ-XK-001", "CSJ-XK-002", "CSJ-CF-001", "CSJ-CF-002", "CSJ-JC-001",
                             "CSJ-JC-002"}
    sub = imported["CSJ-CF-002"]
    assert sub.name == "对违法建设的行政处罚（未按规划许可证规定进行建设）"
    assert sub.main_item == "对违法建设的行政处罚" and sub.implementing_unit == "台安县测试局"
    assert imported["CSJ-JC-001"].type == "行政检查"  # a numbered sub-item inherits its main item's
    assert imported["CSJ-JC-001"].legal_basis == ["《中华人民共和国城乡规划法》第五十一条"]
    assert imported["CSJ-XK-002"].legal_basis == ["《中华人民共和国城乡规划法》第四十四条"]
    assert report.new == ["CSJ-XK-002", "CSJ-CF-001", "CSJ-CF-002", "CSJ-JC-001", "CSJ-JC-002"]
    again = run_import(source, root, dry_run=True)  # a second import finds them all by name
    assert not [p for p in again.problems if p.kind == "proposed-code"]


def test_a_new_row_without_code_or_type_is_refused_with_the_reason(content, tmp_path: Path) -> None:
    root = content.write()
    rows = [["序号", "权力名称", "权力类别", "责任主体"], [1, "甲事项", None, "台安县测试局"],
            [2, "乙事项", "行政许可", "台安县测试局"]]
    report = run_import(book(tmp_path / "nocode.xlsx", {"Sheet": rows}), root)
    assert report.new == ["CSJ-XK-002"] and report.skipped_rows == 1
    refused = problem(report, "no-code-no-type")
    assert refused.where == "nocode.xlsx Sheet!第2行" and "甲事项" in refused.message


@pytest.mark.parametrize(("written", "field"), [
    ("责任主体", "implementing_unit"), ("职权名称", "name"), ("职权类别", "type"), ("权力类别", "type"),
    ("实施依据", "legal_basis"), ("设定依据", "legal_basis"), ("子项名称", "subitem"),
    ("责任事项", "duty"), ("追责情形", "accountability"), ("备注", "note")])
def test_county_list_headings_are_recognised(written: str, field: str) -> None:
    from signage.office.importing import HEADINGS

    assert HEADINGS[normalise_heading(written)].field == field
