"""What an assessment produces: per unit, each indicator's points, the vetoes and the score."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from signage.office.assessment.config import AssessmentConfig, Veto


@dataclass(slots=True)
class IndicatorScore:
    """Points out of ``weight``; ``points`` is None when there is no data to score it."""

    name: str
    weight: float
    points: float | None
    detail: str = ""

    @property
    def has_data(self) -> bool:
        return self.points is not None


@dataclass(slots=True)
class UnitScore:
    unit_id: str
    name: str
    indicators: dict[str, IndicatorScore]
    vetoes: list[Veto] = field(default_factory=list)
    score: float = 0.0
    rank: int = 0
    previous: float | None = None  # the score of the last stored assessment
    counted_weight: float = 0.0  # weights the score is out of (after leaving out no-data ones)
    findings: dict[str, dict[str, str]] = field(default_factory=dict)  # for the next assessment
    items: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def change(self) -> float | None:
        return None if self.previous is None else round(self.score - self.previous, 1)

    def contribution(self, name: str) -> float:
        """The indicator's share of the score (before vetoes), in score points."""
        indicator = self.indicators[name]
        if not indicator.points or not self.counted_weight:
            return 0.0
        return indicator.points * 100 / self.counted_weight


@dataclass(slots=True)
class TrendPoint:
    date: dt.date
    scores: dict[str, float]  # unit → score


@dataclass(slots=True)
class Assessment:
    date: dt.date
    assessed_at: str
    config: AssessmentConfig
    units: list[UnitScore]  # ranked
    notes: list[str] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)  # stored assessments, then this one
    county: str = ""

    def to_record(self) -> dict[str, Any]:
        """What is stored for the next assessment (see signage.office.assessment.storage)."""
        return {
            "date": self.date.isoformat(), "assessed_at": self.assessed_at,
            "weights": self.config.weights, "missing_data": self.config.missing_data,
            "notes": self.notes,
            "units": {u.unit_id: {
                "name": u.name, "score": u.score, "rank": u.rank,
                "vetoes": [v.id for v in u.vetoes],
                "indicators": {n: {"points": i.points, "weight": i.weight, "detail": i.detail}
                               for n, i in u.indicators.items()},
                "findings": u.findings, "items": u.items,
            } for u in self.units},
        }


def total_score(indicators: dict[str, IndicatorScore], config: AssessmentConfig) -> tuple[float, float]:
    """(score out of 100, weights counted). With ``missing_data: rescale`` indicators without
    data are left out and the rest scaled up; with ``zero`` they count as 0 of their weight."""
    rescale = config.missing_data == "rescale"
    counted = sum(i.weight for i in indicators.values() if i.has_data or not rescale)
    points = sum(i.points or 0.0 for i in indicators.values())
    return (round(100 * points / counted, 1) if counted else 0.0), counted


def rank(units: list[UnitScore]) -> list[UnitScore]:
    """Highest score first (then unit id); equal scores share a rank (1, 2, 2, 4)."""
    ordered = sorted(units, key=lambda u: (-u.score, u.unit_id))
    for position, unit in enumerate(ordered, 1):
        same = position > 1 and ordered[position - 2].score == unit.score
        unit.rank = ordered[position - 2].rank if same else position
    return ordered


def describe_vetoes(vetoes: list[Veto]) -> str:
    return "；".join(f"{v.id}（{v.description}）" for v in vetoes)
