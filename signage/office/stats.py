"""Counts of items by unit and type, by channel, and changes by month: the way the office
reports them upward.

Types are counted as the unit declared them (a legacy 行政审批 is reported as such, as the seed
does), in the official order with each legacy name after its current type. An item is counted
as *published* when no error holds it back (see :meth:`CheckResult.blocked`); per channel,
an item without ``channels`` goes to every channel, as the planner sends it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from dataclasses import dataclass, field

from rich.console import Console
from rich.table import Table

from signage.catalogue import vocab
from signage.catalogue.model import Catalogue


@dataclass(slots=True)
class UnitStats:
    unit_id: str
    name: str
    by_type: Counter[str]
    notices: int
    announcements: int
    held_back: int = 0  # items an error keeps off the screens
    by_channel: Counter[str] = field(default_factory=Counter)  # published items per channel
    by_month: Counter[str] = field(default_factory=Counter)  # "2026-11" → items and notices changed

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


@dataclass(frozen=True, slots=True)
class Period:
    """An inclusive date range for changes; open ends are allowed."""

    start: dt.date | None = None
    end: dt.date | None = None

    def __contains__(self, day: dt.date | None) -> bool:
        return day is not None and (self.start is None or day >= self.start) and \
            (self.end is None or day <= self.end)


def unit_stats(catalogue: Catalogue, blocked: set[tuple[str, str]] | None = None,
               period: Period | None = None) -> list[UnitStats]:
    """Per unit: published items by type and channel, items held back, changes per month."""
    blocked = blocked or set()
    period = period or Period()
    rows = []
    for unit in catalogue.units.values():
        published = [item for item in unit.powers if (unit.id, item.key) not in blocked]
        by_channel: Counter[str] = Counter()
        for item in published:
            by_channel.update(item.channels or list(vocab.CHANNELS))
        changed = [item.updated or getattr(item, "date", None) for item in (*unit.powers, *unit.notices)]
        by_month = Counter(day.strftime("%Y-%m") for day in changed if day in period)
        rows.append(UnitStats(
            unit.id, unit.display_name,
            Counter(item.type_declared or "（未填类型）" for item in published),
            len(unit.notices), len(unit.announcements), held_back=len(unit.powers) - len(published),
            by_channel=by_channel, by_month=by_month))
    return rows


def describe(by_type: Counter[str]) -> str:
    """行政确认 2 项、行政裁决 2 项 …"""
    return "、".join(f"{t} {by_type[t]} 项" for t in _sorted_types(set(by_type)))


def render_table(stats: list[UnitStats], console: Console, period: Period | None = None) -> None:
    table = Table(title="行政权力事项统计（已发布）", show_lines=False)
    table.add_column("单位")
    table.add_column("事项", justify="right")
    table.add_column("分类")
    table.add_column("暂缓发布", justify="right")
    table.add_column("政府信息", justify="right")
    totals: Counter[str] = Counter()
    for row in stats:
        table.add_row(row.name, str(row.total), describe(row.by_type), str(row.held_back or ""),
                      str(row.notices))
        totals.update(row.by_type)
    table.add_section()
    table.add_row("合计", str(sum(totals.values())), describe(totals), str(sum(r.held_back for r in stats)),
                  str(sum(r.notices for r in stats)), style="bold")
    console.print(table)
    console.print(_channel_table(stats))
    if period is not None and (period.start or period.end):
        console.print(_month_table(stats, period))


def _channel_table(stats: list[UnitStats]) -> Table:
    table = Table(title="按发布渠道统计（事项数）")
    table.add_column("单位")
    for name in vocab.CHANNELS.values():
        table.add_column(name, justify="right")
    for row in stats:
        table.add_row(row.name, *(str(row.by_channel[c]) for c in vocab.CHANNELS))
    table.add_section()
    table.add_row("合计", *(str(sum(r.by_channel[c] for r in stats)) for c in vocab.CHANNELS), style="bold")
    return table


def _month_table(stats: list[UnitStats], period: Period) -> Table:
    months = sorted({m for row in stats for m in row.by_month})
    start = period.start.isoformat() if period.start else "…"
    end = period.end.isoformat() if period.end else "…"
    table = Table(title=f"按月更新统计（{start} 至 {end}，事项与政府信息）")
    table.add_column("单位")
    for month in months:
        table.add_column(month, justify="right")
    table.add_column("合计", justify="right")
    for row in stats:
        cells = (str(row.by_month[m] or "") for m in months)
        table.add_row(row.name, *cells, str(sum(row.by_month.values())))
    return table


def render_csv(stats: list[UnitStats]) -> str:
    types = _sorted_types({t for row in stats for t in row.by_type})
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    months = sorted({m for row in stats for m in row.by_month})
    channels = list(vocab.CHANNELS)
    writer.writerow(["unit_id", "单位", "事项合计", *types, "暂缓发布", "政府信息", "公告",
                     *(vocab.CHANNELS[c] for c in channels), *(f"{m}更新" for m in months)])
    for row in stats:
        writer.writerow([row.unit_id, row.name, row.total, *(row.by_type[t] for t in types), row.held_back,
                         row.notices, row.announcements, *(row.by_channel[c] for c in channels),
                         *(row.by_month[m] for m in months)])
    return out.getvalue()


def render_json(stats: list[UnitStats]) -> str:
    rows = [
        {"unit": row.unit_id, "name": row.name, "total": row.total, "held_back": row.held_back,
         "by_type": {t: row.by_type[t] for t in _sorted_types(set(row.by_type))},
         "by_channel": {c: row.by_channel[c] for c in vocab.CHANNELS},
         "by_month": dict(sorted(row.by_month.items())),
         "notices": row.notices, "announcements": row.announcements}
        for row in stats
    ]
    return json.dumps({"units": rows, "total": sum(r.total for r in stats)},
                      ensure_ascii=False, indent=2)
