"""Fees (收费): a charge needs its standard and its legal basis."""

from __future__ import annotations

from collections.abc import Iterator

from signage.catalogue.findings import Finding
from signage.catalogue.model import PowerItem
from signage.catalogue.rules.context import CheckContext
from signage.catalogue.rules.registry import ERROR, WARNING, check, define

NO_STANDARD = define(
    "GK-FEE-001", ERROR, "power", "收费事项缺少收费标准",
    "事项收费，但没有写明收费标准。",
    "在 fee.standard 写明收费项目和金额，例如“工本费每证10元”。",
)
NO_BASIS = define(
    "GK-FEE-002", ERROR, "power", "收费事项缺少收费依据",
    "事项收费，但没有写明收费依据。",
    "在 fee.basis 写明批准收费的文件，例如《辽宁省物价局关于……收费标准的通知》。",
)
CONTRADICTORY = define(
    "GK-FEE-003", WARNING, "power", "不收费事项填写了收费标准",
    "事项标注为不收费，却填写了收费标准或依据。",
    "确认是否收费：收费则将 charged 改为 是，不收费则删除 standard 和 basis。",
)


@check("power")
def fees(item: PowerItem, ctx: CheckContext) -> Iterator[Finding]:
    fee = item.fee
    if fee.charged:
        if not fee.standard.strip():
            yield NO_STANDARD.finding(fee.where("standard"), "fee.standard")
        if not fee.basis.strip():
            yield NO_BASIS.finding(fee.where("basis"), "fee.basis")
    elif fee.charged is False and (fee.standard.strip() or fee.basis.strip()):
        yield CONTRADICTORY.finding(fee.where("charged"), "fee.charged")
