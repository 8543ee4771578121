"""Rectification notices (整改意见书): one per unit with findings, for the office to send out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from signage.catalogue.checking import CheckResult
from signage.catalogue.findings import Finding, Severity
from signage.catalogue.model import Unit
from signage.text.dates import format_date


def notice_markdown(unit: Unit, findings: list[Finding], office: str, date: dt.date) -> str:
    """The notice for one unit: what is wrong, where, and what to do, most serious first."""
    errors = [f for f in findings if f.is_error]
    lines = [
        f"# {unit.display_name}政务公开内容整改意见书",
        "",
        f"{unit.display_name}：",
        "",
        f"经{office or '政务公开办公室'}检查，你单位报送的政务公开内容存在以下问题，"
        f"共 {len(findings)} 项（其中错误 {len(errors)} 项，须整改后方可发布；"
        f"其余为规范性建议）。请对照整改意见逐项整改，整改后重新报送。",
        "",
        "| 序号 | 级别 | 规则 | 位置 | 事项/字段 | 问题 | 整改意见 |",
        "|---:|---|---|---|---|---|---|",
    ]
    ordered = sorted(findings, key=lambda f: (f.severity.rank, f.sort_key()))
    for number, finding in enumerate(ordered, 1):
        subject = " / ".join(filter(None, [finding.subject, finding.field]))
        lines.append(
            f"| {number} | {finding.severity.label} | {finding.rule.id} | "
            f"`{finding.location}` | {_cell(subject)} | {_cell(finding.message)} | "
            f"{_cell(finding.advice)} |"
        )
    lines += [
        "",
        f"{office or '政务公开办公室'}",
        "",
        format_date(date),
        "",
    ]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_notices(result: CheckResult, out_dir: Path, date: dt.date,
                  min_severity: Severity = Severity.WARNING, *, pdf: bool = True) -> list[Path]:
    """Write ``<unit-id>-整改意见书.md`` (and ``.pdf``, in the boards' typography) for every
    unit with findings; returns the paths."""
    from players.board.canvas import Fonts
    from signage.office.notice_pdf import write_notice_pdf

    fonts = Fonts() if pdf else None
    out_dir.mkdir(parents=True, exist_ok=True)
    office = result.catalogue.county.office
    written = []
    for unit_id, unit in result.catalogue.units.items():
        findings = [f for f in result.for_unit(unit_id) if f.severity.rank <= min_severity.rank]
        if not findings:
            continue
        path = out_dir / f"{unit_id}-整改意见书.md"
        path.write_text(notice_markdown(unit, findings, office, date), encoding="utf-8")
        written.append(path)
        if fonts is not None:
            written.append(write_notice_pdf(path.with_suffix(".pdf"), unit, findings, office, date, fonts))
    return written
