"""The office's rules: every check, its id, severity, message and advice (整改意见).

``run_checks`` applies every registered check to a loaded catalogue. Rules live one concern per
module; :mod:`signage.catalogue.rules.registry` holds their definitions, and ``signage rules`` prints
them (``docs/RULES.md`` is generated from it).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from signage.catalogue.findings import Finding, Rule
from signage.catalogue.model import Catalogue, Unit
from signage.catalogue.rules import (  # noqa: F401  (importing registers the checks)
    attachments,
    basis,
    channel_glyphs,
    characters,
    codes,
    combining,
    dates,
    docnumbers,
    fees,
    fields,
    flowcharts,
    hygiene,
    led_glyphs,
    loading,
    phones,
    review,
    secrecy,
    standard_chars,
    timelimits,
    vocabulary,
)
from signage.catalogue.rules.context import DEFAULT_CODE_PATTERN, CheckContext
from signage.catalogue.rules.registry import CHECKS, RULES

__all__ = ["RULES", "CheckContext", "all_rules", "check_catalogue", "check_unit", "make_context",
           "run_checks"]


def all_rules() -> list[Rule]:
    """Every rule, ordered by id."""
    return sorted(RULES.values(), key=lambda rule: rule.id)


def make_context(catalogue: Catalogue, today: dt.date | None = None) -> tuple[CheckContext, list[Finding]]:
    """The context for checking ``catalogue``, and any finding about the settings themselves."""
    findings: list[Finding] = []
    county = catalogue.county
    pattern = re.compile(DEFAULT_CODE_PATTERN)
    if county.code_pattern:
        try:
            pattern = re.compile(county.code_pattern)
        except re.error as exc:
            findings.append(codes.BAD_PATTERN.finding(county.where("code_pattern"), "code_pattern",
                                                      reason=str(exc),
                                                      default=DEFAULT_CODE_PATTERN))
    context = CheckContext(catalogue, Path(catalogue.root), code_pattern=pattern)
    if today is not None:
        context.today = today
    return context, findings


def run_checks(catalogue: Catalogue, today: dt.date | None = None) -> list[Finding]:
    """Every finding of every check over ``catalogue``, tagged with unit and subject."""
    context, findings = make_context(catalogue, today)
    for unit in catalogue.units.values():
        findings += check_unit(unit, context)
    return findings + check_catalogue(catalogue, context)


def check_unit(unit: Unit, context: CheckContext) -> list[Finding]:
    """The findings of the unit-, item-, notice- and announcement-level checks of one unit."""
    findings: list[Finding] = []
    _apply(CHECKS.get("unit", []), unit, unit.id, unit.id, context, findings)
    for attribute, scope in (("powers", "power"), ("notices", "notice"),
                             ("announcements", "announcement")):
        checks = CHECKS.get(scope, [])
        for obj in getattr(unit, attribute):
            _apply(checks, obj, unit.id, obj.key, context, findings)
    return findings


def check_catalogue(catalogue: Catalogue, context: CheckContext) -> list[Finding]:
    """Checks across units (unique codes …): cheap, so always run whole."""
    findings: list[Finding] = []
    for check in CHECKS.get("catalogue", []):
        findings.extend(check(catalogue, context))
    return findings


def _apply(checks, obj, unit_id: str, subject: str, context: CheckContext,
           into: list[Finding]) -> None:
    for check in checks:
        for finding in check(obj, context):
            finding.unit_id = unit_id
            finding.subject = subject
            into.append(finding)
