"""Telephones: every channel shows them, so they must be dialable as printed."""

from __future__ import annotations

from collections.abc import Iterator

from signage.catalogue.findings import Finding, Location
from signage.catalogue.model import County, PowerItem, Unit
from signage.catalogue.rules.context import CheckContext
from signage.catalogue.rules.registry import ERROR, INFO, WARNING, check, define
from signage.text.phones import (
    Phone,
    in_numbering_plan,
    local_lengths,
    normalise,
    split_extension,
    split_numbers,
)

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

NOT_IN_PLAN = define(
    "GK-TEL-005", ERROR, "county, unit, power", "电话号码不存在",
    "“{field}”中的“{value}”不在国家电话编号计划中：{reason}。",
    "核对号码后按“{example}”的形式填写；号码以电信运营商登记的为准。",
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
        elif not in_numbering_plan(phone.normal):
            reason, example = _plan_reason(phone, area)
            yield NOT_IN_PLAN.finding(where, field, field=field, value=written, reason=reason,
                                      example=example)
        elif _written_differently(phone, written):
            yield PHONE_FORMAT.finding(where, field, value=written, normal=phone.normal)
        elif area and phone.area_code and phone.area_code != area:
            yield OTHER_AREA_CODE.finding(where, field, value=written, code=phone.area_code,
                                          area=area)


def _written_differently(phone: Phone, written: str) -> bool:
    """An extension written 转8021 or ext 8021 is accepted as written; the rest must be normal."""
    parts = split_extension(written.strip()) if phone.extension_written else None
    if parts is None:
        return phone.normal != written.strip()
    return normalise(parts[0]).normal != parts[0]


def _plan_reason(phone: Phone, area: str) -> tuple[str, str]:
    example = f"{area or '0412'}-4822110"
    if phone.kind == "mobile":
        return f"没有 {phone.normal[:3]} 号段的手机号码", "13912345678"
    if phone.kind == "service":
        return "该 400/800 号码位数或号段不对", "400-123-4567"
    code, local = phone.normal.split("-")[:2]
    lengths = local_lengths(code, local)
    if not lengths:
        return f"区号 {code} 不存在或不接受以 {local[:1]} 开头的号码", example
    allowed = "或".join(str(n) for n in lengths)
    return (f"区号 {code} 的本地号码为 {allowed} 位，“{local}”为 {len(local)} 位",
            f"{code}-后接{lengths[0]}位数字")


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
