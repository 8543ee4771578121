"""The five indicators and the vetoes, each a small function of one unit's inputs.

Every indicator scores points out of its weight; one without data returns ``points=None`` and a
detail saying why, and the total then leaves it out (or counts 0, per ``missing_data``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from signage.catalogue.findings import Finding, Severity
from signage.catalogue.model import Unit

# The required-fields table is the rules' own (GK-REQ-001…004), so the two never disagree.
from signage.catalogue.rules.fields import (
    REQUIRED_ANNOUNCEMENT_FIELDS,
    REQUIRED_NOTICE_FIELDS,
    REQUIRED_UNIT_FIELDS,
    required_power_fields,
)
from signage.catalogue.rules.fields import _is_missing as is_missing
from signage.office.assessment.config import AssessmentConfig, Veto
from signage.office.assessment.results import IndicatorScore
from signage.office.assessment.sources import Entry, PublisherData
from signage.office.assessment.workdays import WorkCalendar


@dataclass(slots=True)
class ItemState:
    """One item the unit means to publish: its content now and where that content stands."""

    identity: str  # kind/unit/key, as the publisher's records name it
    changed: dt.date  # `updated`, else the file's modification date
    ref: str  # object id of its content now ("" when the publisher state is absent)
    published: bool | None  # is that content published? None: no publisher state
    published_on: dt.date | None = None  # when it was (None: not published, or unknown)


@dataclass(slots=True)
class OpenFinding:
    id: str  # see signage.office.assessment.storage.finding_id
    finding: Finding
    first_seen: dt.date


@dataclass(slots=True)
class UnitInputs:
    """Everything one unit's indicators read."""

    unit: Unit
    findings: list[OpenFinding]
    items: list[ItemState]
    previous: dict[str, Any] | None  # this unit in the last stored assessment
    has_previous: bool  # is there a stored assessment at all
    since: dt.date | None  # date of the last stored assessment
    published_count: int = 0
    requests: list[Any] | None = None  # its 依申请公开 requests (signage.requests); None: no register


def _points(weight: float, deduction: float) -> float:
    return max(0.0, weight - deduction)


def completeness(unit: Unit, weight: float) -> IndicatorScore:
    """Share of required fields present, over the unit's own record and all its items."""
    groups: list[tuple[Any, tuple[str, ...]]] = [(unit, REQUIRED_UNIT_FIELDS)]
    groups += [(item, required_power_fields(item.type)) for item in unit.powers]
    groups += [(notice, REQUIRED_NOTICE_FIELDS) for notice in unit.notices]
    groups += [(item, REQUIRED_ANNOUNCEMENT_FIELDS) for item in unit.announcements]
    required = sum(len(names) for _, names in groups)
    present = sum(not is_missing(getattr(obj, name)) for obj, names in groups for name in names)
    return IndicatorScore("completeness", weight, weight * present / required,
                          f"必填项 {present}/{required}")


def compliance(findings: Iterable[Finding], config: AssessmentConfig) -> IndicatorScore:
    """The weight less a deduction per finding by severity, never below 0."""
    weight = config.weights["compliance"]
    by = Counter(f.severity for f in findings if f.rule.id not in config.exclude_rules)
    deduction = sum(config.deduct[severity] * count for severity, count in by.items())
    detail = (f"错误 {by[Severity.ERROR]}、警告 {by[Severity.WARNING]}、提示 {by[Severity.INFO]}，"
              f"扣 {deduction:g} 分")
    return IndicatorScore("compliance", weight, _points(weight, deduction), detail)


def overdue_findings(inputs: UnitInputs, config: AssessmentConfig, calendar: WorkCalendar,
                     today: dt.date) -> list[OpenFinding]:
    """Findings still open more than ``finding_deadline`` working days after first reported
    (severities with no deduction are advice and never overdue)."""
    return [f for f in inputs.findings
            if config.overdue_finding.get(f.finding.severity, 0)
            and calendar.between(f.first_seen, today) > config.finding_deadline]


def late_items(inputs: UnitInputs, config: AssessmentConfig, calendar: WorkCalendar,
               today: dt.date) -> tuple[list[ItemState], list[ItemState]]:
    """(published late in this period, still unpublished past the limit)."""
    limit = config.publish_within
    late = [i for i in inputs.items if i.published and i.published_on is not None
            and (inputs.since is None or i.published_on > inputs.since)
            and calendar.between(i.changed, i.published_on) > limit]
    pending = [i for i in inputs.items if i.published is False
               and calendar.between(i.changed, today) > limit]
    return late, pending


def timeliness(inputs: UnitInputs, config: AssessmentConfig, calendar: WorkCalendar,
               today: dt.date) -> IndicatorScore:
    """Changes published within the limit and findings rectified by their deadline: the weight
    less a deduction per late item and per overdue finding, never below 0."""
    weight = config.weights["timeliness"]
    late, pending = late_items(inputs, config, calendar, today)
    overdue = overdue_findings(inputs, config, calendar, today)
    deduction = (config.late_item * (len(late) + len(pending))
                 + sum(config.overdue_finding[f.finding.severity] for f in overdue))
    parts = [f"逾期发布 {len(late)}、逾期未发布 {len(pending)}"]
    if inputs.items and inputs.items[0].published is None:
        parts = ["发布情况无数据"]
    parts.append(f"整改超期 {len(overdue)}，扣 {deduction:g} 分")
    return IndicatorScore("timeliness", weight, _points(weight, deduction), "、".join(parts))


