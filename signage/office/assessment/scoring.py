"""``signage assess``: every unit scored 0–100 on documented indicators (docs/ASSESSMENT.md).

Inputs: the checked catalogue, the publisher's data folder (state, object store, publication and
event logs), print stations' histories, and the assessments stored before (trends, findings first
seen, a publication ledger). Weights, deductions, deadlines and vetoes come from a YAML file
(:mod:`signage.office.assessment.config`). Each run is stored, so the next one can show trends and tell which
findings were closed and which stayed open past their deadline.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from signage.catalogue.checking import CheckResult
from signage.catalogue.findings import Finding, Severity
from signage.catalogue.model import Announcement, Notice, PowerItem, Unit
from signage.catalogue.vocab import DISCLOSURE_ACTIVE
from signage.contract.wire import encode_object
from signage.office.assessment import indicators as ind
from signage.office.assessment.config import AssessmentConfig, load_config
from signage.office.assessment.results import (
    Assessment,
    IndicatorScore,
    TrendPoint,
    UnitScore,
    rank,
    total_score,
)
from signage.office.assessment.sources import PublisherData, read_publisher_data
from signage.office.assessment.storage import StoredAssessment, finding_id, load_history, save_assessment
from signage.office.assessment.workdays import WorkCalendar
from signage.publishing import payloads as wire_objects

__all__ = ["Assessment", "AssessmentConfig", "assess", "load_config", "save_assessment", "write_outputs"]

Item = PowerItem | Notice | Announcement


@dataclass(slots=True)
class _Run:
    """What every unit's assessment shares."""

    check: CheckResult
    config: AssessmentConfig
    today: dt.date
    data: PublisherData
    proof: ind.CoverageProof
    previous: StoredAssessment | None
    calendar: WorkCalendar = field(default_factory=WorkCalendar)
    mtimes: dict[str, dt.date] = field(default_factory=dict)
    root: Path = Path()
    published: Counter[str] = field(default_factory=Counter)  # unit → records published
    blocked: set[tuple[str, str]] = field(default_factory=set)  # (unit, key) held back by errors
    requests: dict[str, list] | None = None  # unit → its 依申请公开 requests; None: no register

    def __post_init__(self) -> None:
        self.root = Path(self.check.catalogue.root)
        self.published = Counter(record.unit for record in self.data.records.values())
        self.blocked = self.check.blocked()


def assess(check: CheckResult, data_dir: Path, *, config: AssessmentConfig | None = None,
           today: dt.date | None = None, print_dirs: list[Path] | None = None,
           now: dt.datetime | None = None) -> Assessment:
    """Score every unit of ``check``; nothing is written (see :func:`save_assessment`)."""
    config = config or load_config()
    today = today or dt.date.today()
    history, notes = load_history(data_dir, today)
    data = read_publisher_data(data_dir, print_dirs or [], today, config.window_days)
    run = _Run(check, config, today, data, ind.CoverageProof.build(data, config),
               history[-1] if history else None)
    run.requests = _register(data_dir)
    by_unit: dict[str, list[Finding]] = {}
    for finding in check.findings:
        if finding.unit_id is not None:
            by_unit.setdefault(finding.unit_id, []).append(finding)
    units = rank([_score_unit(run, unit, by_unit.get(unit.id, []))
                  for unit in check.catalogue.units.values()])
    moment = (now or dt.datetime.now()).astimezone()
    assessment = Assessment(today, moment.isoformat(timespec="seconds"), config, units,
                            county=check.catalogue.county.name)
    assessment.notes = [*data.notes, *notes, *run.calendar.notes(), *_missing_data_notes(assessment)]
    assessment.trend = [TrendPoint(s.date, {u: float(v["score"]) for u, v in s.units.items()})
                        for s in history]
    assessment.trend.append(TrendPoint(today, {u.unit_id: u.score for u in units}))
    return assessment


