"""The rule registry: every rule's definition, and the checks that apply them by scope.

A check is a function ``(subject, context) -> iterable of findings`` registered for one scope
(unit, power, notice, announcement, catalogue). Rules found while reading files (syntax,
encodings, field types) are defined here too, so ``docs/RULES.md`` lists them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from signage.catalogue.findings import Finding, Rule, Severity

RULES: dict[str, Rule] = {}
CHECKS: dict[str, list[Callable[..., Iterable[Finding]]]] = {}

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


def define(
    rule_id: str, severity: Severity, applies_to: str, title: str, message: str, advice: str
) -> Rule:
    """Register a rule; ids are unique and never reused for another meaning."""
    if rule_id in RULES:
        raise ValueError(f"rule {rule_id} defined twice")
    rule = Rule(rule_id, severity, title, message, advice, applies_to)
    RULES[rule_id] = rule
    return rule


def check(scope: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: run this function on every subject of ``scope``."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        CHECKS.setdefault(scope, []).append(func)
        return func

    return register
