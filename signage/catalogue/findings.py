"""Rules and findings: what the checker reports, located and with advice (整改意见).

A :class:`Rule` is the definition (id, severity, message and advice templates); a
:class:`Finding` is one occurrence of it at a file, line and field. Rules are defined once in
:mod:`signage.catalogue.rules` and looked up by id everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How much a finding matters. Errors hold the item back from every screen."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Rule:
    """A check the office applies. ``message`` and ``advice`` are ``str.format`` templates."""

    id: str
    severity: Severity
    title: str
    message: str
    advice: str
    applies_to: str  # what it checks: "file", "unit", "power", "notice" … (comma-separated)

    def finding(self, location: Location, field: str | None = None, /, **values: Any) -> Finding:
        """A finding of this rule at ``location``, with the templates filled from ``values``."""
        return Finding(
            rule=self,
            message=self.message.format(**values),
            advice=self.advice.format(**values),
            location=location,
            field=field,
        )


@dataclass(frozen=True, slots=True)
class Location:
    """Where something came from: a file relative to the content folder, 1-based line/column."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


@dataclass(slots=True)
class Finding:
    """One problem found in the content, with where it is and how to fix it."""

    rule: Rule
    message: str
    advice: str
    location: Location
    field: str | None = None
    unit_id: str | None = None
    subject: str | None = None  # the item code or title the finding is about

    @property
    def severity(self) -> Severity:
        return self.rule.severity

    @property
    def is_error(self) -> bool:
        return self.rule.severity is Severity.ERROR

    def sort_key(self) -> tuple[Any, ...]:
        loc = self.location
        return (self.unit_id or "", loc.file, loc.line or 0, loc.column or 0, self.rule.id)

    def to_dict(self) -> dict[str, Any]:
        loc = self.location
        return {
            "rule": self.rule.id,
            "severity": self.rule.severity.value,
            "unit": self.unit_id,
            "subject": self.subject,
            "file": loc.file,
            "line": loc.line,
            "column": loc.column,
            "field": self.field,
            "message": self.message,
            "advice": self.advice,
        }
