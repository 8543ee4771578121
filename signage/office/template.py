"""``signage template``: the official power list spreadsheet (行政权力事项清单模板).

Units that fill this template import without a single heading problem: its headings are the
canonical ones of :data:`signage.office.importing.COLUMNS`, 事项类型 and 是否收费 offer drop-down lists
(Excel refuses other values), the time limits take whole numbers only, and the code and phone
columns are text so Excel cannot drop a leading 0. A 填写说明 sheet explains every column, the
code pattern and the type codes. The example row (序号 “示例”) is skipped by ``signage import``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from signage.catalogue import vocab
from signage.contract.files import atomic_write
from signage.office.importing import COLUMNS, Column, column_letter

SHEET = "行政权力事项"
NOTES_SHEET = "填写说明"
TITLE = "行政权力事项清单（单位名称：　　　　　　　　　　　　　　）"
HEADER_ROW = 2
FIRST_DATA_ROW = 3
LAST_DATA_ROW = 1002  # validations and text format reach this far
TEXT_FIELDS = ("code", "consult_phone", "supervision_phone")

EXAMPLE: dict[str, Any] = {
    "seq": "示例",
    "name": "食品经营许可",
    "code": "DW-XK-001",
    "type": "行政许可",
    "implementing_unit": "台安县××局",
    "department": "行政审批股",
    "legal_basis": "《中华人民共和国食品安全法》第三十五条\n《食品经营许可和备案管理办法》第四条",
    "statutory_days": 20,
    "promised_days": 10,
    "fee_charged": "否",
    "fee_standard": "",
    "fee_basis": "",
    "materials": "食品经营许可申请书\n营业执照复印件\n食品安全管理制度文本",
    "conditions": "已取得营业执照，有与经营的食品品种、数量相适应的经营场所。",
    "place": "台安县政务服务中心一楼3号窗口",
    "hours": "周一至周五 8:30—11:30，13:30—17:00",
    "consult_phone": "0412-4822301",
    "supervision_phone": "0412-4822310",
    "note": "本行是示例：序号为“示例”的行不导入。",
}


def write_template(path: Path) -> None:
    """Write the template to ``path`` (atomically: a half-written .xlsx would not open)."""
    import io

    buffer = io.BytesIO()
    build_template().save(buffer)
    atomic_write(path, buffer.getvalue(), durable=False)


def build_template() -> Any:
    """The template as an openpyxl Workbook: the list sheet, then the notes sheet."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET
    _title(sheet)
    _header(sheet)
    _example(sheet)
    _validations(sheet)
    _notes(book.create_sheet(NOTES_SHEET))
    return book


def _col(column: Column) -> str:
    return column_letter(COLUMNS.index(column))


def _title(sheet: Any) -> None:
    from openpyxl.styles import Alignment, Font

    last = column_letter(len(COLUMNS) - 1)
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"] = TITLE
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 32


def _header(sheet: Any) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="808080")
    for column in COLUMNS:
        cell = sheet[f"{_col(column)}{HEADER_ROW}"]
        cell.value = column.heading
        cell.font = Font(bold=True, color="C00000" if column.need == "必填" else "000000")
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        sheet.column_dimensions[_col(column)].width = column.width
        if column.field in TEXT_FIELDS:
            sheet.column_dimensions[_col(column)].number_format = "@"
    sheet.row_dimensions[HEADER_ROW].height = 30
    sheet.freeze_panes = f"C{FIRST_DATA_ROW}"  # header and 序号/事项名称 stay in view


def _example(sheet: Any) -> None:
    from openpyxl.styles import Alignment, Font

    for column in COLUMNS:
        cell = sheet[f"{_col(column)}{FIRST_DATA_ROW}"]
        value = EXAMPLE.get(column.field, "")
        cell.value = value if value != "" else None
        cell.font = Font(color="808080", italic=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        if column.field in TEXT_FIELDS:
            cell.number_format = "@"


def _validations(sheet: Any) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    by_field = {column.field: column for column in COLUMNS}
    rows = f"{FIRST_DATA_ROW}:{LAST_DATA_ROW}"
    lists = {"type": list(vocab.POWER_TYPES), "fee_charged": ["是", "否"]}
    for name, choices in lists.items():
        column = by_field[name]
        rule = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                              showErrorMessage=True, errorTitle=column.heading,
                              error="请从下拉列表中选择：" + "、".join(choices), promptTitle=column.heading,
                              prompt=column.help, showInputMessage=True)
        _add(sheet, rule, column, rows)
    for name in ("statutory_days", "promised_days"):
        column = by_field[name]
        rule = DataValidation(type="whole", operator="greaterThan", formula1="0", allow_blank=True,
                              showErrorMessage=True, errorTitle="时限",
                              error="只填写工作日天数（正整数），例如 20。",
                              promptTitle=column.heading, prompt=column.help, showInputMessage=True)
        _add(sheet, rule, column, rows)


def _add(sheet: Any, rule: Any, column: Column, rows: str) -> None:
    first, last = rows.split(":")
    rule.add(f"{_col(column)}{first}:{_col(column)}{last}")
    sheet.add_data_validation(rule)


def _notes(sheet: Any) -> None:
    from openpyxl.styles import Alignment, Font

    lines: list[tuple[Any, ...]] = [
        ("行政权力事项清单填写说明",),
        (),
        ("列名", "是否必填", "填写说明", "也可使用的列名"),
        *((c.heading, c.need, c.help, "、".join(c.variants)) for c in COLUMNS),
        (),
        ("事项编码规则",
         "单位代码-类型代码-三位序号，例如 RSJ-XK-001（单位代码见本单位 unit.yaml 的 code_prefix）。"),
        ("类型", "类型代码"),
        *vocab.POWER_TYPES.items(),
        (),
        ("其他说明", "“申请类”指行政许可、行政确认、行政给付、行政奖励、行政裁决。"),
        ("", "表头上方可以有标题行；可以有多个工作表（例如每类事项一个工作表，工作表名写类型）。"),
        ("", "合并单元格（如同一承办机构的多个事项）按合并的值导入。"),
        ("", "重新导入时按事项编码更新：表格中有值的项目被替换，流程图、保密审查等表格中没有的内容保留。"),
        ("", "导入：signage import 清单.xlsx --unit 单位ID；导入后运行 signage check --unit 单位ID。"),
    ]
    for row in lines:
        sheet.append(list(row))
    sheet["A1"].font = Font(size=14, bold=True)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for width, letter in zip((18, 12, 60, 40), "ABCD", strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=True)