@dataclass(slots=True)
class CoverageProof:
    """Which entries have been shown, per channel, built once for all units."""

    channels: tuple[str, ...]  # channels with any proof data at all
    proven: dict[str, set[Entry]] = field(default_factory=dict)
    board_prints: dict[str, list[dt.date]] = field(default_factory=dict)
    expected: dict[str, set[tuple[str, Entry]]] = field(default_factory=dict)  # unit → (channel, entry)

    @classmethod
    def build(cls, data: PublisherData, config: AssessmentConfig) -> CoverageProof:
        has_data = {"led": data.events_found, "kiosk": data.events_found,
                    "board": data.events_found or data.prints_found}
        proof = cls(tuple(c for c in config.channels if has_data.get(c)))
        proof.proven = {c: set() for c in proof.channels}
        proof.board_prints = {u: sorted(days) for u, days in data.board_prints.items()}
        for version in data.screens.values():
            if version.kind in proof.proven:
                for entry in version.entries:
                    proof.expected.setdefault(entry[0], set()).add((version.kind, entry))
        for screen, unit, kind, key in data.plays:
            version = data.screens.get(screen)
            if version is not None and version.kind in proof.proven:
                proof.proven[version.kind].add((unit, kind, key))
        for version in data.screens.values():
            if (version.kind in proof.proven and version.kind in config.ack_is_proof
                    and (version.screen, version.plan) in data.acked_plans):
                proof.proven[version.kind] |= version.entries
        return proof

    def posted(self, entry: Entry, published_on: dt.date | None) -> bool:
        """On a board printed since its content was published (any print if that is unknown)."""
        prints = self.board_prints.get(entry[0])
        if not prints:
            return False
        return published_on is None or prints[-1] >= published_on


def coverage(inputs: UnitInputs, data: PublisherData, proof: CoverageProof,
             config: AssessmentConfig) -> IndicatorScore:
    """Share of (channel, item) pairs on the screens' current versions that were shown."""
    weight = config.weights["coverage"]
    if not data.state_found or not proof.channels:
        return IndicatorScore("coverage", weight, None, "无数据：没有发布状态或播放/打印记录")
    unit_id = inputs.unit.id
    expected = proof.expected.get(unit_id, set())
    if not expected:
        return IndicatorScore("coverage", weight, None, "无数据：没有屏幕或公开栏展示本单位内容")
    published = {i.identity: i.published_on for i in inputs.items}

    def shown_on(channel: str, entry: Entry) -> bool:
        if entry in proof.proven.get(channel, ()):
            return True
        return channel == "board" and proof.posted(entry, published.get(f"{entry[1]}/{unit_id}/{entry[2]}"))

    shown = sum(1 for channel, entry in expected if shown_on(channel, entry))
    return IndicatorScore("coverage", weight, weight * shown / len(expected),
                          f"已展示 {shown}/{len(expected)}")


def responsiveness(inputs: UnitInputs, config: AssessmentConfig, calendar: WorkCalendar | None = None,
                   today: dt.date | None = None) -> IndicatorScore:
    """The mean of two shares, each where there is data: the last assessment's findings (of the
    counted severities) closed since, and the unit's disclosure requests answered in time (of
    those answered or already due; an overdue open request counts as not in time)."""
    weight = config.weights["responsiveness"]
    shares, parts = [], []
    rectified = _rectified(inputs, config)
    if rectified[0] is not None:
        shares.append(rectified[0])
    parts.append(rectified[1])
    if inputs.requests is not None and calendar is not None and today is not None:
        answered = _answered_in_time(inputs.requests, calendar, today)
        if answered[0] is not None:
            shares.append(answered[0])
        parts.append(answered[1])
    points = weight * sum(shares) / len(shares) if shares else None
    return IndicatorScore("responsiveness", weight, points, "；".join(parts))


def _rectified(inputs: UnitInputs, config: AssessmentConfig) -> tuple[float | None, str]:
    if not inputs.has_previous:
        return None, "无数据：首次评估"
    if inputs.previous is None:
        return None, "无数据：上次评估没有本单位"
    counted = {s.value for s in config.severities}
    before = {fid for fid, f in inputs.previous.get("findings", {}).items() if f.get("severity") in counted}
    if not before:
        return 1.0, "上次无待整改问题"
    closed = len(before - {f.id for f in inputs.findings})
    return closed / len(before), f"已整改 {closed}/{len(before)}"


def _answered_in_time(requests: list[Any], calendar: WorkCalendar,
                      today: dt.date) -> tuple[float | None, str]:
    from signage.requests import register as reg

    due = [r for r in requests if not r.open or reg.overdue(r, today, calendar)]
    if not due:
        return None, "依申请公开：无到期申请"
    in_time = sum(1 for r in due if reg.answered_in_time(r, calendar))
    overdue = sum(1 for r in due if r.open)
    return in_time / len(due), f"依申请公开按时答复 {in_time}/{len(due)}，逾期未答复 {overdue}"


def vetoes(inputs: UnitInputs, config: AssessmentConfig, overdue: int) -> list[Veto]:
    """The configured vetoes whose condition holds for this unit."""
    rules = {f.finding.rule.id for f in inputs.findings}
    errors = sum(1 for f in inputs.findings if f.finding.is_error)
    holds = {
        "finding": lambda v: bool(rules & set(v.rules)),
        "no_published_items": lambda v: inputs.published_count == 0,
        "errors_at_least": lambda v: errors >= v.count,
        "overdue_findings_at_least": lambda v: overdue >= v.count,
    }
    return [veto for veto in config.vetoes if holds[veto.condition](veto)]
