"""Telephones: every channel shows them, so they must be dialable as printed."""

from __future__ import annotations

from collections.abc import Iterator

from signage.catalogue.findings import Finding, Location
from signage.catalogue.model import County, PowerItem, Unit
from signage.catalogue.rules.context import CheckContext
from signage.catalogue.rules.registry import ERROR, INFO, WARNING, check, define
from signage.text.phones import normalise, split_numbers

INVALID_PHONE = define(
    "GK-TEL-001", ERROR, "county, unit, power", "电话号码无效",
    "“{field}”中的“{value}”不是有效的电话号码。",
    "填写带区号的固定电话（如 {area}-4822110）、手机号码或 12345 等热线。",
)
PHONE_FORMAT = define(
    "GK-TEL-002", WARNING, "county, unit, power", "电话号码书写不规范",
    "电话号码“{value}”书写不规范（全角数字、多余空格或分隔符）。",
    "改为“{normal}”。",
)
NO_AREA_CODE = define(
    "GK-TEL-003", WARNING, "county, unit, power", "固定电话缺少区号",
    "固定电话“{value}”没有区号，外地群众无法拨打。",
    "改为“{normal}”。",
)
OTHER_AREA_CODE = define(
    "GK-TEL-004", INFO, "county, unit, power", "区号不是本县区号",
    "电话“{value}”的区号 {code} 不是本县区号 {area}。",
    "核对号码；如确为外地号码可忽略本提示。",
)

PHONE_FIELDS = ("consult_phone", "supervision_phone", "complaint_phone")


def check_phone_text(text: str, where: Location, field: str, area: str) -> Iterator[Finding]:
    for written in split_numbers(text):
        phone = normalise(written)
        if not phone.kind:
            yield INVALID_PHONE.finding(where, field, field=field, value=written,
                                        area=area or "0412")
        elif phone.kind == "local":
            if area:
                yield NO_AREA_CODE.finding(where, field, value=written,
                                           normal=f"{area}-{phone.normal}")
            else:
                yield INVALID_PHONE.finding(where, field, field=field, value=written,
                                            area="0412")
        elif phone.normal != written.strip():
            yield PHONE_FORMAT.finding(where, field, value=written, normal=phone.normal)
        elif area and phone.area_code and phone.area_code != area:
            yield OTHER_AREA_CODE.finding(where, field, value=written, code=phone.area_code,
                                          area=area)


def _phones_of(obj: PowerItem | Unit | County, ctx: CheckContext) -> Iterator[Finding]:
    for name in PHONE_FIELDS:
        # Items inherit their unit's numbers; check only what the item itself wrote.
        if name in obj.field_lines:
            value = getattr(obj, name, "")
            if value:
                yield from check_phone_text(value, obj.where(name), name, ctx.area_code)


@check("power")
def power_phones(item: PowerItem, ctx: CheckContext) -> Iterator[Finding]:
    yield from _phones_of(item, ctx)


@check("unit")
def unit_phones(unit: Unit, ctx: CheckContext) -> Iterator[Finding]:
    yield from _phones_of(unit, ctx)


@check("catalogue")
def county_phones(catalogue, ctx: CheckContext) -> Iterator[Finding]:
    yield from _phones_of(catalogue.county, ctx)
