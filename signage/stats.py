"""Counts of items by unit and type, the way the office reports them upward.

Types are counted as the unit declared them (a legacy 行政审批 is reported as such, as the seed
does), in the official order with each legacy name after its current type.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass

from rich.console import Console
from rich.table import Table

from signage import vocab
from signage.model import Catalogue


@dataclass(slots=True)
class UnitStats:
    unit_id: str
    name: str
    by_type: Counter[str]
    notices: int
    announcements: int

    @property
    def total(self) -> int:
        return sum(self.by_type.values())


def type_order() -> list[str]:
    order: list[str] = []
    for current in vocab.POWER_TYPES:
        order.append(current)
        order += [old for old, legacy in vocab.LEGACY_POWER_TYPES.items() if legacy.current == current]
    return order


def _sorted_types(types: set[str]) -> list[str]:
    order = type_order()
    known = [t for t in order if t in types]
    return known + sorted(types - set(order))


def unit_stats(catalogue: Catalogue) -> list[UnitStats]:
    return [
        UnitStats(unit.id, unit.display_name,
                  Counter(item.type_declared or "（未填类型）" for item in unit.powers),
                  len(unit.notices), len(unit.announcements))
        for unit in catalogue.units.values()
    ]


def describe(by_type: Counter[str]) -> str:
    """行政确认 2 项、行政裁决 2 项 …"""
    return "、".join(f"{t} {by_type[t]} 项" for t in _sorted_types(set(by_type)))


def render_table(stats: list[UnitStats], console: Console) -> None:
    table = Table(title="行政权力事项统计", show_lines=False)
    table.add_column("单位")
    table.add_column("事项", justify="right")
    table.add_column("分类")
    table.add_column("政府信息", justify="right")
    totals: Counter[str] = Counter()
    for row in stats:
        table.add_row(row.name, str(row.total), describe(row.by_type), str(row.notices))
        totals.update(row.by_type)
    table.add_section()
    table.add_row("合计", str(sum(totals.values())), describe(totals),
                  str(sum(r.notices for r in stats)), style="bold")
    console.print(table)


def render_csv(stats: list[UnitStats]) -> str:
    types = _sorted_types({t for row in stats for t in row.by_type})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["unit_id", "单位", "事项合计", *types, "政府信息", "公告"])
    for row in stats:
        writer.writerow([row.unit_id, row.name, row.total, *(row.by_type[t] for t in types),
                         row.notices, row.announcements])
    return out.getvalue()


def render_json(stats: list[UnitStats]) -> str:
    rows = [
        {"unit": row.unit_id, "name": row.name, "total": row.total,
         "by_type": {t: row.by_type[t] for t in _sorted_types(set(row.by_type))},
         "notices": row.notices, "announcements": row.announcements}
        for row in stats
    ]
    return json.dumps({"units": rows, "total": sum(r.total for r in stats)},
                      ensure_ascii=False, indent=2)
