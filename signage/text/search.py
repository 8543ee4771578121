"""Search for the kiosk and the web column: pinyin initials, full pinyin, Chinese, item codes.

The on-screen keyboard has letters and digits only, so citizens type ``jsgc``, ``jianshe``,
``jian she gong`` or ``xk001``; a hardware keyboard may also bring Chinese (``规划许可``).

**Matching.** Every character of a searchable field is stored with everything it may be typed
as: itself and each of its readings (all readings of a polyphone: 行 is ``xing`` and ``hang``).
A query matches where consecutive characters each give a non-empty prefix of one of those, so
initials, full pinyin, any mix of the two, Chinese and codes are one rule. Case, spaces and
punctuation are ignored on both sides; letters and digits in the text stand for themselves.

**Speed.** pypinyin runs when the index is built, never per keystroke. Every distinct field
text is encoded once (towns share whole item lists) as ``\\x01建\\x02jian\\x01设\\x02she``, and
a query compiles to a regular expression that checks a match at a given position. Posting
lists hold, for every first letter and every pair of letters, the positions where a match can
start, sorted in rank order; a query of one or two letters *is* its posting list, a longer one
filters the list of its first two letters and stops as soon as ``limit`` entries are found.
What each recent query found, and where it stopped, is remembered: a query that extends one
starts from there (each key narrows the last answer), and a backspace finds the shorter query
remembered or recomputes it from its own prefix, so results never depend on the typing
history. The index is not thread-safe (the kiosk searches from its UI thread).

**The web column** ships the same rules to the browser: :func:`glyph_table` gives each
character's encoded forms and :func:`characters` each text's places, so the page's script
builds the same encoded texts and the same expression (:data:`JOIN`) as this index.
"""

from __future__ import annotations

import functools
import heapq
import re
import unicodedata
from array import array
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from typing import Any, Protocol

__all__ = ["Hit", "SearchIndex", "Searchable", "characters", "glyph_table", "normalise", "searchable",
           "unit_names"]


