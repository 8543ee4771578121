"""Records of a unit as the console shows them: the model, its file, its findings, its review state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from signage.catalogue.checking import CheckResult
from signage.catalogue.findings import Finding
from signage.catalogue.model import Unit
from signage.console.editing.checks import county_result, record_findings
from signage.console.site import Site

SECTIONS = {"powers": "权力事项", "notices": "政府信息", "announcements": "公告"}
SEAL_RULES = ("GK-REVIEW-005", "GK-REVIEW-006")
UNCONFIRMED = "GK-REVIEW-007"  # shown in the review column, not repeated on every row


@dataclass(slots=True)
class Row:
    section: str
    key: str
    title: str
    obj: Any
    findings: list[Finding] = field(default_factory=list)

    @property
    def listed_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.rule.id != UNCONFIRMED]

    @property
    def held_back(self) -> bool:
        return any(f.is_error for f in self.findings)

    @property
    def review_state(self) -> str:
        record = self.obj.review
        if record is None:
            return "未审查"
        if any(f.rule.id in SEAL_RULES for f in self.findings):
            return "审查失效"
        if not record.passed:
            return "审查未通过"
        return "已审查（系统确认）" if record.sealed else "未经系统确认"


def unit_or_404(result: CheckResult, unit_id: str) -> Unit:
    unit = result.catalogue.units.get(unit_id)
    if unit is None:
        raise Http404("没有这个单位")
    return unit


def rows(site: Site, unit_id: str) -> tuple[Unit, dict[str, list[Row]], list[Finding]]:
    result = county_result(site)
    unit = unit_or_404(result, unit_id)
    findings = record_findings(result, unit_id)
    table = {section: [Row(section, obj.key, _title(section, obj), obj, findings.get(obj.key, []))
                       for obj in getattr(unit, section)] for section in SECTIONS}
    return unit, table, findings.get("", []) + findings.get(unit_id, [])


def find(site: Site, unit_id: str, section: str, key: str, *, fresh: bool = False) -> Row:
    if section not in SECTIONS:
        raise Http404("没有这类内容")
    result = county_result(site, fresh=fresh)
    unit = unit_or_404(result, unit_id)
    findings = record_findings(result, unit_id)
    for obj in getattr(unit, section):
        if obj.key == key:
            return Row(section, key, _title(section, obj), obj, findings.get(key, []))
    raise Http404("没有这条内容：它可能已被改名或删除")


def _title(section: str, obj: Any) -> str:
    if section == "powers":
        return obj.name
    if section == "notices":
        return obj.title
    return obj.text[:40]
