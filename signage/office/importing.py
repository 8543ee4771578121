"""``signage import``: a unit's own power list (行政权力事项清单) spreadsheet → its powers YAML.

Units keep their lists as spreadsheets, each in its own shape: a title above the header, headings
in their own words (权力名称, 承办科室, 法定时限（工作日）…), 事项类型 merged over a block of rows,
one sheet per type, phone numbers Excel turned into numbers. This module finds the header row,
maps the headings (:data:`COLUMNS` lists every variant), converts each cell to what the content
model expects and merges the rows into the unit's powers file by 事项编码:

- fields the sheet has a value for replace the file's; every other field (流程图, 保密审查, fields
  the sheet has no column for, cells left empty) is kept;
- items in the file but not in the sheet are kept and reported, never deleted; new items are
  appended;
- changed and new items get ``updated`` = the import date, so the review gate asks for a fresh
  保密审查 instead of letting a file-level ``review:`` silently cover content nobody reviewed.

Every problem names its cell as ``清单.xlsx 行政许可!C7`` with the heading, what is wrong and what
to do. A row without 事项名称 or 事项编码 is skipped; other problems leave the field out and import
the rest of the row.

The powers file is rewritten through PyYAML (block style, 2-space indent, codes, phones and dates
quoted): comments in it are **not preserved**; a header comment records the source and date.
Nothing is written when nothing changed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from signage.catalogue import vocab
from signage.catalogue.findings import Severity
from signage.office.spreadsheet import Sheet, SpreadsheetError, Workbook, read_spreadsheet
from signage.text.numerals import CHINESE_NUMERAL_CHARS, ascii_digits, parse_chinese_number
from signage.text.phones import normalise as normalise_phone

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
HEADER_SCAN_ROWS = 15  # the header is looked for in this many rows from the top
MIN_HEADINGS = 3  # a header row has at least this many recognised headings
POWERS_FILE = "powers.yaml"
YAML_SUFFIXES = (".yaml", ".yml")
IMPORT_MARK = "# 本文件由 signage import"
IMPORT_COMMENT = IMPORT_MARK + " 于 {date} 从 {source} 导入合并"


class ImportFailure(Exception):
    """Nothing can be imported: unreadable file, no header anywhere, no such unit (exit code 2)."""


# --- columns --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the official template: heading, the field it fills, headings units use for it."""

    heading: str
    field: str  # item field, or seq/note/fee_* (see _FEE_PARTS)
    variants: tuple[str, ...] = ()
    need: str = "选填"
    help: str = ""
    width: int = 16


COLUMNS: tuple[Column, ...] = (
    Column("序号", "seq", (), "选填", "可不填，不导入。填“示例”的行不导入。", 6),
    Column("事项名称", "name", ("权力名称", "职权名称", "名称", "权力事项名称", "事项", "项目名称",
                                "主项名称", "权力事项", "职权事项", "事项名称主项", "职权名称主项",
                                "权力名称主项"),
           "必填", "行政权力事项的规范名称。", 28),
    Column("事项编码", "code", ("权力编码", "编码", "事项代码", "权力代码", "职权编码", "职权代码"),
           "必填", "单位代码-类型代码-三位序号，例如 RSJ-XK-001；重新导入时按编码更新事项。", 16),
    Column("事项类型", "type", ("权力类型", "类别", "职权类别", "类型", "职权类型", "权力类别", "事项类别",
                                "权力种类", "职权种类", "事项种类"),
           "必填", "从下拉列表选择十类之一；整张工作表同一类型时也可用工作表名（如“行政许可”）表示。", 14),
    Column("实施主体", "implementing_unit", ("实施机关", "行使主体", "实施单位", "实施主体名称", "责任主体",
                                             "行使机关", "实施部门", "执法主体"),
           "选填", "不填时为本单位全称。", 24),
    Column("承办机构", "department", ("承办科室", "责任科室", "办理科室", "承办部门", "办理部门", "承办股室",
                                       "责任股室", "责任部门", "内设机构", "承办单位"),
           "必填", "具体办理的股室或机构。", 18),
    Column("设定依据", "legal_basis",
           ("法律依据", "依据", "法定依据", "实施依据", "设立依据", "法律法规依据", "设定和实施依据",
            "设定依据和实施依据", "职权依据", "权力依据"),
           "必填", "《法规名称》第N条；多部法规每行一部（单元格内按 Alt+Enter 换行）或用“；”分隔。", 40),
    Column("法定时限（工作日）", "statutory_days", ("法定时限", "法定期限", "法定办结时限", "法定办理时限"),
           "申请类必填", "工作日天数，只填数字，例如 20。", 12),
    Column("承诺时限（工作日）", "promised_days", ("承诺时限", "承诺期限", "承诺办结时限", "承诺办理时限"),
           "申请类必填", "工作日天数，不超过法定时限；当场办结填 1。", 12),
    Column("是否收费", "fee_charged", ("收费", "收费情况"), "申请类必填", "从下拉列表选择 是 或 否。", 10),
    Column("收费标准", "fee_standard", ("收费金额",), "收费时必填",
           "收费项目和金额，例如“工本费每证10元”。", 20),
    Column("收费依据", "fee_basis", (), "收费时必填", "批准收费的文件名称。", 24),
    Column("申请材料", "materials", ("所需材料", "申报材料", "提交材料", "材料", "申请材料目录"),
           "申请类必填", "每行一项（Alt+Enter 换行）或用“；”分隔。", 36),
    Column("受理条件", "conditions", ("申请条件", "办理条件"), "选填", "申请人应当具备的条件。", 30),
    Column("办理地点", "place", ("受理地点", "办理地址"), "申请类必填", "具体到楼层和窗口。", 26),
    Column("办理时间", "hours", ("受理时间", "办公时间"), "选填", "不填时为本单位办公时间。", 24),
    Column("咨询电话", "consult_phone", ("联系电话", "咨询方式"), "选填",
           "带区号，例如 0412-4822301；本列已设为文本格式，开头的 0 不会丢失。", 16),
    Column("监督电话", "supervision_phone", ("投诉电话", "监督投诉电话", "投诉监督电话", "监督方式"), "选填",
           "不填时为本单位监督电话。", 16),
    Column("备注", "note", ("说明",), "选填", "仅供单位内部参考，不导入、不公开。", 20),
)
# Columns real county lists (权力清单/职权目录) carry besides the template's: the sub-item name,
# and the 责任清单 parts that are internal (not published on screens).
EXTRA_COLUMNS: tuple[Column, ...] = (
    Column("子项名称", "subitem", ("子项", "子项目名称", "子项事项名称", "事项名称子项", "职权名称子项")),
    Column("责任事项", "duty", ("责任事项内容", "责任内容")),
    Column("追责情形", "accountability", ("追责情形及依据", "问责情形", "责任追究情形", "追责依据")),
)
_KEY_LABELS = {"name": "事项名称", "code": "事项编码"}
_FEE_PARTS = {"fee_charged": "charged", "fee_standard": "standard", "fee_basis": "basis"}
_NOT_IMPORTED = ("seq", "note", "subitem", "duty", "accountability")
_INTERNAL = {"duty": "责任事项", "accountability": "追责情形"}
# The order of a power item's fields in the content files (docs/CONTENT.md).
FIELD_ORDER = ("name", "code", "main_item", "type", "implementing_unit", "department", "legal_basis",
               "statutory_days", "promised_days", "fee", "materials", "place", "hours", "conditions",
               "consult_phone", "supervision_phone", "channels", "valid_from", "valid_until", "updated",
               "flowchart", "review")
