"""Table columns as a typesetter sets them: widths from the content, headers never broken in a word.

Each column has a narrowest width (its widest header word, its widest unbreakable piece, or a
whole value for columns whose values are names: 其他行政权力, 劳动保障监察大队) and a preferred
width (its longest value on one line). Columns whose preferred width is within a fair share of
the table get it; the rest share what is left in proportion to how much they hold, none below
its narrowest width. So 收费 is as wide as 不收费 and 设定依据 gets the room.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from signage.text.linebreak import Measure, pieces, wrap

# Where a unit's name may break: after the part naming a body (…局, …办公室, …大队) or before （.
_BODY = r"办公室|委员会|中心|大队|支队|中队|服务站|管理站|局|处|科|室|股|所|站|队|院|馆"
_ORG_WORD = re.compile(rf"（[^）]*）|[^（]+?(?:{_BODY})(?=.)|[^（]+")
# Inside a long name, where its parts meet (县社会保险事业 / 服务中心).
_ORG_PART = re.compile(r"(?<=.)(?=服务中心|事业|监察|管理|执法|综合|服务|中心|大队|办公室|委员会)")
WHOLE_CAP_EMS = 9.0  # a name kept whole may make its column at most this many characters wide
LATIN_CAP_EMS = 7.0  # and an unbreakable Latin run this many


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its header as words that never break, how its cells align, how they break."""

    header: tuple[str, ...]
    align: str = "left"  # left | centre | right
    breaks: str = "text"  # text (Chinese rules) | words (names: at the parts of a body's name) | whole

    @property
    def title(self) -> str:
        return "".join(self.header)


def words(text: str, breaks: str) -> list[str]:
    """The pieces a cell's text may break between."""
    if breaks == "whole":
        return [text]
    if breaks == "words":
        return [w for w in _ORG_WORD.findall(text) if w] or [text]
    return pieces(text)


def wrap_cell(text: str, width: float, measure: Measure, breaks: str = "text") -> list[str]:
    """A cell's lines: by the Chinese rules, or for names at word ends where each word fits."""
    if breaks == "text":
        return wrap(text, width, measure)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in words(paragraph, breaks):
            if measure(line + word) <= width:
                line += word
                continue
            if line:
                lines.append(line)
            *full, line = _wrap_name(word, width, measure)
            lines += full
        lines.append(line)
    return lines


def _wrap_name(word: str, width: float, measure: Measure) -> list[str]:
    """A name wider than its column: at the meeting of its parts, else by the Chinese rules."""
    lines: list[str] = []
    line = ""
    for part in _ORG_PART.split(word):
        if line and measure(line + part) > width:
            lines.append(line)
            line = ""
        if measure(part) > width:
            *full, part = wrap(part, width, measure) or [""]
            lines += full
        line += part
    return [*lines, line]


def wrap_header(column: Column, width: float, measure: Measure) -> list[str]:
    """Header words filled greedily: 法定时限 stays on one line."""
    lines: list[str] = []
    line = ""
    for word in column.header:
        if line and measure(line + word) > width:
            lines.append(line)
            line = ""
        line += word
    return [*lines, line]


def narrowest(column: Column, cells: Sequence[str], measure: Measure, header: Measure, em: float) -> float:
    """The width below which a header word, a piece, or (names) a word would have to break."""
    least = max((header(w) for w in column.header), default=0.0)
    for text in cells:
        for paragraph in text.split("\n"):
            for word in words(paragraph, column.breaks):
                width = measure(word)
                if column.breaks != "text":
                    width = min(width, WHOLE_CAP_EMS * em)
                elif width > LATIN_CAP_EMS * em:  # item codes stay whole; a URL breaks when it must
                    width = LATIN_CAP_EMS * em
                least = max(least, width)
    return least


def preferred(column: Column, cells: Sequence[str], measure: Measure, header: Measure) -> float:
    """The width that sets every value and the header on one line."""
    widest = max((measure(p) for text in cells for p in text.split("\n")), default=0.0)
    return max(widest, header(column.title))


def share_out(least: Sequence[float], wanted: Sequence[float], total: float) -> list[float]:
    """Widths summing to ``total``: small columns get what they want, big ones share the rest."""
    count = len(least)
    wanted = [max(w, m) for w, m in zip(wanted, least, strict=True)]
    if sum(least) >= total:  # too many columns for the paper: narrowest widths, scaled down
        return [m * total / sum(least) for m in least]
    if sum(wanted) <= total:  # room for everything on one line: the spare goes to the longest
        spare = total - sum(wanted)
        return [w + spare * w / sum(wanted) for w in wanted]
    widths: list[float | None] = [None] * count
    remaining = total
    while True:  # fair shares: fix the columns that want no more than theirs
        open_ = [i for i in range(count) if widths[i] is None]
        fair = remaining / len(open_)
        fixed = [i for i in open_ if wanted[i] <= fair]
        rest = sum(least[i] for i in open_ if i not in fixed)
        if not fixed or len(fixed) == len(open_) or remaining - sum(wanted[i] for i in fixed) < rest:
            break
        for i in fixed:
            widths[i] = wanted[i]
            remaining -= wanted[i]
    while True:  # the rest in proportion to what they hold, none below its narrowest
        open_ = [i for i in range(count) if widths[i] is None]
        if not open_:
            return [w or 0.0 for w in widths]
        weight = sum(wanted[i] for i in open_)
        short = [i for i in open_ if remaining * wanted[i] / weight < least[i]]
        if not short:
            for i in open_:
                widths[i] = remaining * wanted[i] / weight
            return [w or 0.0 for w in widths]
        for i in short:
            widths[i] = least[i]
            remaining -= least[i]
