"""The assessment's weights file: indicators, deductions, deadlines and vetoes (单项否决).

Read with :func:`signage.catalogue.yamlsource.read_yaml`, so every mistake is reported as ``file:line``;
numbers are validated here because the reader keeps every scalar as the text written.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from signage.catalogue.findings import Severity
from signage.catalogue.rules.registry import RULES
from signage.catalogue.vocab import CHANNELS
from signage.catalogue.yamlsource import LocatedDict, LocatedList, read_yaml

DEFAULT_WEIGHTS = Path(__file__).resolve().parents[2] / "data" / "assessment.yaml"
INDICATORS = ("completeness", "compliance", "timeliness", "coverage", "responsiveness")
LABELS = {"completeness": "信息完整性", "compliance": "内容规范性", "timeliness": "更新及时性",
          "coverage": "发布覆盖率", "responsiveness": "整改响应"}
# Each indicator's parameters (besides label and weight), all required when it is listed.
PARAMETERS: dict[str, tuple[str, ...]] = {
    "completeness": (),
    "compliance": ("deduct", "exclude_rules"),
    "timeliness": ("publish_within", "late_item", "finding_deadline", "overdue_finding"),
    "coverage": ("channels", "window_days", "ack_is_proof"),
    "responsiveness": ("severities",),
}
CONDITIONS: dict[str, tuple[str, ...]] = {  # condition → its required parameters
    "finding": ("rules",),
    "no_published_items": (),
    "errors_at_least": ("count",),
    "overdue_findings_at_least": ("count",),
}
MISSING_DATA = ("rescale", "zero")


class WeightsError(Exception):
    """The weights file cannot be used; the message says ``file:line: what to fix``."""


@dataclass(frozen=True, slots=True)
class Veto:
    """单项否决: a condition that zeroes a unit's score."""

    id: str
    description: str
    condition: str
    rules: tuple[str, ...] = ()
    count: int = 0


@dataclass(slots=True)
class AssessmentConfig:
    """Everything the indicators need from the weights file."""

    weights: dict[str, float]
    labels: dict[str, str] = field(default_factory=lambda: dict(LABELS))
    missing_data: str = "rescale"
    deduct: dict[Severity, float] = field(default_factory=dict)
    exclude_rules: frozenset[str] = frozenset()
    publish_within: int = 20
    late_item: float = 0.0
    finding_deadline: int = 10
    overdue_finding: dict[Severity, float] = field(default_factory=dict)
    channels: tuple[str, ...] = tuple(CHANNELS)
    window_days: int = 30
    ack_is_proof: tuple[str, ...] = ()
    severities: frozenset[Severity] = frozenset()
    vetoes: list[Veto] = field(default_factory=list)
    source: str = ""

    @property
    def indicators(self) -> list[str]:
        """The indicators assessed, in the documented order."""
        return [name for name in INDICATORS if name in self.weights]


def load_config(path: Path | None = None) -> AssessmentConfig:
    """The weights file at ``path`` (default: the packaged one); WeightsError when unusable."""
    path = path or DEFAULT_WEIGHTS
    doc = read_yaml(path, str(path))
    errors = [f for f in doc.findings if f.is_error]
    if errors or doc.data is None:
        first = errors[0] if errors else None
        raise WeightsError(f"{first.location}: {first.message}" if first else f"{path}: unreadable")
    return _Reader(str(path)).config(doc.data)


