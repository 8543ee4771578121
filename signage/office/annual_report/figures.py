"""The office's figures for an annual report: ``content/annual/<year>.yaml``.

Table 2 (decisions, fees, rules issued) and the written sections are not in the register or the
catalogue, so the office types them here, per unit and for the county. Every mistake is reported
with the file, line and field, in Chinese, and nothing is guessed.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from signage.catalogue.yamlsource import LocatedDict, read_yaml
from signage.requests.annual import TEXT_KEYS, Figures
from signage.requests.tables import TABLE2_BLOCKS, empty_table3

FOLDER = "annual"
TABLE3_KEY = "表三补录"


class FiguresError(ValueError):
    """A figures file that cannot be used as written: file:line, the field, what to do."""


def figures_path(content_dir: Path, year: int) -> Path:
    return content_dir / FOLDER / f"{year}.yaml"


def load_figures(content_dir: Path, year: int, scope: str, default_organ: str) -> Figures:
    """The figures of ``scope`` (a unit id, or ``county``); empty figures when the file or the
    section is absent (the report then says （未填写） and table 2 shows 0)."""
    path = figures_path(content_dir, year)
    figures = Figures(organ=default_organ)
    if not path.exists():
        return figures
    display = path.relative_to(content_dir.parent).as_posix() if path.is_relative_to(content_dir.parent) \
        else str(path)
    doc = read_yaml(path, display)
    if doc.findings or not isinstance(doc.data, dict):
        reason = "；".join(f.message for f in doc.findings) or "顶层应为映射（county: / units:）"
        raise FiguresError(f"{display}：无法读取：{reason}")
    data: dict = doc.data
    section = data.get("county") if scope == "county" else (data.get("units") or {}).get(scope)
    if section is None:
        return figures
    where = "county" if scope == "county" else f"units.{scope}"
    if not isinstance(section, LocatedDict):
        raise FiguresError(f"{display}：{where} 应为映射")
    return _section(section, figures, _Place(display, where))


class _Place:
    def __init__(self, display: str, path: str) -> None:
        self.display, self.path = display, path

    def error(self, mapping: Any, key: str, message: str) -> FiguresError:
        line = mapping.line_of(key) if isinstance(mapping, LocatedDict) else 0
        return FiguresError(f"{self.display}:{line}：{self.path}.{key}：{message}")


def _section(section: LocatedDict, figures: Figures, place: _Place) -> Figures:
    known = {"机关", "主动公开", TABLE3_KEY, *TEXT_KEYS}
    for key, value in section.items():
        if key not in known:
            raise place.error(section, key, f"不认识的字段；可用：{'、'.join(sorted(known))}")
        if key == "机关":
            figures.organ = str(value).strip() or figures.organ
        elif key in TEXT_KEYS:
            figures.texts[key] = str(value).strip()
    if "主动公开" in section:
        figures.proactive = _proactive(section["主动公开"], _Place(place.display, f"{place.path}.主动公开"))
    if TABLE3_KEY in section:
        figures.table3_cells = _table3(section[TABLE3_KEY], section, place)
    return figures


def _proactive(value: Any, place: _Place) -> dict[str, dict[str, Any]]:
    rows = {row: columns for _, columns, block_rows in TABLE2_BLOCKS for row in block_rows}
    if not isinstance(value, LocatedDict):
        raise FiguresError(f"{place.display}：{place.path}：应为映射（规章、行政许可等）")
    result: dict[str, dict[str, Any]] = {}
    for row, cells in value.items():
        if row not in rows:
            raise place.error(value, row, f"表二没有这一行；可用：{'、'.join(rows)}")
        if not isinstance(cells, LocatedDict):
            raise place.error(value, row, f"应为映射，例如 {{{rows[row][0]}: 3}}")
        inner = _Place(place.display, f"{place.path}.{row}")
        result[row] = {}
        for column, text in cells.items():
            if column not in rows[row]:
                raise inner.error(cells, column, f"表二这一行没有这一列；可用：{'、'.join(rows[row])}")
            money = column.startswith("本年收费金额")
            result[row][column] = _number(text, money, inner, cells, column)
    return result


def _number(text: Any, money: bool, place: _Place, mapping: LocatedDict, key: str) -> Any:
    try:
        value = Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation:
        value = Decimal(-1)
    if value < 0 or (not money and value != value.to_integral_value()):
        kind = "不小于 0 的金额（万元，可带小数，例如 12.5）" if money else "不小于 0 的整数（件数）"
        raise place.error(mapping, key, f"“{text}”应为{kind}")
    return value if money else int(value)


def _table3(value: Any, section: LocatedDict, place: _Place) -> dict[tuple[tuple[str, ...], str], int]:
    table = empty_table3()
    by_label = {row[-1]: row for row in table.rows}
    if not isinstance(value, list):
        raise place.error(section, TABLE3_KEY, "应为列表，每项 {行: …, 列: …, 数: …}")
    cells: dict[tuple[tuple[str, ...], str], int] = {}
    for entry in value:
        if not isinstance(entry, LocatedDict) or set(entry) != {"行", "列", "数"}:
            raise place.error(section, TABLE3_KEY, "每项应恰有 行、列、数 三个字段")
        row = by_label.get(str(entry["行"]).strip())
        inner = _Place(place.display, f"{place.path}.{TABLE3_KEY}")
        if row is None:
            raise inner.error(entry, "行", f"表三没有“{entry['行']}”这一行（照抄表三的行名，例如 "
                                          "二、上年结转政府信息公开申请数量）")
        if entry["列"] not in table.columns:
            raise inner.error(entry, "列", f"表三没有“{entry['列']}”这一列；可用：{'、'.join(table.columns)}")
        cells[(row, str(entry["列"]))] = _number(entry["数"], False, inner, entry, "数")
    return cells
