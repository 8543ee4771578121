"""Showing findings to people (grouped by unit, in the terminal) and to machines (JSON)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from signage.catalogue.checking import CheckResult
from signage.catalogue.findings import Finding, Severity

_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def group_by_unit(findings: Iterable[Finding]) -> dict[str | None, list[Finding]]:
    groups: dict[str | None, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(finding.unit_id, []).append(finding)
    return groups


def summary(result: CheckResult, findings: list[Finding]) -> dict[str, Any]:
    catalogue = result.catalogue
    counts = {s.value: sum(1 for f in findings if f.severity is s) for s in Severity}
    return {
        "units": len(catalogue.units),
        "powers": sum(len(u.powers) for u in catalogue.units.values()),
        "notices": sum(len(u.notices) for u in catalogue.units.values()),
        "announcements": sum(len(u.announcements) for u in catalogue.units.values()),
        **counts,
    }


def print_text(result: CheckResult, findings: list[Finding], console: Console) -> None:
    """Findings grouped by unit, each with location, rule, severity, message and advice."""
    units = result.catalogue.units
    for unit_id, group in group_by_unit(findings).items():
        unit = units.get(unit_id) if unit_id else None
        title = f"{unit.display_name}（{unit_id}）" if unit else (unit_id or "县级设置 county.yaml")
        errors = sum(1 for f in group if f.is_error)
        console.print(Text(f"\n{title}：{errors} 个错误，{len(group) - errors} 个警告/提示",
                           style="bold"))
        for finding in group:
            _print_finding(finding, console)
    totals = summary(result, findings)
    console.print(
        f"\n检查了 {totals['units']} 个单位、{totals['powers']} 个权力事项、"
        f"{totals['notices']} 条政府信息、{totals['announcements']} 条公告："
        f"[bold red]{totals['error']}[/] 个错误，[yellow]{totals['warning']}[/] 个警告，"
        f"{totals['info']} 个提示。"
    )


def _print_finding(finding: Finding, console: Console) -> None:
    style = _STYLES[finding.severity]
    head = Text("  ")
    head.append(str(finding.location), style="blue")
    head.append("  ")
    head.append(finding.rule.id, style=style)
    head.append(f"  {finding.severity.label}", style=style)
    if finding.field:
        head.append(f"  {finding.field}", style="magenta")
    if finding.subject:
        head.append(f"  [{finding.subject}]", style="dim")
    console.print(head)
    console.print(f"    {escape(finding.message)}")
    console.print(f"    [green]整改意见：[/]{escape(finding.advice)}")


def to_json(result: CheckResult, findings: list[Finding]) -> str:
    payload = {
        "summary": summary(result, findings),
        "findings": [f.to_dict() for f in findings],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)
