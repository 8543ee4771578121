"""Classified markers and personal data: never on a public screen."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator

from signage.catalogue.findings import Finding
from signage.catalogue.model import Announcement, Notice, PowerItem, Unit
from signage.catalogue.rules.context import CheckContext
from signage.catalogue.rules.registry import ERROR, WARNING, check, define
from signage.catalogue.rules.text import TextField, texts

CLASSIFIED = define(
    "GK-SECRET-001", ERROR, "unit, power, notice, announcement", "含有密级标志",
    "“{field}”含有密级或内部标志“{marker}”，涉密或内部信息不得公开。",
    "立即撤下该内容并报保密审查；确属可公开信息的，须经定密机关解密后删除标志再发布。",
)
ID_NUMBER = define(
    "GK-PRIV-001", ERROR, "unit, power, notice, announcement", "含有公民身份号码",
    "“{field}”含有公民身份号码 {masked}{checked}。",
    "删除身份号码或只保留前6位和后4位（如 {masked}），公开前去除个人信息。",
)
PERSONAL_MOBILE = define(
    "GK-PRIV-002", WARNING, "unit, power, notice, announcement", "正文含有手机号码",
    "“{field}”中含有手机号码 {masked}，可能是个人信息。",
    "公开内容使用单位固定电话；确需公开的工作手机请写入 consult_phone 等电话字段。",
)
BANK_CARD = define(
    "GK-PRIV-003", ERROR, "unit, power, notice, announcement", "含有银行卡号",
    "“{field}”含有银行卡号 {masked}。",
    "删除银行卡号或只保留后4位（如 {masked}）；对公账户请写开户行和单位名称，不写个人卡号。",
)
# Notices and announcements carrying a personal mobile are held back (the rule is a warning
# on items and units, where a work mobile may be intended).
NOTICE_MOBILE = define(
    "GK-PRIV-004", ERROR, "notice, announcement", "公文或公告含有手机号码",
    "“{field}”中含有手机号码 {masked}，公文和公告中的手机号码多为个人信息。",
    "删除手机号码或改为单位固定电话（如 {example}）；本条公开前须整改。",
)

_MARKERS = re.compile(
    r"(?:绝密|机密|秘密)\s*[★☆*＊]"
    r"|[【\[［（(〔]\s*(?:绝密|机密|秘密|内部)\s*[】\]］）)〕]"
    r"|内部(?:资料|文件|使用|传阅|刊物|情况|明电)"
    r"|^\s*(?:绝密|机密|秘密|内部)\s*$",
    re.MULTILINE,
)
_UNCLASSIFIED = frozenset(("", "无", "公开", "非密", "不涉密", "none", "无密级"))
# Clerks write numbers in full-width digits, split by spaces or hyphens (in any width):
# digits are folded to ASCII first, then a run of digits with single separators is a candidate.
_FOLD = str.maketrans("０１２３４５６７８９Ｘｘ－—–‐\u3000", "0123456789Xx---- ")
# Cheap gate on the text as written (Python's \d is any Unicode digit, full-width ones too):
# every kind needs 11+ digits with at most one separator between two.
_GATE = re.compile(r"\d(?:[ \-－—–‐\u3000]?\d){10}")
_RUN = re.compile(r"(?<![0-9A-Za-z])\d(?:[ -]?\d)+(?:[ -]?[Xx])?(?![0-9A-Za-z])")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LONGEST = 19  # characters of the longest personal number (a 19-digit bank card)
# GB 11643: the weight of the i-th of the first 17 digits is 2^(17-i) mod 11.
_ID_WEIGHTS = tuple(2 ** (17 - i) % 11 for i in range(17))


def is_id_number(candidate: str) -> bool:
    """True for an 18-digit 公民身份号码 whose GB 11643 check digit is right."""
    total = sum(int(d) * w for d, w in zip(candidate[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == candidate[17].upper()


def _mask_id(number: str) -> str:
    return number[:6] + "*" * 8 + number[-4:]


def luhn_ok(digits: str) -> bool:
    """True when ``digits`` passes the Luhn check bank cards carry (ISO/IEC 7812)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return not total % 10


