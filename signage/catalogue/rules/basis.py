"""Legal basis (设定依据): 《title》 with an article reference, and no repealed law."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from signage.catalogue.findings import Finding, Location
from signage.catalogue.model import PowerItem
from signage.catalogue.rules.context import CheckContext
from signage.catalogue.rules.registry import ERROR, check, define
from signage.text.numerals import CHINESE_NUMERAL_CHARS

UNBALANCED = define(
    "GK-BASIS-001", ERROR, "power", "书名号不成对或嵌套",
    "设定依据“{text}”中的书名号《》{problem}。",
    "每部法律法规名称用一对《》括起，例如《中华人民共和国行政许可法》第十二条；"
    "名称中再引用的法规名称用〈〉，如《辽宁省实施〈中华人民共和国人民防空法〉办法》。",
)
NO_ARTICLE = define(
    "GK-BASIS-002", ERROR, "power", "设定依据未引用具体条款",
    "设定依据《{title}》没有写明具体条款。",
    "在法规名称后写明条款，例如《{title}》第十二条（可写第N条第N款第N项）。",
)
REPEALED = define(
    "GK-BASIS-003", ERROR, "power", "引用了已废止的法律法规",
    "《{title}》已于{since}废止，由《{replacement}》取代。",
    "改为引用《{replacement}》的相应条款，并核对事项是否仍有设定依据。",
)
NO_TITLE = define(
    "GK-BASIS-004", ERROR, "power", "设定依据未写法规名称",
    "设定依据“{text}”没有用《》写明法律法规名称。",
    "写成“《法规名称》第N条”，例如《中华人民共和国行政许可法》第十二条。",
)

_TITLE = re.compile(r"《([^《》]*)》")
_ARTICLE = re.compile(rf"第[0-9０-９{CHINESE_NUMERAL_CHARS}]+[条项]")
_PREFIX = "中华人民共和国"


@dataclass(frozen=True, slots=True)
class Repeal:
    replacement: str
    since: dt.date


@cache
def repealed_laws() -> dict[str, Repeal]:
    """The shipped table of repealed laws, keyed by title without 中华人民共和国."""
    text = (Path(__file__).resolve().parents[2] / "data" / "repealed_laws.yaml").read_text("utf-8")
    rows = yaml.safe_load(text)
    return {row["repealed"]: Repeal(row["replacement"], row["since"]) for row in rows}


def _bare(title: str) -> str:
    title = title.strip()
    return title[len(_PREFIX):] if title.startswith(_PREFIX) else title


def title_marks_problem(text: str) -> str:
    """"" when 《》 pair up flat; else what is wrong (unpaired, or nested 《《》》)."""
    depth = nested = 0
    for ch in text:
        if ch == "《":
            depth += 1
            nested = max(nested, depth)
        elif ch == "》":
            depth -= 1
            if depth < 0:
                return "不成对"
    if depth:
        return "不成对"
    return "嵌套使用（内层应为〈〉）" if nested > 1 else ""


def check_citation(text: str, where: Location, field: str, need_article: bool) -> Iterator[Finding]:
    """Findings for one citation; ``need_article`` is False for fee bases (收费依据)."""
    problem = title_marks_problem(text)
    if problem:
        yield UNBALANCED.finding(where, field, text=text, problem=problem)
        return
    titles = list(_TITLE.finditer(text))
    if not titles:
        if need_article:
            yield NO_TITLE.finding(where, field, text=text)
        return
    table = repealed_laws()
    for index, match in enumerate(titles):
        title = match.group(1)
        repeal = table.get(_bare(title))
        if repeal:
            yield REPEALED.finding(where, field, title=title, replacement=repeal.replacement,
                                   since=f"{repeal.since.year}年{repeal.since.month}月{repeal.since.day}日")
        end = titles[index + 1].start() if index + 1 < len(titles) else len(text)
        if need_article and not _ARTICLE.search(text, match.end(), end):
            yield NO_ARTICLE.finding(where, field, title=title)


@check("power")
def legal_basis(item: PowerItem, ctx: CheckContext) -> Iterator[Finding]:
    for index, citation in enumerate(item.legal_basis):
        yield from check_citation(citation, item.where(f"legal_basis.{index}"), "legal_basis", True)
    if item.fee.basis:
        yield from check_citation(item.fee.basis, item.fee.where("basis"), "fee.basis", False)
