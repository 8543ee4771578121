"""文号 per GB/T 9704-2012: 机关代字〔年份〕序号号 — year in 〔〕, no 第, no leading zeros."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from signage.catalogue.findings import Finding
from signage.catalogue.model import Notice
from signage.catalogue.rules.context import CheckContext
from signage.catalogue.rules.registry import ERROR, WARNING, check, define
from signage.text.numerals import ascii_digits

MALFORMED = define(
    "GK-DOCNO-001", ERROR, "notice", "文号格式错误",
    "文号“{value}”无法识别为“机关代字〔年份〕序号号”。",
    "按 GB/T 9704 书写，例如“台政发〔2026〕12号”：年份用六角括号〔〕，序号不编虚位、不加“第”。",
)
WRONG_BRACKETS = define(
    "GK-DOCNO-002", WARNING, "notice", "文号括号不规范",
    "文号“{value}”中的年份使用了“{brackets}”。",
    "年份应使用六角括号〔〕：改为“{corrected}”。",
)
HAS_DI = define(
    "GK-DOCNO-003", WARNING, "notice", "文号序号前加了“第”",
    "文号“{value}”的序号前有“第”。",
    "序号前不加“第”：改为“{corrected}”。",
)
LEADING_ZEROS = define(
    "GK-DOCNO-004", WARNING, "notice", "文号序号编了虚位",
    "文号“{value}”的序号有前导零。",
    "序号不编虚位（1 不写作 01 或 001）：改为“{corrected}”。",
)
YEAR_MISMATCH = define(
    "GK-DOCNO-005", WARNING, "notice", "文号年份与成文日期不符",
    "文号年份 {year} 与成文日期 {date} 不一致。",
    "核对文号或成文日期。",
)
FULLWIDTH_DIGITS = define(
    "GK-DOCNO-007", WARNING, "notice", "文号使用了全角数字",
    "文号“{value}”中的年份或序号使用了全角数字。",
    "年份和序号使用半角阿拉伯数字：改为“{corrected}”。",
)

_OPEN = "〔[［【(（{｛<＜"
_CLOSE = "〕]］】)）}｝>＞"
_LOOSE = re.compile(
    rf"(?P<org>[^\s{re.escape(_OPEN + _CLOSE)}]+?)\s*(?P<open>[{re.escape(_OPEN)}])\s*"
    rf"(?P<year>\d{{4}})\s*(?P<close>[{re.escape(_CLOSE)}])\s*(?P<di>第)?\s*"
    r"(?P<num>\d+)\s*号"
)


@dataclass(frozen=True, slots=True)
class DocNumber:
    org: str  # 机关代字, e.g. 台政发
    year: int
    number: int
    brackets: str  # as written
    has_di: bool
    leading_zeros: bool
    fullwidth: bool = False

    @property
    def canonical(self) -> str:
        return f"{self.org}〔{self.year}〕{self.number}号"


def parse_doc_number(text: str) -> DocNumber | None:
    """Read a 文号 leniently (any brackets, 第, zeros); None when it is not one at all."""
    match = _LOOSE.fullmatch(ascii_digits(text.strip()))
    if not match:
        return None
    num = match.group("num")
    return DocNumber(
        org=match.group("org"), year=int(match.group("year")), number=int(num),
        brackets=match.group("open") + match.group("close"), has_di=bool(match.group("di")),
        leading_zeros=len(num) > 1 and num.startswith("0"),
        fullwidth=ascii_digits(text) != text,
    )


@check("notice")
def doc_number(notice: Notice, ctx: CheckContext) -> Iterator[Finding]:
    text = notice.doc_number
    if not text:
        return
    where = notice.where("doc_number")
    parsed = parse_doc_number(text)
    if parsed is None:
        yield MALFORMED.finding(where, "doc_number", value=text)
        return
    fixed = parsed.canonical
    if parsed.brackets != "〔〕":
        yield WRONG_BRACKETS.finding(where, "doc_number", value=text, brackets=parsed.brackets,
                                     corrected=fixed)
    if parsed.has_di:
        yield HAS_DI.finding(where, "doc_number", value=text, corrected=fixed)
    if parsed.leading_zeros:
        yield LEADING_ZEROS.finding(where, "doc_number", value=text, corrected=fixed)
    if parsed.fullwidth:
        yield FULLWIDTH_DIGITS.finding(where, "doc_number", value=text, corrected=fixed)
    if notice.date and notice.date.year != parsed.year:
        yield YEAR_MISMATCH.finding(where, "doc_number", year=parsed.year,
                                    date=notice.date.isoformat())