_TRAILING_NOTE = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]$")


def normalise_heading(value: Any) -> str:
    """法定时限（工作日） / ＊事项名称 / 事项\\n名称 → the bare heading used for matching."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell_text(value))).strip("*:")
    while (match := _TRAILING_NOTE.search(text)) and match.start() > 0:
        text = text[: match.start()].rstrip("*:")
    return text


# --- problems and results -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing to fix, at a sheet, row and column of the source (or the whole file)."""

    severity: Severity
    where: str  # 清单.xlsx 行政许可!C7, 清单.xlsx 行政许可!第7行, 清单.csv C7 …
    heading: str  # the column heading as the sheet wrote it ("" for a whole row or sheet)
    message: str
    advice: str
    kind: str  # a stable short name (missing-name, days, phone-zero …) for scripts and tests

    def render(self) -> str:
        head = f"{self.where}（{self.heading}）" if self.heading else self.where
        text = f"{head}  {self.severity.label}：{self.message}"
        return f"{text}\n    整改意见：{self.advice}" if self.advice else text


@dataclass(slots=True)
class Row:
    """One item as read from a sheet: the fields it has values for, YAML-ready."""

    origin: str  # the row, e.g. 清单.xlsx 行政许可!第7行
    code_ref: str  # the code's cell, e.g. 清单.xlsx 行政许可!C7 (the row when there is no code column)
    values: dict[str, Any]
    seq: str = ""  # 序号 as written: 3, 3-1 …
    subitem: str = ""  # 子项名称, when the sheet has that column

    @property
    def code(self) -> str:
        return str(self.values.get("code", ""))


@dataclass(slots=True)
class ImportReport:
    """What an import read, changed and found."""

    source: str
    kind: str = ""
    encoding: str = ""
    sheets_read: list[str] = field(default_factory=list)
    sheets_skipped: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # in the file, not in the sheet
    skipped_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def exit_code(self) -> int:
        return 1 if self.skipped_rows else 0


# --- cells ----------------------------------------------------------------------------------

PLACEHOLDERS = frozenset(("无", "/", "／", "\\", "-", "－", "—", "——", "--", "暂无", "不涉及", "无。"))
_YES = frozenset(("是", "收费", "有", "y", "yes", "true", "√", "✓", "✔"))
_NO = frozenset(("否", "不收费", "免费", "无", "n", "no", "false", "×", "✗", "✘", "0"))
_IMMEDIATE = frozenset(("即办", "即办件", "即时办结", "当场办结", "当场", "即时", "立即办结", "当即办结"))
_DAYS_TEXT = re.compile(
    rf"(?P<n>[0-9{CHINESE_NUMERAL_CHARS}]+)\s*个?\s*(?P<unit>工作日|日|天)?(?P<rest>.*)", re.S)
_NUMBERING = re.compile(
    r"^\s*(?:\d{1,2}\s*[.、．)）]|[（(]\d{1,2}[)）]|[①-⑳]|[一二三四五六七八九十]{1,3}、)\s*")
_LIST_SPLIT = re.compile(r"\s*(?:\n|；|;)\s*|(?<=[。；;])\s*(?=\d{1,2}[.、．])|\s+(?=\d{1,2}[.、．]\D)")
_CITATION_SPLIT = re.compile(r"\s*(?:\n|；|;)\s*|(?<=。)\s*(?=《)")
_DASHES = str.maketrans({c: "-" for c in "－—–‐‑‒―"})


