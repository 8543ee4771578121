"""Reading the spreadsheets units keep (.xlsx through openpyxl, .csv in any common encoding) into
plain grids of cell values, so :mod:`signage.office.importing` never deals with file formats.

Merged cells: openpyxl gives only a range's top-left cell a value. Units merge a column's cells
over a block of rows (one 事项类型 or 承办机构 for several items), so each merged range's value is
filled *down* its first column; the filled cells are remembered (an item whose code cell is merged
over several rows continues on those rows). Ranges are not filled across columns: a title or a
section row (一、行政许可) merged across the sheet stays one cell.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_BYTES = 64 * 1024 * 1024
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and .et/.doc): not readable here


class SpreadsheetError(Exception):
    """The file cannot be read as a spreadsheet at all (the command exits 2)."""


@dataclass(slots=True)
class Sheet:
    """One sheet's values by row; ``rows[0]`` is spreadsheet row 1, ``rows[r][0]`` column A."""

    name: str  # "" for a CSV file
    rows: list[list[Any]]
    visible: bool = True
    filled: set[tuple[int, int]] = field(default_factory=set)  # (row, col), 0-based, filled by a merge

    def value(self, row: int, col: int) -> Any:
        cells = self.rows[row] if row < len(self.rows) else []
        return cells[col] if col < len(cells) else None


@dataclass(slots=True)
class Workbook:
    """What a file holds: its sheets, and for CSV the encoding and delimiter found."""

    path: Path
    kind: str  # "xlsx" or "csv"
    sheets: list[Sheet]
    encoding: str = ""
    delimiter: str = ""


def read_spreadsheet(path: Path) -> Workbook:
    """Read ``path`` by its content (a renamed file still works); SpreadsheetError when impossible."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpreadsheetError(f"无法读取 {path.name}：{exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise SpreadsheetError(f"{path.name} 过大（{len(raw)} 字节），请拆分后导入")
    if raw.startswith(_OLE_MAGIC):
        raise SpreadsheetError(
            f"{path.name} 是旧版 Excel 97-2003（.xls）或 WPS 格式：请在 Excel/WPS 中“另存为” .xlsx 后再导入")
    if raw.startswith(_ZIP_MAGIC):
        return _read_workbook(path)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        raise SpreadsheetError(f"{path.name} 不是有效的 .xlsx 工作簿（文件已损坏或只是改了扩展名）")
    return _read_csv(path, raw)


# --- .xlsx ----------------------------------------------------------------------------------


def _read_workbook(path: Path) -> Workbook:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():  # "extension is not supported" for WPS/Excel extras
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SpreadsheetError(f"{path.name} 不是可读取的 .xlsx 工作簿（{exc}）") from None
    try:
        sheets = [_sheet(ws) for ws in book.worksheets]
    finally:
        book.close()
    return Workbook(path, "xlsx", sheets)


def _sheet(ws: Any) -> Sheet:
    rows = [list(values) for values in ws.iter_rows(values_only=True)]
    while rows and all(_blank(v) for v in rows[-1]):
        rows.pop()
    sheet = Sheet(ws.title, rows, visible=ws.sheet_state == "visible")
    for merged in ws.merged_cells.ranges:
        _fill_down(sheet, merged.min_row - 1, merged.max_row - 1, merged.min_col - 1)
    return sheet


def _fill_down(sheet: Sheet, top: int, bottom: int, col: int) -> None:
    """Give every cell of a merged range's first column the range's value."""
    value = sheet.value(top, col)
    for row in range(top + 1, min(bottom, len(sheet.rows) - 1) + 1):
        cells = sheet.rows[row]
        cells.extend([None] * (col + 1 - len(cells)))
        cells[col] = value
        sheet.filled.add((row, col))


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- .csv -----------------------------------------------------------------------------------


def decode_text(raw: bytes) -> tuple[str, str]:
    """(text, encoding name): a BOM decides; else strict UTF-8; else GB18030 (a superset of GBK).

    Deterministic on purpose: statistical detectors guess wrong on short Chinese texts, and these
    are the only encodings Chinese office software writes CSV in."""
    if raw.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", "UTF-8（带 BOM）")]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", "UTF-16")]  # Excel's “Unicode 文本”
    else:
        candidates = [("utf-8", "UTF-8"), ("gb18030", "GBK/GB18030")]
    for codec, label in candidates:
        try:
            return raw.decode(codec), label
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(
        "文件既不是 UTF-8 也不是 GBK/GB18030 编码，无法识别；请在 Excel 中另存为 .xlsx 或 UTF-8 CSV")


def _read_csv(path: Path, raw: bytes) -> Workbook:
    try:
        text, encoding = decode_text(raw)
    except SpreadsheetError as exc:
        raise SpreadsheetError(f"{path.name}：{exc}") from None
    if "\x00" in text:
        raise SpreadsheetError(f"{path.name} 不是电子表格（.xlsx）或 CSV 文本文件")
    delimiter = sniff_delimiter(text)
    rows = [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    while rows and all(_blank(v) for v in rows[-1]):
        rows.pop()
    return Workbook(path, "csv", [Sheet("", rows)], encoding=encoding, delimiter=delimiter)


def sniff_delimiter(text: str) -> str:
    """Comma, tab or semicolon: csv.Sniffer's guess, unless another one splits the rows into more
    columns (the Sniffer can be misled by a few short rows of Chinese text)."""
    sample = "\n".join(text[:32768].splitlines()[:50])
    widths = {d: _modal_width(sample, d) for d in ",\t;"}
    try:
        guess = csv.Sniffer().sniff(sample, delimiters=",\t;").delimiter
    except csv.Error:
        guess = ","
    best = max(widths, key=lambda d: (widths[d], d == guess))
    return guess if widths[guess] >= widths[best] else best


def _modal_width(sample: str, delimiter: str) -> int:
    """The most common number of fields in the sample's non-empty rows (1 when it never splits)."""
    widths = [len(row) for row in csv.reader(io.StringIO(sample), delimiter=delimiter) if any(row)]
    return max(set(widths), key=lambda w: (widths.count(w), w)) if widths else 1
