"""Rectification notices (整改意见书): one per unit with findings, for the office to send out.

Each notice carries what an official notice needs (GB/T 9704 elements where they apply): the
issuing office, a document number (发文字号, ``台政公开〔2026〕3号``), the title, the unit addressed,
the findings, a deadline (整改期限: ``rectify_days`` working days of county.yaml, default 15, on the
national calendar with its 调休 through chinese-calendar), the contact and telephone, the office and
the date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from signage.catalogue.checking import CheckResult
from signage.catalogue.findings import Finding, Severity
from signage.catalogue.model import Unit
from signage.office.notice_facts import NoticeFacts, notice_facts
from signage.text.dates import format_date

__all__ = ["NoticeFacts", "notice_facts", "notice_markdown", "write_notices"]

def notice_markdown(unit: Unit, findings: list[Finding], office: str, date: dt.date, *,
                    facts: NoticeFacts | None = None) -> str:
    """The notice for one unit: what is wrong, where, and what to do, most serious first."""
    facts = facts or NoticeFacts()
    errors = [f for f in findings if f.is_error]
    office = office or "政务公开办公室"
    lines = [f"**{office}**", ""]
    if facts.number:
        lines += [facts.number, ""]
    lines += [
        f"# 关于{unit.display_name}政务公开内容的整改意见书",
        "",
        f"{unit.display_name}：",
        "",
        f"经{office}检查，你单位报送的政务公开内容存在以下问题，"
        f"共 {len(findings)} 项（其中错误 {len(errors)} 项，须整改后方可发布；"
        f"其余为规范性建议）。请对照整改意见逐项整改，于{facts.deadline_text}整改完毕并重新报送。",
        "",
        "| 序号 | 事项/字段 | 问题 | 整改意见 | 级别 | 规则/位置 |",
        "|---:|---|---|---|---|---|",
    ]
    ordered = sorted(findings, key=lambda f: (f.severity.rank, f.sort_key()))
    for number, finding in enumerate(ordered, 1):
        subject = " / ".join(filter(None, [finding.subject, finding.field]))
        lines.append(
            f"| {number} | {_cell(subject)} | {_cell(finding.message)} | {_cell(finding.advice)} | "
            f"{finding.severity.label} | {finding.rule.id} `{finding.location}` |"
        )
    lines += ["", f"整改期限：{facts.deadline_text}"]
    contact = "　".join(filter(None, [f"联系人：{facts.contact}" if facts.contact else "",
                                     f"联系电话：{facts.phone}" if facts.phone else ""]))
    if contact:
        lines += ["", contact]
    lines += ["", office, "", format_date(date), ""]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_notices(result: CheckResult, out_dir: Path, date: dt.date,
                  min_severity: Severity = Severity.WARNING, *, pdf: bool = True, days: int | None = None,
                  first_number: int = 1) -> list[Path]:
    """Write ``<unit-id>-整改意见书.md`` (and ``.pdf``, in the boards' typography) for every
    unit with findings, numbered from ``first_number``; returns the paths."""
    from players.board.canvas import Fonts
    from signage.office.notice_pdf import write_notice_pdf

    fonts = Fonts() if pdf else None
    out_dir.mkdir(parents=True, exist_ok=True)
    county = result.catalogue.county
    office = county.office
    written = []
    serial = first_number
    for unit_id, unit in result.catalogue.units.items():
        findings = [f for f in result.for_unit(unit_id) if f.severity.rank <= min_severity.rank]
        if not findings:
            continue
        facts = notice_facts(county, date, serial, days=days)
        serial += 1
        path = out_dir / f"{unit_id}-整改意见书.md"
        path.write_text(notice_markdown(unit, findings, office, date, facts=facts), encoding="utf-8")
        written.append(path)
        if fonts is not None:
            written.append(write_notice_pdf(path.with_suffix(".pdf"), unit, findings, office, date, fonts,
                                            facts=facts))
    return written