class Searchable(Protocol):
    """What the index reads of an entry (a kiosk's plan entry, a site's page record)."""

    @property
    def kind(self) -> str: ...

    @property
    def unit(self) -> str: ...

    @property
    def data(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Hit:
    entry: Any  # the Searchable given to build()
    score: float
    field: str  # the field that matched (name, title, code, doc_number, unit, department …)


# -- ranking ------------------------------------------------------------------------------------

EXACT = 100  # the whole code or 文号, as typed
# Score of a match in each field: at the field's start, at a word start, anywhere else.
SCORES: dict[str, tuple[int, int, int]] = {
    "name": (90, 80, 70), "title": (90, 80, 70),  # a power's name, a notice's title
    "text": (85, 75, 65),  # announcements rank below powers and notices matched the same way
    "code": (60, 60, 55), "doc_number": (60, 60, 55),  # word starts: segments (XK, 001), 〔2026〕
    "unit": (50, 50, 45), "department": (50, 50, 45), "issuer": (50, 50, 45),
    "implementing_unit": (40, 40, 35), "power_type": (40, 40, 35), "legal_basis": (40, 40, 35),
    "kind": (40, 40, 35),
}
RARE = 1  # a match starting with a letter only a polyphone's rarer readings have (涉 read "die")
FIELDS = {  # searched fields by entry kind (every kind: its unit's names too)
    "powers": ("name", "code", "department", "implementing_unit", "power_type", "legal_basis"),
    "notices": ("title", "doc_number", "issuer", "kind"),
    "announcements": ("text",),
}
PRIMARY = {"powers": "name", "notices": "title", "announcements": "text"}  # "shorter name" wins
CODES = ("code", "doc_number")  # typed whole, these score EXACT

# A posting is one int, (100 - score) << 52 | value << 32 | position, so sorting postings sorts
# by score, then value (numbered in order of their best entry), then position.
_POSITION = (1 << 32) - 1
_VALUE = (1 << 20) - 1
_EMPTY: array[int] = array("Q")
_REMEMBERED = 64  # recent queries whose answers (or the start of them) are kept

# -- text ---------------------------------------------------------------------------------------

_CHAR, _ALT, _HOLD, _END = "\x01", "\x02", "\x03", "\x00"  # character, next form, hold, field end
# Between two query characters the form goes on, or the rest of the character is skipped and
# the next one starts, on any of its forms — except after a hold: a prefix an earlier form of
# the character has too (the "h" of "huo" after "he"). So each way of reading a character is
# one path through the expression, and polyphones cannot make it backtrack exponentially
# (和行和行… against hhhh…x); a posting points at the form that has the prefix first.
_JOIN = r"(?:\x03|(?!\x03)[^\x00\x01]*+\x01(?:[^\x00\x01]*\x02)?)?"
_RUN = re.compile(r"[^\W_]+")  # letters and digits between spaces and punctuation
_SCRIPT = re.compile(r"[a-z]+|[0-9]+|[^a-z0-9]+")  # a word starts where the script changes
_LAW = re.compile(r"《([^》]+)》")  # a legal basis is searched by the laws it cites, not articles
PREFIX, WORD, INNER = 0, 1, 2

# Common words of administrative items and notices: a match that starts on one ranks above a
# match inside a word (规划 in 建设工程规划许可证核发). Unknown characters in a row form one word.
_WORDS = """
行政 许可 许可证 审批 审核 审查 核准 核发 核定 核实 备案 登记 注册 注销 变更 设立 申请 申报 申领 受理
办理 处理 处罚 罚款 没收 强制 查封 扣押 扣留 拆除 征收 征用 给付 补贴 补助 救助 奖励 表彰 确认 认定
裁决 检查 监督 抽查 检验 检测 验收 评估 调解 仲裁 投诉 举报 公开 公示 公告 通知 通告 报告 报送 建设
工程 规划 施工 建筑 竣工 用地 土地 宅基地 房屋 住房 住宅 商品房 预售 城市 城乡 乡村 农村 村民 居民
村务 道路 公路 交通 运输 车辆 客运 货物 货运 危险 安全 生产 经营 企业 单位 个人 个体 市场 主体 广告
产品 质量 食品 药品 医疗 卫生 健康 保险 养老 失业 工伤 医保 社会 就业 培训 职业 技能 劳动 劳动者 工资
合同 人事 人员 人才 教育 学校 学生 儿童 少年 残疾 残疾人 老年人 高龄 津贴 低保 生活 保障 最低 特困
供养 临时 困难 家庭 计划生育 扶助 殡葬 婚姻 收养 户籍 身份证 居住证 消防 应急 防汛 抗旱 森林 防火
林木 林地 采伐 草原 耕地 农业 农机 农田 农药 种子 畜牧 动物 防疫 渔业 水利 河道 环境 生态 污染 排污
秸秆 焚烧 露天 文化 旅游 文物 体育 出版 网络 能源 电力 燃气 供热 供水 排水 市容 环卫 园林 绿化 物业
测绘 不动产 档案 统计 审计 税务 财政 资金 采购 国有 资产 价格 收费 商务 外商 投资 外贸 进出口 境外 对外
知识产权 专利 商标 计量 特种 设备 宗教 民族 民政 慈善 志愿 退役 军人 兵役 优抚 信息 政府 政务 服务
中心 窗口 事项 事业 机构 组织 实施 管理 执法 违法 违规 擅自 未经 未按 规定 取得 拒不 提供 虚假 材料
证明 证书 证件 证照 执照 营业 资格 资质 年度 发放 兑付 承包 流转 纠纷 争议 权属 使用权 所有权 公共
设施 公益 墓地 危房 改造 受灾 冬春 消费者 权益 维权 护理 重度 驾驶证 拖拉机 联合 收割机 技术 标志 管线
电缆 超限 超载 占用 挖掘 开展 做好 关于 工作 专项 整治 政策 标准 名录 名单 工具 设施 活动 制度 资源
"""
_LEXICON = frozenset(_WORDS.split())


def normalise(text: str) -> str:
    """What search compares: NFKC (full-width letters and digits), lower case, letters, digits
    and Chinese characters only."""
    return "".join(_RUN.findall(unicodedata.normalize("NFKC", text).lower()))


def _characters(text: str) -> list[tuple[str, int]]:
    """The searchable characters of ``text``, each with its place: field start, word start
    (after punctuation or a space, where letters, digits and Chinese meet, a lexicon word) or
    inside a word."""
    out: list[tuple[str, int]] = []
    for run in _RUN.findall(unicodedata.normalize("NFKC", text).lower()):
        for part in _SCRIPT.findall(run):
            starts = {0} if part.isascii() else _word_starts(part)
            out += [(ch, WORD if i in starts else INNER) for i, ch in enumerate(part)]
    if out:
        out[0] = (out[0][0], PREFIX)
    return out


def _word_starts(run: str) -> set[int]:
    """Word starts in Chinese, by forward maximum matching with the lexicon."""
    starts: set[int] = set()
    i, loose = 0, False
    while i < len(run):
        size = next((n for n in (4, 3, 2) if run[i:i + n] in _LEXICON), 0)
        if size or not loose:
            starts.add(i)
        loose = not size
        i += size or 1
    return starts


@dataclass(frozen=True, slots=True)
class _Glyph:
    """One character as the index stores it, and the posting keys it starts: (key, offset of
    the form a match with that key starts on, RARE if only a polyphone's rarer readings start
    with that letter else 0)."""

    encoded: str  # \x01, then its forms (itself, its readings) apart by \x02, holds \x03
    keys: tuple[tuple[str, int, int], ...]  # first character of each form, first two letters
    initials: tuple[tuple[str, int, int], ...]  # first letter of each ASCII form


@functools.cache
def _glyph(ch: str) -> _Glyph:
    readings = _readings(ch)
    forms = [f for f in (ch, *readings) if not any(g.startswith(f) and g != f for g in readings)]
    usual = {ch, readings[0][0]} if readings else {ch}
    held = list(_held(forms))
    offsets = [1]
    for text in held[:-1]:
        offsets.append(offsets[-1] + len(text) + 1)
    firsts: dict[str, tuple[str, int, int]] = {}  # a one-letter start: the first form with it
    for form, offset in zip(forms, offsets, strict=True):
        firsts.setdefault(form[0], (form[0], offset, 0 if form[0] in usual else RARE))
    pairs = [(form[:2], offset, firsts[form[0]][2])
             for form, offset in zip(forms, offsets, strict=True) if len(form) > 1]
    return _Glyph(_CHAR + _ALT.join(held), (*firsts.values(), *pairs),
                  tuple(first for first in firsts.values() if first[0].isascii()))


def _held(forms: Sequence[str]) -> Iterator[str]:
    """Each form with a hold after every prefix an earlier form has."""
    seen: set[str] = set()
    for form in forms:
        marked = []
        for size in range(1, len(form) + 1):
            marked.append(form[size - 1])
            if form[:size] in seen:
                marked.append(_HOLD)
            seen.add(form[:size])
        yield "".join(marked)


def _readings(ch: str) -> tuple[str, ...]:
    """Every toneless reading of a Chinese character, usual one first (none for the rest)."""
    if ch.isascii():
        return ()
    from pypinyin import Style, pinyin  # here, not at import: it costs a kiosk's start 0.3 s

    found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(dict.fromkeys(r.lower() for r in (found[0] if found else ())
                               if r.isascii() and r.isalpha()))


@functools.lru_cache(maxsize=256)
def _pattern(query: str) -> re.Pattern[str]:
    return re.compile(_JOIN.join(re.escape(ch) for ch in query))


# -- corpus -------------------------------------------------------------------------------------


class _CorpusBuilder:
    """Field texts encoded one after the other, and the posting lists of every key."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.postings: defaultdict[str, list[int]] = defaultdict(list)

    def add(self, text: str, value: int, scores: tuple[int, int, int]) -> None:
        """Append one field text, its postings scored by where each character stands."""
        glyphs = [(_glyph(ch), scores[place]) for ch, place in _characters(text)]
        position = value << 32 | self.size
        for i, (glyph, score) in enumerate(glyphs):
            head = position + ((100 - score) << 52)
            for key, offset, penalty in glyph.keys:
                self.postings[key].append(head + (penalty << 52) + offset)
            if i + 1 < len(glyphs):  # an initial, then the next character's first letter
                for first, offset, penalty in glyph.initials:
                    for second, _, _ in glyphs[i + 1][0].initials:
                        self.postings[first + second].append(head + (penalty << 52) + offset)
            position += len(glyph.encoded)
        self.parts.append("".join(glyph.encoded for glyph, _ in glyphs) + _END)
        self.size = (position & _POSITION) + 1

    def build(self) -> _Corpus:
        if self.size > _POSITION:
            raise ValueError("too much text to index")
        postings = {key: array("Q", sorted(set(codes))) for key, codes in self.postings.items()}
        return _Corpus("".join(self.parts), postings)


class _Known:
    """What is known of one query's answer: the matches found so far, in rank order, and the
    candidates not checked yet (all after those, in rank order). Complete when none are left;
    until then the next search for it, or for a query extending it, resumes there."""

    __slots__ = ("found", "rest")

    def __init__(self, rest: list[memoryview]) -> None:
        self.found = array("Q")
        self.rest = rest


class _Corpus:
    """Encoded field texts and their posting lists: yields the postings matching a query in rank
    order, lazily (callers stop when they have enough)."""

    def __init__(self, text: str, postings: dict[str, array[int]]) -> None:
        self.text = text
        self.postings = postings
        self.known: OrderedDict[str, _Known] = OrderedDict()  # least recently used first

    def matches(self, query: str) -> Iterator[int]:
        known = self.known.get(query)
        if known is not None:
            self.known.move_to_end(query)
        elif self._key(query) == query:
            return iter(self.postings.get(query, _EMPTY))  # the posting list is the answer
        else:
            known = self.known[query] = _Known(self._candidates(query))
            while len(self.known) > _REMEMBERED:
                self.known.popitem(last=False)
        return self._run(query, known)

    def _candidates(self, query: str) -> list[memoryview]:
        """A superset of the answer in rank order: what is known of the longest remembered
        prefix (a match of a query is a match of its prefixes), else a posting list."""
        for size in range(len(query) - 1, 1, -1):
            known = self.known.get(query[:size])
            if known is not None:
                return [memoryview(known.found[:]), *known.rest]  # a copy: ``found`` grows
        return [memoryview(self.postings.get(self._key(query), _EMPTY))]

    @staticmethod
    def _key(query: str) -> str:
        """The posting list a query starts from: its first two letters, or its first character
        when that is Chinese (no pairs are kept for Chinese: hardware keyboards are rare)."""
        return query[:2] if query[:2].isascii() else query[0]

    def _run(self, query: str, known: _Known) -> Iterator[int]:
        yield from known.found[:]
        match, text = _pattern(query).match, self.text
        while known.rest:
            codes = known.rest[0]
            checks = map(match, repeat(text), map(_POSITION.__and__, codes))
            for i, code in compress(enumerate(codes), checks):
                known.found.append(code)
                known.rest[0] = codes[i + 1:]
                yield code
            known.rest.pop(0)


# -- index --------------------------------------------------------------------------------------


class SearchIndex:
    """Entries searchable by pinyin, Chinese and codes; built once per content version.

    Ranking (:data:`SCORES`): the whole code or 文号 typed (100) > the name or title starting
    with the query (90) > the query at a word start in it (80) > anywhere in it (70) > the code
    or 文号 from its start or a segment (``xk001``, ``001``: 60), anywhere in it (55) > unit,
    department, issuer (50, inside a word 45) > implementing unit, power type, laws cited,
    notice kind (40/35). Announcements' text scores 5 below a name; a match starting on a
    polyphone's rarer reading 1 less. Ties go to the shorter name (title, text), then to the
    order of ``entries``. Each entry appears once, with the field of its best match.
    """

    def __init__(self, entries: list[Any], exact: dict[str, list[tuple[int, str]]],
                 corpus: _Corpus, values: list[tuple[str, array[int]]]) -> None:
        self._entries = entries  # by rank: shorter name first, then the order given
        self._exact = exact  # normalised code or 文号 → (entry rank, field)
        self._corpus = corpus
        self._values = values  # each distinct (field, text): field and entries, by rank

    def __len__(self) -> int:
        return len(self._entries)

    def forget(self) -> None:
        """Drop what recent queries found (memory only: answers never depend on it)."""
        self._corpus.known.clear()

    @classmethod
    def build(cls, entries: Sequence[Searchable],
              unit_names: Mapping[str, str | Sequence[str]] | None = None) -> SearchIndex:
        """Index ``entries``; ``unit_names`` maps a unit id to its name, or to several names
        (full and short: see :func:`unit_names`)."""
        ranked = sorted(entries, key=lambda e: len(normalise(_text(e.data.get(PRIMARY.get(e.kind, ""))))))
        corpus = _CorpusBuilder()
        exact: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)
        ids: dict[tuple[str, str], int] = {}
        values: list[tuple[str, array[int]]] = []  # numbered as first met: by their best entry
        for rank, entry in enumerate(ranked):
            for field, text in searchable(entry, unit_names or {}):
                value = ids.get((field, text))
                if value is None:
                    value = ids[field, text] = len(values)
                    values.append((field, array("I")))
                    corpus.add(text, value, SCORES[field])
                values[value][1].append(rank)
                if field in CODES:
                    exact[normalise(text)].append((rank, field))
        if len(values) > _VALUE:
            raise ValueError(f"too many distinct texts to index ({len(values)})")
        return cls(ranked, dict(exact), corpus.build(), values)

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        """The best ``limit`` entries for ``query``, best first; none for an empty query."""
        text = normalise(query)
        if not text or limit <= 0:
            return []
        hits: list[Hit] = []
        seen: set[int] = set()
        for rank, field in self._exact.get(text, ()):
            self._add(hits, seen, rank, EXACT, field)
        for head, rank, value in self._ranked(text):
            if len(hits) >= limit:
                break
            self._add(hits, seen, rank, 100 - head, self._values[value][0])
        return hits[:limit]

    def _add(self, hits: list[Hit], seen: set[int], rank: int, score: int, field: str) -> None:
        if rank not in seen:
            seen.add(rank)
            hits.append(Hit(self._entries[rank], float(score), field))

    def _ranked(self, text: str) -> Iterator[tuple[int, int, int]]:
        """(100 - score, entry rank, value) for every entry of every matching value, best
        first. Postings come ordered by score, then by their value's best entry, so the
        values' entry lists merge lazily: an entry is final once no value still to come can
        rank above it (a unit found by one letter may stand for a thousand entries)."""
        heap: list[tuple[int, int, int, Iterator[int]]] = []
        met: set[int] = set()
        for code in self._corpus.matches(text):
            value = code >> 32 & _VALUE
            if value in met:  # its first posting was its best
                continue
            met.add(value)
            ranks = iter(self._values[value][1])
            head, first = code >> 52, next(ranks)
            while heap and heap[0][:2] < (head, first):
                yield _pop(heap)
            heapq.heappush(heap, (head, first, value, ranks))
        while heap:
            yield _pop(heap)


def _pop(heap: list[tuple[int, int, int, Iterator[int]]]) -> tuple[int, int, int]:
    head, rank, value, ranks = heapq.heappop(heap)
    following = next(ranks, None)
    if following is not None:
        heapq.heappush(heap, (head, following, value, ranks))
    return head, rank, value


def unit_names(units: Mapping[str, Mapping[str, Any]]) -> dict[str, tuple[str, ...]]:
    """Every unit's full and short name (from a plan's ``units``), for :meth:`SearchIndex.build`."""
    return {uid: tuple(dict.fromkeys(str(u[k]) for k in ("name", "short_name") if u.get(k)))
            for uid, u in units.items()}


def searchable(entry: Searchable, names: Mapping[str, str | Sequence[str]]) -> Iterator[tuple[str, str]]:
    """(field, text) for every searchable text of an entry."""
    unit = names.get(entry.unit, ())
    for name in (unit,) if isinstance(unit, str) else unit:
        yield "unit", name
    for field in FIELDS.get(entry.kind, ()):
        value = entry.data.get(field)
        for item in value if isinstance(value, list) else [value]:
            text = _text(item).strip()
            for part in (_LAW.findall(text) or [text]) if field == "legal_basis" else [text]:
                if normalise(part):
                    yield field, part


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


JOIN = _JOIN.replace("*+", "*")  # for engines without possessive quantifiers (the same matches)


def characters(text: str) -> list[tuple[str, int]]:
    """The searchable characters of ``text`` with their places (PREFIX, WORD, INNER)."""
    return _characters(text)


def glyph_table(chars: Iterable[str]) -> dict[str, str]:
    """Each character's encoded forms after its leading marker (``jian``, ``xing\x02hang``…),
    for characters that have readings (the rest stand for themselves)."""
    table = {}
    for ch in sorted(set(chars)):
        encoded = _glyph(ch).encoded[1:]
        if encoded != ch:
            table[ch] = encoded
    return table