def cell_text(value: Any) -> str:
    """A cell as the text the unit sees: 20.0 → 20, dates as 2026-05-26, line ends unified."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ", "minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


# normalised heading → its column (built here: normalise_heading needs cell_text)
HEADINGS: dict[str, Column] = {
    normalise_heading(name): column for column in (*COLUMNS, *EXTRA_COLUMNS)
    for name in (column.heading, *column.variants)
}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _clean(value: Any) -> str:
    text = cell_text(value)
    return "" if text in PLACEHOLDERS else text


def _join_lines(text: str) -> str:
    """Lines a cell wrapped by hand, rejoined: no space between two Chinese characters, one otherwise."""
    result = ""
    for line in (part.strip() for part in text.split("\n")):
        if line and result:
            result += "" if _is_cjk(result[-1]) and _is_cjk(line[0]) else " "
        result += line
    return result


def _is_cjk(char: str) -> bool:
    return ord(char) >= 0x2E80


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(slots=True)
class _Cell:
    """A cell being converted: where it is, so a converter can report against it."""

    reader: _SheetReader
    row: int  # 0-based
    col: int
    heading: str

    def report(self, severity: Severity, kind: str, message: str, advice: str = "") -> None:
        self.reader.report(severity, kind, message, advice, row=self.row, col=self.col, heading=self.heading)


# --- converters: (cell, raw value) -> YAML-ready value, or None when the cell says nothing ---


def one_line(cell: _Cell, raw: Any) -> str | None:
    return _join_lines(_clean(raw)) or None


def block(cell: _Cell, raw: Any) -> str | None:
    lines = [line.strip() for line in _clean(raw).split("\n")]
    return "\n".join(line for line in lines if line) or None


def code(cell: _Cell, raw: Any) -> str | None:
    text = cell_text(raw)
    if _is_number(raw):
        cell.report(WARNING, "code-number", f"事项编码“{text}”被 Excel 存成了数字，开头的 0 可能已丢失。",
                    "将该列设置为“文本”格式后重新填写编码（或在编码前加英文单引号 '）。")
    normal = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate(_DASHES))
    if normal != text:
        cell.report(INFO, "code-normalised",
                    f"事项编码“{text}”已规范为“{normal}”（全角字符、空格或长横线）。",
                    "在表格中同样改正，以免下次导入再次提示。")
    return normal or None


def power_type(cell: _Cell, raw: Any) -> str | None:
    text = re.sub(r"\s+", "", _clean(raw))
    if not text or vocab.canonical_power_type(text):
        return text or None
    for candidate in ("行政" + text, text + "行政权力"):
        if vocab.canonical_power_type(candidate):
            return candidate
    cell.report(WARNING, "type", f"“{text}”不是规定的事项类型，已按原文导入。",
                "从以下类型中选择：" + "、".join(vocab.POWER_TYPES) + "。")
    return text


def days(cell: _Cell, raw: Any) -> int | None:
    """Working days: 20, 20.0, “20个工作日”, “二十日”, “即办” (1); anything else is reported."""
    if _is_number(raw):
        if float(raw).is_integer():
            return int(raw)
        cell.report(WARNING, "days", f"“{raw}”不是整数天数，未导入。", "填写整数个工作日，例如 20。")
        return None
    text = ascii_digits(_clean(raw)).strip()
    if not text:
        return None
    if text in _IMMEDIATE:
        cell.report(INFO, "days-immediate", f"“{text}”按 1 个工作日导入。", "时限只填数字；当场办结填 1。")
        return 1
    match = _DAYS_TEXT.fullmatch(text)
    rest = match.group("rest").strip() if match else ""
    if match is None or (rest and not match.group("unit") and not rest.startswith(("(", "（"))):
        cell.report(WARNING, "days", f"“{text}”不是工作日天数，未导入。",
                    "只填写工作日天数，例如 20；以月、自然日计算的时限请折算为工作日。")
        return None
    number = parse_chinese_number(match.group("n"))
    if rest:
        cell.report(INFO, "days-note", f"“{text}”按 {number} 个工作日导入，说明“{rest}”未导入。",
                    "时限列只填数字；需要说明的情况写入受理条件或流程图。")
    return number


def charged(cell: _Cell, raw: Any) -> dict[str, Any] | None:
    """是/否/不收费/免费 → the fee's ``charged``; other text is taken as the standard of a charge."""
    if isinstance(raw, bool):
        return {"charged": raw}
    text = cell_text(raw)
    key = text.lower()
    if key in _YES or key in _NO:
        return {"charged": key in _YES}
    if not _clean(raw):
        return None
    if re.search("不收费|免费|不收取", text):
        return {"charged": False}
    cell.report(INFO, "fee-text", f"“{text}”按收费导入，并作为收费标准。",
                "是否收费列只填“是”或“否”，金额写在收费标准列。")
    return {"charged": True, "standard": _join_lines(text)}


def fee_part(name: str) -> Callable[[_Cell, Any], dict[str, Any] | None]:
    def convert(cell: _Cell, raw: Any) -> dict[str, Any] | None:
        text = _join_lines(_clean(raw))
        return {name: text} if text else None

    return convert


def phone(cell: _Cell, raw: Any) -> str | None:
    text = cell_text(raw)
    if text.isascii() and text.isdigit():
        return _digits_phone(cell, text)
    parts = [part.strip() for part in _clean(raw).split("\n")]
    return "、".join(part for part in parts if part) or None


def _digits_phone(cell: _Cell, digits: str) -> str:
    """Bare digits, as Excel keeps a number (or a CSV it exported): 4822156 is a local number,
    4124822156 lost the 0 of its area code (restored when that makes a valid landline)."""
    if len(digits) <= 8 or digits[0] == "0" or (len(digits) == 11 and digits[0] == "1"):
        return digits
    restored = normalise_phone("0" + digits)
    advice = "将该列设置为“文本”格式后重新填写号码（或在号码前加英文单引号 '）。"
    if restored.kind == "landline":
        cell.report(WARNING, "phone-zero", f"电话号码 {digits} 丢失了开头的 0（Excel 把它当成了数字），"
                    f"已按“{restored.normal}”导入。", "核对号码；" + advice)
        return restored.normal
    cell.report(WARNING, "phone-number", f"电话号码 {digits} 可能丢失了开头的 0（Excel 把它当成了数字）。",
                advice)
    return digits


def citations(cell: _Cell, raw: Any) -> list[str] | None:
    """设定依据: one citation per line or per “；”; a line break inside 《》, or before the article
    of the law just named (《…法》⏎第四十四条), is rejoined."""
    parts: list[str] = []
    for part in _CITATION_SPLIT.split(_clean(raw)):
        if parts and (parts[-1].count("《") > parts[-1].count("》")
                      or (parts[-1].endswith("》") and part.startswith("第"))):
            parts[-1] += part
        else:
            parts.append(part)
    return _entries(parts)


def entries(cell: _Cell, raw: Any) -> list[str] | None:
    """申请材料: one per line, per “；”, or after “1.”/“2、” numbering."""
    return _entries(_LIST_SPLIT.split(_clean(raw)))


