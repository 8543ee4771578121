"""The assessment as a ranked table in the terminal, and as CSV for spreadsheets."""

from __future__ import annotations

import csv
import io

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from signage.office.assessment.results import Assessment, UnitScore, describe_vetoes

NO_DATA = "—"


def points_text(unit: UnitScore, name: str) -> str:
    indicator = unit.indicators[name]
    return NO_DATA if indicator.points is None else f"{indicator.points:.1f}"


def change_text(unit: UnitScore) -> str:
    change = unit.change
    if change is None:
        return ""
    return "±0" if change == 0 else f"{change:+.1f}"


def render_table(assessment: Assessment, console: Console) -> None:
    """Rank, unit, score and its change, each indicator's points, vetoes; then the notes."""
    config = assessment.config
    table = Table(title=f"{assessment.county}政务公开评估 {assessment.date.isoformat()}",
                  caption="—：无数据（见下方说明）")
    for header, justify in (("名次", "right"), ("单位", "left"), ("总分", "right"), ("变化", "right")):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    for name in config.indicators:
        table.add_column(f"{config.labels[name]}\n({config.weights[name]:g})", justify="right")
    table.add_column("单项否决")
    for unit in assessment.units:
        change = change_text(unit)
        style = "green" if change.startswith("+") else "red" if change.startswith("-") else ""
        table.add_row(str(unit.rank), escape(unit.name), Text(f"{unit.score:.1f}", style="bold"),
                      Text(change, style=style), *(points_text(unit, n) for n in config.indicators),
                      Text(", ".join(v.id for v in unit.vetoes), style="bold red"))
    console.print(table)
    for note in assessment.notes:
        console.print(f"[dim]说明：{escape(note)}[/]")


def render_csv(assessment: Assessment) -> str:
    """One row per unit in rank order; an indicator without data is left blank."""
    config = assessment.config
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = ["名次", "单位ID", "单位", "总分", "上次总分", "变化"]
    for name in config.indicators:
        header += [f"{config.labels[name]}（{config.weights[name]:g}）", f"{config.labels[name]}说明"]
    writer.writerow([*header, "单项否决"])
    for unit in assessment.units:
        row: list[object] = [unit.rank, unit.unit_id, unit.name, f"{unit.score:.1f}",
                             "" if unit.previous is None else f"{unit.previous:.1f}", change_text(unit)]
        for name in config.indicators:
            indicator = unit.indicators[name]
            row += ["" if indicator.points is None else f"{indicator.points:.2f}", indicator.detail]
        writer.writerow([*row, describe_vetoes(unit.vetoes)])
    return out.getvalue()
