"""The free-text fields of each kind of content, for the checks that read all text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple

from signage.catalogue.findings import Location
from signage.catalogue.model import Announcement, Notice, PowerItem, Sourced, Unit


class TextField(NamedTuple):
    owner: Sourced  # the object whose field it is (locations are computed only when reported)
    key: str  # the field's key in owner.field_lines, e.g. "legal_basis.2"
    field: str
    text: str
    multiline: bool

    @property
    def location(self) -> Location:
        return self.owner.where(self.key)


_SINGLE = {
    PowerItem: ("name", "implementing_unit", "department", "place", "hours"),
    Notice: ("title", "issuer"),
    Announcement: (),
    Unit: ("name", "short_name", "address", "hours"),
}
_MULTI = {
    PowerItem: ("conditions",),
    Notice: ("summary", "body"),
    Announcement: ("text",),
    Unit: (),
}
_LISTS = {PowerItem: ("legal_basis", "materials"), Unit: ("duties",)}


def texts(obj: Sourced) -> Iterator[TextField]:
    """Every published, human-written text of ``obj`` and its nested parts. (Review notes are
    internal records: they never reach a screen, so they are not checked as published text.)"""
    cls = type(obj)
    for name in _SINGLE.get(cls, ()):
        value = getattr(obj, name)
        if value:
            yield TextField(obj, name, name, value, False)
    for name in _MULTI.get(cls, ()):
        value = getattr(obj, name)
        if value:
            yield TextField(obj, name, name, value, True)
    for name in _LISTS.get(cls, ()):
        for index, value in enumerate(getattr(obj, name)):
            yield TextField(obj, f"{name}.{index}", name, value, False)
    if isinstance(obj, PowerItem):
        yield from _power_parts(obj)
    elif isinstance(obj, Unit):
        for rule in obj.rules:
            yield TextField(rule, "title", "rules.title", rule.title, False)
            yield TextField(rule, "text", "rules.text", rule.text, True)


def _power_parts(item: PowerItem) -> Iterator[TextField]:
    fee = item.fee
    for name in ("standard", "basis"):
        value = getattr(fee, name)
        if value:
            yield TextField(fee, name, f"fee.{name}", value, False)
    if item.flowchart:
        for step in item.flowchart.steps:
            for name in ("name", "post", "note"):
                value = getattr(step, name)
                if value:
                    yield TextField(step, name, f"flowchart.steps.{name}", value, False)
            for branch in step.branches:
                yield TextField(branch, "when", "flowchart.branches.when", branch.when, False)