def _score_unit(run: _Run, unit: Unit, findings: list[Finding]) -> UnitScore:
    previous = run.previous.units.get(unit.id) if run.previous else None
    items = list(_item_states(run, unit, (previous or {}).get("items", {})))
    inputs = ind.UnitInputs(unit, _open_findings(run, findings, previous), items, previous,
                            run.previous is not None, run.previous.date if run.previous else None)
    inputs.published_count = _published_count(run, unit, items)
    inputs.requests = None if run.requests is None else run.requests.get(unit.id, [])
    indicators = _indicators(run, inputs, findings)
    overdue = ind.overdue_findings(inputs, run.config, run.calendar, run.today)
    score = UnitScore(unit.id, unit.display_name, indicators, ind.vetoes(inputs, run.config, len(overdue)))
    score.score, score.counted_weight = total_score(indicators, run.config)
    if score.vetoes:
        score.score = 0.0
    score.previous = run.previous.score(unit.id) if run.previous else None
    _remember(score, inputs)
    return score


def _indicators(run: _Run, inputs: ind.UnitInputs, findings: list[Finding]) -> dict[str, IndicatorScore]:
    """The indicators the weights file lists, in the documented order."""
    config = run.config
    makers = {
        "completeness": lambda: ind.completeness(inputs.unit, config.weights["completeness"]),
        "compliance": lambda: ind.compliance(findings, config),
        "timeliness": lambda: ind.timeliness(inputs, config, run.calendar, run.today),
        "coverage": lambda: ind.coverage(inputs, run.data, run.proof, config),
        "responsiveness": lambda: ind.responsiveness(inputs, config, run.calendar, run.today),
    }
    return {name: makers[name]() for name in config.indicators}


def _remember(score: UnitScore, inputs: ind.UnitInputs) -> None:
    """What the next assessment needs: open findings and when first seen; the item ledger."""
    score.findings = {f.id: {"rule": f.finding.rule.id, "severity": f.finding.severity.value,
                             "first_seen": f.first_seen.isoformat()} for f in inputs.findings}
    score.items = {i.identity: {"ref": i.ref, "changed": i.changed.isoformat(),
                                "published": i.published_on.isoformat() if i.published_on else None}
                   for i in inputs.items if i.ref}


def _open_findings(run: _Run, findings: list[Finding], previous: dict | None) -> list[ind.OpenFinding]:
    """Current findings with the date each was first reported (carried over from the last
    assessment; a finding seen for the first time is first seen today)."""
    before = (previous or {}).get("findings", {})
    result = []
    for finding in findings:
        fid = finding_id(finding)
        seen = before.get(fid, {}).get("first_seen")
        result.append(ind.OpenFinding(fid, finding, dt.date.fromisoformat(seen) if seen else run.today))
    return result


def _intended(unit: Unit, today: dt.date) -> Iterator[tuple[str, Item]]:
    """The items the unit means to publish: 主动公开 and not expired."""
    def live(item: Item) -> bool:
        return item.valid_until is None or item.valid_until >= today

    yield from (("powers", p) for p in unit.powers if live(p))
    yield from (("notices", n) for n in unit.notices if n.disclosure == DISCLOSURE_ACTIVE and live(n))
    yield from (("announcements", a) for a in unit.announcements if live(a))


def _item_states(run: _Run, unit: Unit, ledger: dict) -> Iterator[ind.ItemState]:
    for kind, item in _intended(unit, run.today):
        identity = f"{kind}/{unit.id}/{item.key}"
        changed = _clock_start(run, item.updated or _modified(run, item.location.file))
        if not run.data.state_found:
            yield ind.ItemState(identity, changed, "", None)
            continue
        ref = _ref(run.root, unit, item)
        record = run.data.records.get(identity)
        published = record is not None and record.ref == ref
        when = _published_on(run, ledger.get(identity), ref, changed) if published else None
        yield ind.ItemState(identity, changed, ref, published, when)


def _register(data_dir: Path) -> dict[str, list] | None:
    """The data folder's register of disclosure requests, by unit (None when there is none)."""
    from signage.requests.store import STORE_FILE, Register

    if not (data_dir / STORE_FILE).exists():
        return None
    by_unit: dict[str, list] = {}
    for request in Register(data_dir / STORE_FILE).requests():
        by_unit.setdefault(request.unit, []).append(request)
    return by_unit