def _is_birth_date(digits: str) -> bool:
    """Whether characters 7–14 are a real date (no 2月30日) between 1900 and 2100."""
    try:
        born = dt.datetime.strptime(digits[6:14], "%Y%m%d")
    except ValueError:
        return False
    return 1900 <= born.year <= 2100


def personal_numbers(value: str) -> Iterator[tuple[str, str, bool]]:
    """(kind, digits, check digit right) of every personal number in ``value``, in order.

    An 18-character number with a plausible region and birth date is an identity number whether
    or not its check digit is right (a typo still identifies a person); 16–19 digits passing
    Luhn are a bank card; 11 digits in the mobile ranges are a mobile."""
    if not _GATE.search(value):
        return
    folded = value.translate(_FOLD)
    for match in _RUN.finditer(folded):
        yield from _numbers_in(re.split(r"[ -]", match.group()))


def _numbers_in(groups: list[str]) -> Iterator[tuple[str, str, bool]]:
    """Left to right, the longest run of whole groups that is a personal number. A run joins at
    most ``_LONGEST`` groups (each is a digit or more), so a hostile run of ten thousand
    single digits costs linear time, not cubic."""
    start = 0
    while start < len(groups):
        joined = list(itertools.accumulate(groups[start:start + _LONGEST]))
        for count in range(len(joined), 0, -1):
            found = _classify(joined[count - 1])
            if found:
                yield found
                start += count
                break
        else:
            start += 1


def _classify(digits: str) -> tuple[str, str, bool] | None:
    if len(digits) == 18 and digits[:17].isdigit() and not digits.startswith("0") \
            and _is_birth_date(digits):
        return "id", digits.upper(), is_id_number(digits)
    if not digits.isdigit():
        return None
    if 16 <= len(digits) <= _LONGEST and luhn_ok(digits):
        return "card", digits, True
    if _MOBILE.fullmatch(digits):
        return "mobile", digits, True
    return None


@check("power")
@check("notice")
@check("announcement")
@check("unit")
def secrets_and_personal_data(
    obj: PowerItem | Notice | Announcement | Unit, ctx: CheckContext
) -> Iterator[Finding]:
    if isinstance(obj, Notice) and obj.classification.strip() not in _UNCLASSIFIED:
        yield CLASSIFIED.finding(obj.where("classification"), "classification",
                                 field="classification", marker=obj.classification)
    for text in texts(obj):
        value, name = text.text, text.field
        marker = _MARKERS.search(value)
        if marker:
            yield CLASSIFIED.finding(text.location, name, field=name,
                                     marker=marker.group().strip())
        yield from _personal_data(obj, text, ctx)


def _personal_data(obj: PowerItem | Notice | Announcement | Unit, text: TextField,
                   ctx: CheckContext) -> Iterator[Finding]:
    for kind, digits, check_ok in personal_numbers(text.text):
        yield _FINDINGS[kind](obj, text, ctx, digits, check_ok)


def _id_finding(obj: object, text: TextField, ctx: CheckContext, digits: str,
                check_ok: bool) -> Finding:
    checked = "" if check_ok else "（校验码不符，可能是笔误，仍属个人信息）"
    return ID_NUMBER.finding(text.location, text.field, field=text.field, masked=_mask_id(digits),
                             checked=checked)


def _card_finding(obj: object, text: TextField, ctx: CheckContext, digits: str,
                  check_ok: bool) -> Finding:
    return BANK_CARD.finding(text.location, text.field, field=text.field,
                             masked="*" * (len(digits) - 4) + digits[-4:])


def _mobile_finding(obj: object, text: TextField, ctx: CheckContext, digits: str,
                    check_ok: bool) -> Finding:
    masked = digits[:3] + "****" + digits[-4:]
    if isinstance(obj, Notice | Announcement):
        return NOTICE_MOBILE.finding(text.location, text.field, field=text.field, masked=masked,
                                     example=f"{ctx.area_code or '0412'}-4822110")
    return PERSONAL_MOBILE.finding(text.location, text.field, field=text.field, masked=masked)


_FINDINGS = {"id": _id_finding, "card": _card_finding, "mobile": _mobile_finding}
