"""Item codes (事项编码): the configured pattern, uniqueness, and agreement with type and unit."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from signage.catalogue import vocab
from signage.catalogue.findings import Finding
from signage.catalogue.model import Catalogue, PowerItem
from signage.catalogue.rules.context import CheckContext
from signage.catalogue.rules.docnumbers import parse_doc_number
from signage.catalogue.rules.registry import ERROR, WARNING, check, define

BAD_CODE = define(
    "GK-CODE-001", ERROR, "power", "事项编码格式错误",
    "事项编码“{code}”不符合编码规则 {pattern}。",
    "按“单位代码-类型代码-三位序号”编写，例如 {example}。",
)
DUPLICATE_CODE = define(
    "GK-CODE-002", ERROR, "catalogue", "事项编码重复",
    "事项编码“{code}”与 {other} 重复，两处均暂停发布。",
    "编码前缀不是本单位代码的一方改用本单位代码；同一单位内重复的，为其中一个分配新序号（编码一经发布不再变更）。",
)
CODE_TYPE_MISMATCH = define(
    "GK-CODE-003", WARNING, "power", "事项编码与类型不符",
    "事项编码中的类型代码“{abbr}”与事项类型“{type}”不符。",
    "{type}的类型代码为 {expected}：改为 {example}。",
)
CODE_UNIT_MISMATCH = define(
    "GK-CODE-004", WARNING, "power", "事项编码与单位不符",
    "事项编码中的单位代码“{prefix}”与本单位代码“{expected}”不符。",
    "使用本单位代码，例如 {example}。",
)
BAD_PATTERN = define(
    "GK-CODE-005", ERROR, "catalogue", "编码规则无效",
    "county.yaml 中的 code_pattern 不是有效的正则表达式：{reason}。",
    "修正 code_pattern，或删除该项以使用默认规则 {default}。",
)


def _example(item: PowerItem, ctx: CheckContext) -> str:
    unit = ctx.catalogue.units.get(item.unit_id)
    prefix = (unit.code_prefix if unit else "") or "DW"
    abbr = vocab.POWER_TYPES.get(item.type, "QT")
    return f"{prefix}-{abbr}-001"


@check("power")
def code_format(item: PowerItem, ctx: CheckContext) -> Iterator[Finding]:
    if not item.code:
        return
    match = ctx.code_pattern.fullmatch(item.code)
    if not match:
        yield BAD_CODE.finding(item.where("code"), "code", code=item.code,
                               pattern=ctx.code_pattern.pattern, example=_example(item, ctx))
        return
    groups = match.groupdict()
    abbr = groups.get("type")
    expected = vocab.type_abbreviations(item.type_declared)
    if abbr and expected and abbr not in expected:
        yield CODE_TYPE_MISMATCH.finding(
            item.where("code"), "code", abbr=abbr, type=item.type_declared,
            expected="/".join(sorted(expected)),
            example=item.code.replace(f"-{abbr}-", f"-{vocab.POWER_TYPES.get(item.type, '')}-"))
    prefix = groups.get("unit")
    unit = ctx.catalogue.units.get(item.unit_id)
    if prefix and unit and unit.code_prefix and prefix != unit.code_prefix:
        yield CODE_UNIT_MISMATCH.finding(
            item.where("code"), "code", prefix=prefix, expected=unit.code_prefix,
            example=unit.code_prefix + item.code[len(prefix):])


DUPLICATE_CODE_KEPT = define(
    "GK-CODE-007", WARNING, "catalogue", "事项编码被其他单位重复使用",
    "事项编码“{code}”也被 {other} 使用；本事项的编码前缀与本单位一致，继续发布。",
    "通知 {other_unit} 为其事项重新编码（使用该单位自己的代码）；本事项无需修改。",
)


def _prefix_matches(item: PowerItem, ctx: CheckContext) -> bool:
    match = ctx.code_pattern.fullmatch(item.code)
    unit = ctx.catalogue.units.get(item.unit_id)
    prefix = match.groupdict().get("unit") if match else None
    return bool(prefix and unit and unit.code_prefix and prefix == unit.code_prefix)


@check("catalogue")
def unique_codes(catalogue: Catalogue, ctx: CheckContext) -> Iterator[Finding]:
    """Every record sharing a code is told, pointing at the others. None is published, except
    that when exactly one record's code carries its own unit's prefix, that one is the owner:
    it stays on screen with a warning and the copies are held back."""
    by_code: dict[str, list[PowerItem]] = {}
    for item in catalogue.powers():
        if item.code:
            by_code.setdefault(item.code, []).append(item)
    for code, items in by_code.items():
        if len(items) < 2:
            continue
        owners = [item for item in items if _prefix_matches(item, ctx)]
        owner = owners[0] if len(owners) == 1 else None
        for item in items:
            others = [other for other in items if other is not item]
            where = "、".join(str(other.where("code")) for other in others)
            if item is owner:
                units = "、".join(sorted({o.unit_id for o in others}))
                finding = DUPLICATE_CODE_KEPT.finding(item.where("code"), "code", code=code,
                                                      other=where, other_unit=units)
            else:
                finding = DUPLICATE_CODE.finding(item.where("code"), "code", code=code, other=where)
            finding.unit_id, finding.subject = item.unit_id, item.code
            yield finding


DUPLICATE_ANNOUNCEMENT = define(
    "GK-CODE-006", ERROR, "catalogue", "公告编号重复",
    "公告编号“{id}”与 {other} 重复。",
    "每条公告使用唯一的 id，例如 单位ID-年份-主题。",
)
DUPLICATE_DOC_NUMBER = define(
    "GK-DOCNO-006", WARNING, "catalogue", "文号重复",
    "文号“{number}”与 {other} 的“{other_number}”是同一文号{how}。",
    "同一份文件只发布一次：删除重复的一条；确为两份文件的，核对并更正其中一个文号。",
)


@check("catalogue")
def unique_ids(catalogue: Catalogue, ctx: CheckContext) -> Iterator[Finding]:
    seen: dict[str, Any] = {}
    for obj in catalogue.announcements():
        if not obj.id:
            continue
        first = seen.setdefault(obj.id, obj)
        if first is not obj:
            finding = DUPLICATE_ANNOUNCEMENT.finding(obj.where("id"), "id", id=obj.id,
                                                     other=str(first.where("id")))
            finding.unit_id, finding.subject = obj.unit_id, obj.key
            yield finding
    yield from _same_documents(catalogue)


def _same_documents(catalogue: Catalogue) -> Iterator[Finding]:
    """Two notices are one document when their 文号 agree once written the standard way
    (brackets, 第, leading zeros and full-width digits are how clerks vary it)."""
    seen: dict[str, Any] = {}
    for notice in catalogue.notices():
        if not notice.doc_number:
            continue
        parsed = parse_doc_number(notice.doc_number)
        key = parsed.canonical if parsed else notice.doc_number.strip()
        first = seen.setdefault(key, notice)
        if first is notice:
            continue
        how = "" if first.doc_number == notice.doc_number else f"（规范写法均为“{key}”）"
        finding = DUPLICATE_DOC_NUMBER.finding(
            notice.where("doc_number"), "doc_number", number=notice.doc_number,
            other=str(first.where("doc_number")), other_number=first.doc_number, how=how)
        finding.unit_id, finding.subject = notice.unit_id, notice.key
        yield finding