class _Reader:
    """Turns the located YAML into an :class:`AssessmentConfig`, failing at the first mistake."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, line: int, message: str) -> WeightsError:
        return WeightsError(f"{self.file}:{line}: {message}")

    def mapping(self, value: Any, line: int, what: str) -> LocatedDict:
        if not isinstance(value, LocatedDict):
            raise self.fail(line, f"{what} must be a mapping (key: value)")
        return value

    def known_keys(self, data: LocatedDict, allowed: tuple[str, ...], what: str) -> None:
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, 1)
                hint = f" (did you mean {close[0]}?)" if close else f"; expected one of {', '.join(allowed)}"
                raise self.fail(data.line_of(key), f"unknown {what} {key!r}{hint}")

    def require(self, data: LocatedDict, keys: tuple[str, ...], what: str, line: int | None = None) -> None:
        for key in keys:
            if key not in data:
                raise self.fail(line or data.line, f"{what} needs {key!r}")

    def number(self, data: LocatedDict, key: str, *, integer: bool = False) -> float:
        text = data[key]
        try:
            value = int(text) if integer else float(text)
        except (TypeError, ValueError):
            kind = "a whole number" if integer else "a number"
            raise self.fail(data.line_of(key), f"{key} must be {kind}, not {text!r}") from None
        if value < 0:
            raise self.fail(data.line_of(key), f"{key} must not be negative")
        return value

    def words(self, data: LocatedDict, key: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
        value = data[key]
        if not isinstance(value, LocatedList) or not all(isinstance(v, str) for v in value):
            raise self.fail(data.line_of(key), f"{key} must be a list such as [a, b]")
        for word, line in zip(value, value.lines, strict=True):
            if allowed is not None and word not in allowed:
                raise self.fail(line, f"{key}: {word!r} is not one of {', '.join(allowed)}")
        return tuple(value)

    def rule_ids(self, data: LocatedDict, key: str) -> tuple[str, ...]:
        ids = self.words(data, key)
        for rule_id in ids:
            if rule_id not in RULES:
                close = difflib.get_close_matches(rule_id, list(RULES), 1)
                hint = f" (did you mean {close[0]}?)" if close else " (see docs/RULES.md)"
                raise self.fail(data.line_of(key), f"{key}: no rule {rule_id!r}{hint}")
        return ids

    def per_severity(self, data: LocatedDict, key: str) -> dict[Severity, float]:
        table = self.mapping(data[key], data.line_of(key), key)
        names = tuple(s.value for s in Severity)
        self.known_keys(table, names, "severity")
        self.require(table, names, key, data.line_of(key))
        return {Severity(name): self.number(table, name) for name in names}

    # --- the file ----------------------------------------------------------------------

    def config(self, data: Any) -> AssessmentConfig:
        top = self.mapping(data, 1, "the weights file")
        self.known_keys(top, ("missing_data", "indicators", "vetoes"), "key")
        self.require(top, ("indicators",), "the weights file")
        config = AssessmentConfig(weights={}, source=self.file)
        if "missing_data" in top:
            if top["missing_data"] not in MISSING_DATA:
                raise self.fail(top.line_of("missing_data"),
                                f"missing_data must be {' or '.join(MISSING_DATA)}")
            config.missing_data = top["missing_data"]
        indicators = self.mapping(top["indicators"], top.line_of("indicators"), "indicators")
        self.known_keys(indicators, INDICATORS, "indicator")
        for name in indicators:
            line = indicators.line_of(name)
            self.indicator(config, name, self.mapping(indicators[name], line, name), line)
        if not any(config.weights.values()):
            raise self.fail(top.line_of("indicators"), "at least one indicator needs a weight above 0")
        vetoes = top.get("vetoes") or LocatedList(top.line_of("vetoes"))
        if not isinstance(vetoes, LocatedList):
            raise self.fail(top.line_of("vetoes"), "vetoes must be a list of - id: … entries")
        config.vetoes = [self.veto(v, line) for v, line in zip(vetoes, vetoes.lines, strict=True)]
        ids = [v.id for v in config.vetoes]
        if len(set(ids)) != len(ids):
            raise self.fail(top.line_of("vetoes"), "veto ids must be unique")
        return config

    def indicator(self, config: AssessmentConfig, name: str, data: LocatedDict, line: int) -> None:
        params = PARAMETERS[name]
        self.known_keys(data, ("label", "weight", *params), f"{name} parameter")
        self.require(data, ("weight", *params), name, line)
        config.weights[name] = self.number(data, "weight")
        if isinstance(data.get("label"), str):
            config.labels[name] = data["label"]
        getattr(self, f"_{name}")(config, data)

    def _completeness(self, config: AssessmentConfig, data: LocatedDict) -> None:
        """Nothing to set: the required fields are the rules' own table."""

    def _compliance(self, config: AssessmentConfig, data: LocatedDict) -> None:
        config.deduct = self.per_severity(data, "deduct")
        config.exclude_rules = frozenset(self.rule_ids(data, "exclude_rules"))

    def _timeliness(self, config: AssessmentConfig, data: LocatedDict) -> None:
        config.publish_within = int(self.number(data, "publish_within", integer=True))
        config.late_item = self.number(data, "late_item")
        config.finding_deadline = int(self.number(data, "finding_deadline", integer=True))
        config.overdue_finding = self.per_severity(data, "overdue_finding")

    def _coverage(self, config: AssessmentConfig, data: LocatedDict) -> None:
        config.channels = self.words(data, "channels", tuple(CHANNELS))
        config.window_days = int(self.number(data, "window_days", integer=True))
        config.ack_is_proof = self.words(data, "ack_is_proof", tuple(CHANNELS))

    def _responsiveness(self, config: AssessmentConfig, data: LocatedDict) -> None:
        names = self.words(data, "severities", tuple(s.value for s in Severity))
        config.severities = frozenset(Severity(n) for n in names)

    def veto(self, value: Any, line: int) -> Veto:
        data = self.mapping(value, line, "a veto")
        self.known_keys(data, ("id", "description", "condition", "rules", "count"), "veto key")
        self.require(data, ("id", "description", "condition"), "a veto")
        condition = data["condition"]
        if condition not in CONDITIONS:
            raise self.fail(data.line_of("condition"),
                            f"condition {condition!r} is not one of {', '.join(CONDITIONS)}")
        self.require(data, CONDITIONS[condition], f"condition {condition}")
        rules = self.rule_ids(data, "rules") if "rules" in data else ()
        count = int(self.number(data, "count", integer=True)) if "count" in data else 0
        return Veto(str(data["id"]), str(data["description"]), condition, rules, count)