def _entries(parts: list[str]) -> list[str] | None:
    cleaned = (_NUMBERING.sub("", part).strip(" 。；;，,") for part in parts)
    return [part for part in cleaned if part and part not in PLACEHOLDERS] or None


Converter = Callable[[_Cell, Any], Any]
CONVERTERS: dict[str, Converter] = {
    "name": one_line, "code": code, "type": power_type, "implementing_unit": one_line,
    "department": one_line, "legal_basis": citations, "statutory_days": days, "promised_days": days,
    "fee_charged": charged, "fee_standard": fee_part("standard"), "fee_basis": fee_part("basis"),
    "materials": entries, "conditions": block, "place": one_line, "hours": one_line,
    "consult_phone": phone, "supervision_phone": phone,
}


# --- one sheet ------------------------------------------------------------------------------


def _types_in(text: str) -> set[str]:
    """Power type names (current or legacy) written in a sheet name, title or section row."""
    names = {name for name in (*vocab.POWER_TYPES, *vocab.LEGACY_POWER_TYPES) if name in text}
    return {name for name in names if not any(name != other and name in other for other in names)}


class _SheetReader:
    """Reads one sheet: finds the header row, maps its columns, turns each data row into a Row."""

    def __init__(self, sheet: Sheet, file: str, problems: list[Problem]) -> None:
        self.sheet, self.file, self.problems = sheet, file, problems
        self.header = -1
        self.data_start = 0  # the first data row: below the header, or below its second row
        self.columns: dict[int, Column] = {}  # column index → what it holds
        self.headings: dict[int, str] = {}  # column index → the heading as written
        self.default_type = ""  # from the sheet name, a title above the header, or a section row
        self.skipped = 0

    def where(self, row: int | None = None, col: int | None = None) -> str:
        sheet = self.sheet.name
        if sheet and re.search(r"[\s!'()\-]", sheet):
            sheet = "'" + sheet.replace("'", "''") + "'"
        if row is None:
            return f"{self.file} {sheet}".rstrip()
        prefix = f"{self.file} {sheet}!" if sheet else f"{self.file} "
        return f"{prefix}第{row + 1}行" if col is None else f"{prefix}{column_letter(col)}{row + 1}"

    def report(self, severity: Severity, kind: str, message: str, advice: str = "", *,
               row: int | None = None, col: int | None = None, heading: str = "") -> None:
        self.problems.append(Problem(severity, self.where(row, col), heading, message, advice, kind))

    # header

    def find_header(self) -> bool:
        """The row among the first few with the most recognised headings (at least MIN_HEADINGS)."""
        best, best_count = -1, MIN_HEADINGS - 1
        for index, cells in enumerate(self.sheet.rows[:HEADER_SCAN_ROWS]):
            count = len(self._fields_of(cells))
            if count > best_count:
                best, best_count = index, count
        if best < 0:
            return False
        self.header = best
        self.data_start = best + 1
        self._map_columns()
        self._second_header_row()
        self.default_type = self._type_from_titles()
        return True

    @staticmethod
    def _fields_of(cells: list[Any]) -> set[str]:
        return {HEADINGS[h].field for h in map(normalise_heading, cells) if h in HEADINGS}

    def _map_columns(self) -> None:
        taken: dict[str, int] = {}
        for col, written in enumerate(self.sheet.rows[self.header]):
            heading = cell_text(written) or self._heading_above(col)
            key = normalise_heading(heading)
            if not key:
                continue
            column = HEADINGS.get(key)
            if column is None:
                self._unknown_heading(col, heading, key)
            elif column.field in taken:
                other = column_letter(taken[column.field])
                self.report(WARNING, "duplicate-column",
                            f"与 {other} 列都对应“{column.heading}”，本列未导入。",
                            "删除或改名其中一列。", row=self.header, col=col, heading=heading)
            else:
                taken[column.field] = col
                self.columns[col], self.headings[col] = column, heading.replace("\n", "")
        if "note" in taken:
            self.report(INFO, "note-column", "备注列不导入（公开内容中没有备注）。", "",
                        row=self.header, col=taken["note"], heading=self.headings[taken["note"]])
        for name, label in _INTERNAL.items():
            if name in taken:
                self.report(INFO, "internal-column", f"“{label}”属于责任清单的内部内容，不导入、不公开。", "",
                            row=self.header, col=taken[name], heading=self.headings[taken[name]])

    def _second_header_row(self) -> None:
        """Two-row headers (职权名称 over 主项名称 | 子项名称): a row below the header whose every
        filled cell is a recognised heading refines the columns and is not data."""
        if self.header + 1 >= len(self.sheet.rows):
            return
        below = self.sheet.rows[self.header + 1]
        filled = {col: normalise_heading(value) for col, value in enumerate(below) if cell_text(value)}
        if not filled or not all(key in HEADINGS for key in filled.values()):
            return
        for col, key in filled.items():
            column = HEADINGS[key]
            current = self.columns.get(col)
            clash = next((c for c, other in self.columns.items()
                          if other.field == column.field and c != col), None)
            if clash is not None and current is None:
                del self.columns[clash]  # e.g. 职权名称 merged over two columns: the sub-heading decides
            self.columns[col], self.headings[col] = column, cell_text(below[col]).replace("\n", "")
        self.data_start = self.header + 2

    def _heading_above(self, col: int) -> str:
        """A heading written only in the row above (two-row headers without merged cells)."""
        for row in range(self.header - 1, max(self.header - 3, -1), -1):
            text = cell_text(self.sheet.value(row, col))
            if normalise_heading(text) in HEADINGS:
                return text
        return ""

    def _unknown_heading(self, col: int, heading: str, key: str) -> None:
        close = difflib.get_close_matches(key, list(HEADINGS), n=1, cutoff=0.5)
        hint = f"如果是“{HEADINGS[close[0]].heading}”，请改用该列名。" if close else ""
        self.report(INFO, "unknown-column", f"列名“{heading}”无法识别，本列未导入。",
                    hint + "可用的列名见模板（signage template）的“填写说明”。",
                    row=self.header, col=col, heading=heading.replace("\n", ""))

    def _type_from_titles(self) -> str:
        for text in (self.sheet.name, *(cell_text(v) for r in self.sheet.rows[: self.header] for v in r)):
            found = _types_in(text)
            if len(found) == 1:
                return found.pop()
        return ""

    def col_of(self, name: str) -> int | None:
        return next((col for col, column in self.columns.items() if column.field == name), None)

    # rows

    def rows(self) -> list[Row]:
        if self.col_of("name") is None:
            self._no_key_columns(["name"])
            return []
        if self.col_of("code") is None:
            self.report(INFO, "no-code-column",
                        "表头中没有“事项编码”列：按事项名称与本单位已有事项对应，新事项按编码规则拟定编码。",
                        "拟定的编码逐条列在下面；核对后可填回表格的“事项编码”列。", row=self.header)
        rows: list[Row] = []
        for index in range(self.data_start, len(self.sheet.rows)):
            row = self._row(index, rows[-1] if rows else None)
            if row is not None:
                rows.append(row)
        rows = _sub_items(rows, self)
        if rows and not any("type" in row.values for row in rows):
            self.report(INFO, "no-type", "没有“事项类型”列，工作表名、标题和分组行也未指明类型。",
                        "在表格中增加“事项类型”列；已有事项的类型保持不变，新事项须补填 type。",
                        row=self.header)
        return rows

    def _no_key_columns(self, missing: list[str]) -> None:
        labels = "、".join(_KEY_LABELS[name] for name in missing)
        data_rows = [cells for cells in self.sheet.rows[self.header + 1:] if any(map(cell_text, cells))]
        self.skipped += len(data_rows)
        self.report(ERROR, "no-key-column",
                    f"表头中没有“{labels}”列，本工作表的 {len(data_rows)} 行都未导入。",
                    "增加该列（列名见模板的“填写说明”）后重新导入。", row=self.header)

    def _row(self, index: int, previous: Row | None) -> Row | None:
        cells = self.sheet.rows[index]
        present = {col: value for col, value in enumerate(cells) if cell_text(value)}
        if not present or len(self._fields_of(cells)) >= MIN_HEADINGS:
            return None  # empty, or the header repeated (printed lists repeat it on every page)
        raw = {column.field: present.get(col) for col, column in self.columns.items()}
        if cell_text(raw.get("seq")) in ("示例", "例", "样例"):
            self.report(INFO, "example", "示例行，未导入。", "", row=index)
            return None
        if raw.get("name") is None and raw.get("code") is None:
            return self._label_or_missing(index, present)
        code_col = self.col_of("code")
        keys = [name for name in _KEY_LABELS if name != "code" or code_col is not None]
        missing = next((name for name in keys if raw.get(name) is None), None)
        values = self._values(index, cells) if missing is None else {}
        missing = missing or next((name for name in keys if name not in values), None)
        if missing is not None:
            return self._skip(index, missing, f"缺少{_KEY_LABELS[missing]}，该行未导入。")
        subitem = one_line(_Cell(self, index, self.col_of("subitem") or 0, "子项名称"),
                           raw.get("subitem")) if raw.get("subitem") is not None else ""
        key_col = code_col if code_col is not None else self.col_of("name")
        merged = (index, key_col) in self.sheet.filled
        if merged and previous is not None and not subitem and (
                previous.code == values.get("code") if code_col is not None
                else previous.values["name"] == values["name"] and not previous.subitem):
            _continue(previous, values)  # the key cell is merged over this row: the same item goes on
            return None
        if "type" not in values and self.default_type:
            values["type"] = self.default_type
        ref = self.where(index, code_col) if code_col is not None else self.where(index)
        return Row(self.where(index), ref, values, cell_text(raw.get("seq")), subitem or "")

    def _label_or_missing(self, index: int, present: dict[int, Any]) -> None:
        """A row without name and code: a section row (一、行政许可) or a note, else a real gap."""
        texts = [cell_text(value) for value in present.values()]
        only_seq = all(self.columns.get(col) and self.columns[col].field == "seq" for col in present)
        if len(present) == 1 or only_seq:
            found = _types_in(texts[0])
            if len(found) == 1:
                self.default_type = found.pop()
            elif not only_seq:
                self.report(INFO, "label-row", f"只有一个单元格“{texts[0][:30]}”，视为标题或说明行，未导入。",
                            "", row=index)
            return None
        return self._skip(index, "name", "缺少事项名称和事项编码，该行未导入。")

    def _skip(self, index: int, name: str, message: str) -> None:
        col = self.col_of(name)
        self.skipped += 1
        self.report(ERROR, f"missing-{name}", message, "补填后重新导入；编码规则见模板的“填写说明”。",
                    row=index, col=col, heading=self.headings.get(col, "") if col is not None else "")
        return None

    def _values(self, index: int, cells: list[Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        fee: dict[str, Any] = {}
        for col, column in sorted(self.columns.items(), key=lambda item: item[1].field != "fee_charged"):
            raw = cells[col] if col < len(cells) else None
            if column.field in _NOT_IMPORTED or not cell_text(raw):
                continue
            result = CONVERTERS[column.field](_Cell(self, index, col, self.headings[col]), raw)
            if result is None:
                continue
            if column.field in _FEE_PARTS:
                fee.update(result)
            else:
                values[column.field] = result
        if fee.get("standard"):
            fee.setdefault("charged", True)  # a standard means a charge, even without 是否收费
        if fee:
            values["fee"] = fee
        return values


def _continue(item: Row, values: dict[str, Any]) -> None:
    """A continuation row (code merged over it): lists grow, empty fields are filled."""
    for key, value in values.items():
        current = item.values.get(key)
        if isinstance(current, list) and isinstance(value, list):
            current.extend(v for v in value if v not in current)
        elif current is None:
            item.values[key] = value


# --- the whole file -------------------------------------------------------------------------


def read_rows(book: Workbook, report: ImportReport) -> list[Row]:
    """Every item row of every sheet with a header; ImportFailure when no sheet has one."""
    file = book.path.name
    rows: list[Row] = []
    for sheet in book.sheets:
        reader = _SheetReader(sheet, file, report.problems)
        label = sheet.name or file
        if not sheet.visible or not reader.find_header():
            reason = "隐藏的工作表" if not sheet.visible else "没有可识别的表头"
            report.sheets_skipped.append(label)
            reader.report(INFO, "sheet-skipped", f"{reason}，已跳过。",
                          "" if not sheet.visible else "如果本表是事项清单，列名见模板的“填写说明”。")
            continue
        report.sheets_read.append(label)
        rows += reader.rows()
        report.skipped_rows += reader.skipped
    if not report.sheets_read:
        expected = "、".join(c.heading for c in COLUMNS[1:5])
        raise ImportFailure(
            f"{file} 中找不到表头：前 {HEADER_SCAN_ROWS} 行中没有一行含有至少 {MIN_HEADINGS} 个可识别的列名"
            f"（如 {expected}）。请按模板（signage template -o 模板.xlsx）整理后再导入。")
    return rows


def _unique(rows: list[Row], report: ImportReport) -> list[Row]:
    first: dict[str, Row] = {}
    for row in rows:
        if not row.code:
            continue  # no code and none could be proposed: already reported and skipped
        if row.code in first:
            report.skipped_rows += 1
            report.problems.append(Problem(
                ERROR, row.code_ref, "事项编码",
                f"事项编码“{row.code}”与 {first[row.code].origin} 重复，该行未导入。",
                "每个事项使用唯一的编码；确为同一事项的请删除重复行。", "duplicate-code"))
        else:
            first[row.code] = row
    return list(first.values())


# --- 主项/子项 and rows without codes ---------------------------------------------------------

_SUB_SEQ = re.compile(r"^(\d+)\s*[-－—.．]\s*(\d+)$")


def _sub_items(rows: list[Row], reader: _SheetReader) -> list[Row]:
    """Sub-items (子项) become items of their own, named 主项（子项） so citizens can tell them
    apart and linked to the main item by ``main_item``. A sub-item is a row with a 子项名称, or a
    row numbered 3-1, 3-2 … under the row numbered 3 (which then only heads them: not imported)."""
    by_seq = {row.seq: row for row in rows if row.seq and not _SUB_SEQ.match(row.seq)}
    heads: set[int] = set()
    for row in rows:
        main = ""
        if row.subitem:
            main = row.values["name"]
            row.values["name"] = _sub_name(main, row.subitem)
        elif (match := _SUB_SEQ.match(row.seq)) and match.group(1) in by_seq:
            head = by_seq[match.group(1)]
            heads.add(id(head))
            main = head.values["name"]
            row.values["name"] = _sub_name(main, row.values["name"])
            for key in ("type", "legal_basis", "implementing_unit", "department"):
                if key in head.values:
                    row.values.setdefault(key, head.values[key])
        if main:
            row.values["main_item"] = main
    for row in rows:
        if id(row) in heads:
            reader.problems.append(Problem(INFO, row.origin, "",
                                           f"“{row.values['name']}”是主项，按其子项逐项导入。", "",
                                           "main-item"))
    return [row for row in rows if id(row) not in heads]


def _sub_name(main: str, sub: str) -> str:
    return sub if sub.startswith(main) else f"{main}（{sub}）"


def assign_codes(rows: list[Row], files: list[PowersFile], unit_dir: Path, report: ImportReport) -> list[Row]:
    """Rows without a code: the unit's existing item of the same name gives its code; a new item
    gets the next free code by the pattern 单位代码-类型代码-序号, reported (never silently)."""
    if all(row.code for row in rows):
        return rows
    by_name = {str(item.get("name") or "").strip(): str(item.get("code") or "").strip()
               for powers_file in files for item in powers_file.items}
    taken = {code for code in by_name.values() if code} | {row.code for row in rows if row.code}
    prefix = _code_prefix(unit_dir)
    kept: list[Row] = []
    for row in rows:
        if row.code:
            kept.append(row)
            continue
        name = row.values["name"]
        if by_name.get(name):
            row.values = {"code": by_name[name], **row.values}
            kept.append(row)
            continue
        abbr = vocab.POWER_TYPES.get(vocab.canonical_power_type(str(row.values.get("type", ""))) or "")
        if not abbr:
            report.skipped_rows += 1
            report.problems.append(Problem(
                ERROR, row.origin, "事项类型",
                f"新事项“{name}”没有编码，也没有事项类型，无法拟定编码，该行未导入。",
                "填写“事项类型”（或“事项编码”）后重新导入。", "no-code-no-type"))
            continue
        code = _next_code(prefix, abbr, taken)
        taken.add(code)
        row.values = {"code": code, **row.values}
        report.problems.append(Problem(
            WARNING, row.origin, "事项编码", f"新事项“{name}”没有编码，按编码规则拟定为“{code}”。",
            "核对后把该编码填回表格的“事项编码”列；编码一经发布不再变更。", "proposed-code"))
        kept.append(row)
    return kept


def _code_prefix(unit_dir: Path) -> str:
    try:
        data = yaml.safe_load((unit_dir / "unit.yaml").read_text("utf-8")) or {}
        return str((data.get("unit") or {}).get("code_prefix") or "DW")
    except (OSError, yaml.YAMLError, AttributeError, UnicodeDecodeError):
        return "DW"


def _next_code(prefix: str, abbr: str, taken: set[str]) -> str:
    stem = f"{prefix}-{abbr}-"
    used = [int(code[len(stem):]) for code in taken if code.startswith(stem) and code[len(stem):].isdigit()]
    return f"{stem}{max(used, default=0) + 1:03d}"


# --- merging into the unit's files ----------------------------------------------------------


@dataclass(slots=True)
class PowersFile:
    """A content file holding a ``powers:`` list, as plain data to merge into and write back."""

    path: Path
    display: str  # relative to the content folder
    data: dict[str, Any]
    had_comments: bool = False
    was_utf8: bool = True
    changed: bool = False

    @property
    def items(self) -> list[dict[str, Any]]:
        return self.data["powers"]


def unit_folder(content_dir: Path, unit_id: str) -> Path:
    """``content/units/<id>``; ImportFailure naming the units there when it does not exist."""
    if not unit_id or unit_id in (".", "..") or Path(unit_id).name != unit_id:
        raise ImportFailure(f"单位 ID“{unit_id}”无效：应为 units/ 下的目录名，例如 renshe")
    folder = content_dir / "units" / unit_id
    if not folder.is_dir():
        units = content_dir / "units"
        known = sorted(p.name for p in units.iterdir() if p.is_dir()) if units.is_dir() else []
        hint = f"可选：{'、'.join(known)}" if known else f"{content_dir} 下没有 units/ 目录"
        raise ImportFailure(f"没有单位目录 {folder}（--unit {unit_id}）。{hint}")
    return folder


def load_powers_files(content_dir: Path, unit_dir: Path) -> list[PowersFile]:
    """The unit's files with ``powers:`` (or a new powers.yaml); ImportFailure if any file is broken,
    since rewriting next to a file that does not parse could duplicate or lose items."""
    paths = sorted(p for p in unit_dir.rglob("*") if p.suffix in YAML_SUFFIXES and p.is_file())
    files = [_load_file(content_dir, path) for path in paths]
    with_powers = [f for f in files if "powers" in f.data]
    if with_powers:
        return with_powers
    target = next((f for f in files if f.path.name == POWERS_FILE), None)
    if target is None:
        path = unit_dir / POWERS_FILE
        target = PowersFile(path, path.relative_to(content_dir).as_posix(), {})
    target.data["powers"] = []
    return [target]


def _load_file(content_dir: Path, path: Path) -> PowersFile:
    from signage.catalogue.yamlsource import read_yaml

    display = path.relative_to(content_dir).as_posix()
    doc = read_yaml(path, display)
    errors = [f for f in doc.findings if f.is_error]
    if errors or doc.data is None:
        first = errors[0] if errors else None
        reason = f"{first.location}：{first.message}" if first else f"{display} 无法读取"
        raise ImportFailure(f"{reason} 请先修正（signage check）再导入，以免覆盖其中的内容。")
    if not isinstance(doc.data, dict):
        raise ImportFailure(f"{display} 不是以字段开头的 YAML 文件；请先修正再导入。")
    data = _plain(doc.data)
    powers = data.get("powers", [])
    if "powers" in data and not (isinstance(powers, list | type(None)) and
                                 all(isinstance(item, dict) for item in powers or [])):
        raise ImportFailure(f"{display} 的 powers: 不是事项列表；请先修正再导入。")
    if "powers" in data:
        data["powers"] = powers or []
    text = path.read_bytes().decode("utf-8", errors="replace")
    comments = any(line.lstrip().startswith("#") and not line.startswith(IMPORT_MARK)
                   for line in text.splitlines())
    return PowersFile(path, display, data, had_comments=comments, was_utf8=doc.encoding == "UTF-8")


def _plain(value: Any) -> Any:
    """Located YAML values → plain dicts, lists and texts."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def merge(rows: list[Row], files: list[PowersFile], report: ImportReport, today: dt.date) -> None:
    """Rows into the files by code: update in place, append new ones, keep (and report) the rest."""
    index: dict[str, tuple[PowersFile, dict[str, Any]]] = {}
    for powers_file in files:
        for item in powers_file.items:
            index.setdefault(str(item.get("code") or "").strip(), (powers_file, item))
    index.pop("", None)
    append_to = next((f for f in files if f.path.name == POWERS_FILE), files[0])
    for row in rows:
        if row.code not in index:
            append_to.items.append(_new_item(row.values, today))
            append_to.changed = True
            report.new.append(row.code)
        elif apply_values(index[row.code][1], row.values, today):
            index[row.code][0].changed = True
            report.updated.append(row.code)
        else:
            report.unchanged.append(row.code)
    seen = {row.code for row in rows}
    report.kept = [code for code in index if code not in seen]
    if report.kept:
        report.problems.append(Problem(
            INFO, "、".join(sorted({index[c][0].display for c in report.kept})), "",
            f"{len(report.kept)} 个事项在文件中但不在表格中，已保留（导入不删除事项）："
            f"{'、'.join(report.kept[:20])}{' 等' if len(report.kept) > 20 else ''}。",
            "如果这些事项已取消，请在内容文件中删除。", "kept"))


def _new_item(values: dict[str, Any], today: dt.date) -> dict[str, Any]:
    item = {**values, "updated": today.isoformat()}
    return {key: item[key] for key in FIELD_ORDER if key in item}


def apply_values(item: dict[str, Any], values: dict[str, Any], today: dt.date) -> bool:
    """Set the sheet's values on ``item`` (keeping fields the sheet lacks); True when anything changed."""
    changed = False
    for key, value in values.items():
        if key == "fee":
            value = _merged_fee(item.get("fee"), value)
        if key in item and _semantic(key, item[key]) == _semantic(key, value):
            continue  # same meaning: keep the file's spelling (否 vs false, "20" vs 20)
        _set_in_order(item, key, value)
        changed = True
    if changed:
        _set_in_order(item, "updated", today.isoformat())
    return changed


def _merged_fee(old: Any, new: dict[str, Any]) -> dict[str, Any]:
    fee = dict(old) if isinstance(old, dict) else _fee_from_text(old)
    if new.get("charged") is False:
        for part in ("standard", "basis"):
            fee.pop(part, None)  # no charge any more: an old standard would contradict it
    fee.update(new)
    return fee


def _fee_from_text(value: Any) -> dict[str, Any]:
    """``fee: 不收费`` / ``fee: 每证10元`` as the mapping form (as signage.catalogue.schema reads it)."""
    if not isinstance(value, str) or not value.strip():
        return {}
    flag = _flag(value)
    return {"charged": flag} if flag is not None else {"charged": True, "standard": value}


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool) or value is None:
        return value
    key = str(value).strip().lower()
    return True if key in _YES else False if key in _NO else None


def _semantic(key: str, value: Any) -> Any:
    """A field's meaning, for deciding whether the sheet changes it."""
    if key in ("statutory_days", "promised_days"):
        text = str(value).strip()
        return int(text) if text.isdigit() else text
    if key == "fee":
        fee = value if isinstance(value, dict) else _fee_from_text(value)
        return (_flag(fee.get("charged")), str(fee.get("standard") or "").strip(),
                str(fee.get("basis") or "").strip())
    if isinstance(value, list):
        return [_semantic(key, v) for v in value]
    if key in ("legal_basis", "materials") and isinstance(value, str):
        return [value.strip()]
    return value.strip() if isinstance(value, str) else value


def _set_in_order(item: dict[str, Any], key: str, value: Any) -> None:
    """Replace in place, or insert a new key where docs/CONTENT.md puts it."""
    if key in item or key not in FIELD_ORDER:
        item[key] = value
        return
    rank = FIELD_ORDER.index(key)
    entries = list(item.items())
    position = 0
    for i, (existing, _) in enumerate(entries):
        if existing in FIELD_ORDER and FIELD_ORDER.index(existing) < rank:
            position = i + 1
    entries.insert(position, (key, value))
    item.clear()
    item.update(entries)


# --- writing YAML ---------------------------------------------------------------------------


class _Quoted(str):
    """A text written in double quotes, as the samples write codes, phones and dates."""


class _Dumper(yaml.SafeDumper):
    """Block style with list items indented under their key, as the content files are written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if isinstance(value, _Quoted) else "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style=style)


_Dumper.add_representer(str, _represent_text)
_Dumper.add_representer(_Quoted, _represent_text)

_INT_KEYS = frozenset(("statutory_days", "promised_days", "days"))
_BOOL_KEYS = frozenset(("charged", "urgent"))
_QUOTED_KEYS = frozenset(("code", "consult_phone", "supervision_phone", "complaint_phone", "area_code",
                          "date", "updated", "valid_from", "valid_until", "website", "online_url"))


def _typed(value: Any, key: str = "") -> Any:
    """Texts as the content files write them: days as numbers, true/false bare, codes quoted."""
    if isinstance(value, dict):
        return {k: _typed(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_typed(v, key) for v in value]
    if isinstance(value, str):
        if key in _INT_KEYS and value.strip().isascii() and value.strip().isdigit():
            return int(value)
        if key in _BOOL_KEYS and value in ("true", "false"):
            return value == "true"
        return _Quoted(value) if key in _QUOTED_KEYS else value
    return value


def dump_yaml(data: dict[str, Any], source: str, today: dt.date) -> str:
    header = (IMPORT_COMMENT.format(date=today.isoformat(), source=source)
              + "；重新导入时按事项编码更新，本文件中的注释不保留。\n")
    body = yaml.dump(_typed(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096, indent=2)
    return header + body


def write_files(files: list[PowersFile], report: ImportReport, today: dt.date) -> None:
    from signage.contract.files import atomic_write

    for powers_file in files:
        if not powers_file.changed:
            continue
        if powers_file.had_comments:
            report.problems.append(Problem(
                INFO, powers_file.display, "", "文件原有的注释在导入后不再保留。",
                "需要的说明请写在表格的备注列或单独的文档中。", "comments-lost"))
        if not powers_file.was_utf8:
            report.problems.append(Problem(INFO, powers_file.display, "", "文件已改存为 UTF-8 编码。", "",
                                           "re-encoded"))
        if not report.dry_run:
            atomic_write(powers_file.path, dump_yaml(powers_file.data, report.source, today).encode("utf-8"))
        report.written.append(powers_file.display)


# --- the command ----------------------------------------------------------------------------


def import_spreadsheet(source: Path, content_dir: Path, unit_id: str, *, today: dt.date,
                       dry_run: bool = False) -> ImportReport:
    """Import ``source`` into unit ``unit_id``'s content; ImportFailure when nothing can be imported."""
    unit_dir = unit_folder(content_dir, unit_id)
    files = load_powers_files(content_dir, unit_dir)
    try:
        book = read_spreadsheet(source)
    except SpreadsheetError as exc:
        raise ImportFailure(str(exc)) from None
    report = ImportReport(source.name, kind=book.kind, encoding=book.encoding, dry_run=dry_run)
    if book.encoding:
        delimiter = _DELIMITER_NAMES.get(book.delimiter, book.delimiter)
        report.problems.append(Problem(INFO, source.name, "",
                                       f"按 {book.encoding} 编码读取，分隔符为{delimiter}。", "", "encoding"))
    rows = _unique(assign_codes(read_rows(book, report), files, unit_dir, report), report)
    merge(rows, files, report, today)
    write_files(files, report, today)
    return report


_DELIMITER_NAMES = {",": "逗号", "\t": "制表符", ";": "分号"}


def render_report(report: ImportReport, content_dir: Path, unit_id: str) -> list[str]:
    """The problems, then the summary and the next step, as lines for the terminal."""
    lines = [problem.render() for problem in report.problems]
    skipped = f"（跳过：{'、'.join(report.sheets_skipped)}）" if report.sheets_skipped else ""
    sheets = "、".join(report.sheets_read)
    if lines:
        lines.append("")
    lines.append(f"读取 {report.source}：" + (f"工作表 {sheets}{skipped}" if report.kind == "xlsx"
                                             else f"{report.encoding} 编码的 CSV"))
    total = len(report.new) + len(report.updated) + len(report.unchanged)
    lines.append(f"导入 {total} 个事项：新增 {len(report.new)}、更新 {len(report.updated)}、"
                 f"未变 {len(report.unchanged)}；跳过 {report.skipped_rows} 行")
    if report.kept:
        lines.append(f"文件中另有 {len(report.kept)} 个事项不在表格中，已保留")
    if report.dry_run:
        lines.append("试运行（--dry-run）：未写入任何文件" + (f"，将改写 {'、'.join(report.written)}"
                                                       if report.written else ""))
    elif report.written:
        lines.append("已写入 " + "、".join(str(content_dir / name) for name in report.written))
    else:
        lines.append("内容没有变化，未改写文件")
    lines.append(f"下一步：signage check {content_dir} --unit {unit_id}")
    return lines