def _clock_start(run: _Run, changed: dt.date) -> dt.date:
    """When the 20 working days to publish start: the change, or the installation's first publish
    if that came later. Content written before the system existed cannot have been published
    late by it: without this, a fresh installation (the demo) scored 0 timeliness points because
    every sample item "changed" months before its first publish."""
    first = run.data.publications[0] if run.data.publications else None
    return max(changed, first) if first else changed


def _modified(run: _Run, file: str) -> dt.date:
    """A file's modification date: the change date of items without ``updated``."""
    if file not in run.mtimes:
        try:
            stamp = os.stat(run.root / file).st_mtime
            run.mtimes[file] = dt.datetime.fromtimestamp(stamp).date()
        except OSError:
            run.mtimes[file] = run.today
    return run.mtimes[file]


def _ref(root: Path, unit: Unit, item: Item) -> str:
    """The object id the planner gives this content (signage.publishing.plans), to compare with what the
    publisher's state says is published."""
    if isinstance(item, PowerItem):
        image = None
        if item.flowchart and item.flowchart.image:
            found = wire_objects.image_objects(root, unit, item.flowchart.image)
            image = found[0] if found else None
        return encode_object(wire_objects.power_object(item, image))[0]
    if isinstance(item, Notice):
        return encode_object(wire_objects.notice_object(item))[0]
    return encode_object(wire_objects.announcement_object(item))[0]


def _published_on(run: _Run, entry: dict | None, ref: str, changed: dt.date) -> dt.date | None:
    """When the current content was published: from the ledger when an earlier assessment saw
    it published; else the first publish after the change (and after the last assessment, if
    that saw this same content unpublished); None when the publication log cannot tell."""
    if entry and entry.get("ref") == ref and entry.get("published"):
        return dt.date.fromisoformat(entry["published"])
    start = changed
    if entry and entry.get("ref") == ref and run.previous is not None:
        start = max(start, run.previous.date)
    return run.data.first_publication(start)


def _published_count(run: _Run, unit: Unit, items: list[ind.ItemState]) -> int:
    """Records published for the unit; without a publisher state, items that would be
    (intended and not held back by an error)."""
    if run.data.state_found:
        return run.published[unit.id]
    return sum(1 for i in items if (unit.id, i.identity.split("/", 2)[2]) not in run.blocked)


def _missing_data_notes(assessment: Assessment) -> list[str]:
    config = assessment.config
    lacking = Counter(name for u in assessment.units for name, i in u.indicators.items() if not i.has_data)
    how = ("不计入总分，其余指标按权重折算为百分制" if config.missing_data == "rescale"
           else "按 0 分计")
    return [f"{config.labels[name]}：{count} 个单位无数据，{how}。" for name, count in lacking.items()]


def write_outputs(assessment: Assessment, check: CheckResult, out_dir: Path, *,
                  pdf: bool = True) -> list[Path]:
    """``assessment.csv``, ``assessment.html`` and per unit the rectification notice (整改意见书)."""
    from signage.office.assessment.report_html import render_html
    from signage.office.assessment.tables import render_csv

    out_dir.mkdir(parents=True, exist_ok=True)
    notices = _notices(check, out_dir / "notices", assessment.date, pdf)
    links: dict[str, str] = {}
    for path in sorted(notices, key=lambda p: p.suffix != ".pdf"):  # the PDF when there is one
        links.setdefault(path.name.split("-整改意见书")[0], path.relative_to(out_dir).as_posix())
    csv_path, html_path = out_dir / "assessment.csv", out_dir / "assessment.html"
    csv_path.write_text(render_csv(assessment), encoding="utf-8-sig")  # BOM: Excel reads it as UTF-8
    html_path.write_text(render_html(assessment, links), encoding="utf-8")
    return [csv_path, html_path, *notices]


def _notices(check: CheckResult, folder: Path, date: dt.date, pdf: bool) -> list[Path]:
    """PDF and Markdown notices; Markdown only when no CJK font is installed for the PDF."""
    from signage.office.rectification import write_notices
    from signage.text.fonts import FontNotFoundError

    try:
        return write_notices(check, folder, date, Severity.WARNING, pdf=pdf)
    except FontNotFoundError:
        return write_notices(check, folder, date, Severity.WARNING, pdf=False)
