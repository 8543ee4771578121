"""Kiosk search: pinyin initials, full pinyin, polyphones, Chinese, codes and 文号, ranking, and
answers that never depend on the typing history. Real pypinyin, real sample content."""

from __future__ import annotations

import functools
import random
import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from conftest import REPO, TODAY
from pypinyin import Style, lazy_pinyin, pinyin

from players.plan import Entry, Plan
from signage.publishing.preview import preview_plan
from signage.text.search import Hit, SearchIndex, _characters, normalise, unit_names

# The ranking as docs/KIOSK.md states it, written out here rather than read from the code: a test
# that took its expectation from the code's own constants would pass whatever they became.
# (start of the field, start of a word in it, anywhere in it)
SCORES: dict[str, tuple[int, int, int]] = {
    "name": (90, 80, 70), "title": (90, 80, 70), "text": (85, 75, 65),
    "code": (60, 60, 55), "doc_number": (60, 60, 55),
    "unit": (50, 50, 45), "department": (50, 50, 45), "issuer": (50, 50, 45),
    "implementing_unit": (40, 40, 35), "power_type": (40, 40, 35), "legal_basis": (40, 40, 35),
    "kind": (40, 40, 35),
}
RARE = 1  # a match starting on a polyphone's rarer reading ranks one lower


def power(name: str, code: str = "", unit: str = "demo", **data: Any) -> Entry:
    key = code or name
    return Entry("powers", unit, key, f"ref-{key}", {"name": name, "code": code, **data})


def notice(title: str, doc_number: str, unit: str = "demo", **data: Any) -> Entry:
    return Entry("notices", unit, doc_number, f"ref-{doc_number}",
                 {"title": title, "doc_number": doc_number, **data})


def announcement(text: str, unit: str = "demo") -> Entry:
    return Entry("announcements", unit, text[:8], f"ref-{text[:8]}", {"text": text})


def label(entry: Entry) -> str:
    return str(entry.data.get("name") or entry.data.get("title") or entry.data.get("text"))


def labels(hits: list[Hit]) -> list[str]:
    return [label(hit.entry) for hit in hits]


def answer(hits: list[Hit]) -> list[tuple[str, str, str, float, str]]:
    return [(h.entry.kind, h.entry.unit, h.entry.key, h.score, h.field) for h in hits]


@pytest.fixture(scope="module")
def plan() -> Plan:
    return preview_plan(REPO / "content", REPO / "layouts", "kiosk-portrait", kind="kiosk", today=TODAY)


@pytest.fixture(scope="module")
def index(plan: Plan) -> SearchIndex:
    return SearchIndex.build(plan.entries, unit_names(plan.units))


# -- the sample content --------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "name"), [
    ("gsrd", "工伤认定"), ("shiye", "失业保险金申领"), ("gongshang", "工伤认定"),
    ("jsgc", "建设工程规划许可证核发"), ("jianshe", "建设用地规划许可证核发"),
    ("sybxj", "失业保险金申领"), ("shiyebaoxianjin", "失业保险金申领"),
])
def test_sample_content_top_three(index: SearchIndex, query: str, name: str) -> None:
    assert name in labels(index.search(query, 3))


def test_initials_find_names_that_start_with_them(index: SearchIndex) -> None:
    hits = index.search("jsgc")
    assert [h.field for h in hits[:3]] == ["name"] * 3
    assert all(label(h.entry).startswith("建设工程") for h in hits[:3])
    assert hits[0].score == 90


def test_full_pinyin_with_and_without_spaces(index: SearchIndex) -> None:
    joined = index.search("jianshegong")
    assert answer(index.search("jian she gong")) == answer(joined)
    assert answer(index.search("JIAN-SHE gong")) == answer(joined)
    assert all(label(h.entry).startswith("建设工") for h in joined if h.field == "name")
    assert labels(joined)[:3] == [
        "建设工程竣工验收备案", "建设工程规划许可证核发", "建设工程质量安全监督检查"]


def test_mixed_initials_and_full_pinyin(index: SearchIndex) -> None:
    first = ["建设工程竣工验收备案"]
    assert labels(index.search("jiansgc", 1)) == labels(index.search("jsgongc", 1)) == first


def test_chinese_substring(index: SearchIndex) -> None:
    hits = index.search("规划许可")
    assert labels(hits) == ["建设用地规划许可证核发", "建设工程规划许可证核发", "乡村建设规划许可证初审"]
    assert {h.score for h in hits} == {80}  # 规划 starts a word
    assert labels(index.search("（镇）村公共")) == ["乡（镇）村公共设施、公益事业建设用地审核"]


@pytest.mark.parametrize("query", [
    "CJJ-XK-001", "cjj-xk-001", "cjjxk001", " Cjj Xk 001 ", "ＣＪＪ－ＸＫ－００１"])
def test_whole_code_in_any_form_comes_first(index: SearchIndex, query: str) -> None:
    first = index.search(query)[0]
    assert (first.entry.data["code"], first.score, first.field) == ("CJJ-XK-001", 100.0, "code")


def test_code_without_its_prefix_and_sequence_number_only(index: SearchIndex) -> None:
    xk001 = index.search("xk001")
    assert xk001 and all(h.entry.data["code"].endswith("XK-001") for h in xk001)
    assert {h.field for h in xk001} == {"code"}
    sequence = index.search("001", limit=500)
    codes = [h.entry.data.get("code", "") for h in sequence]
    assert codes and all(code.endswith("-001") for code in codes)
    assert len(codes) == sum(1 for e in index._entries if str(e.data.get("code", "")).endswith("-001"))


def test_notices_by_title_and_doc_number(index: SearchIndex) -> None:
    heating = index.search("gongre")
    assert heating[0].entry.data["title"] == "台安县住房和城乡建设局关于做好2026—2027年度城市供热工作的通知"
    assert heating[0].field == "title"
    exact = index.search("台建发〔2026〕41号")[0]
    assert (exact.entry.data["doc_number"], exact.score, exact.field) == (
        "台建发〔2026〕41号", 100.0, "doc_number")
    typed = index.search("tjf202641")  # initials of 台建发, then the digits
    assert [h.entry.data["doc_number"] for h in typed] == ["台建发〔2026〕41号"]
    assert typed[0].field == "doc_number"
    assert "台人社发〔2026〕31号" in [h.entry.data.get("doc_number") for h in index.search("31hao")]


def test_digits_in_titles(index: SearchIndex) -> None:
    assert labels(index.search("140")) == [
        "台安县对外贸易经济合作局关于组织企业参加第140届中国进出口商品交易会的通知"]
    years = index.search("2026", limit=200)
    assert {h.entry.kind for h in years} == {"notices", "announcements"}


def test_unit_names_full_and_short(plan: Plan, index: SearchIndex) -> None:
    short = index.search("xcjj")  # 县城建局
    assert short and {h.entry.unit for h in short} == {"chengjian"} and {h.field for h in short} == {"unit"}
    full = index.search("renliziyuan")  # 台安县人力资源和社会保障局
    assert {h.entry.unit for h in full if h.field == "unit"} == {"renshe"}
    plain = SearchIndex.build(plan.entries, {"chengjian": "县城建局"})  # as the kiosk passes them
    assert {h.entry.unit for h in plain.search("xcjj")} == {"chengjian"}


def test_one_letter_prefers_names_starting_with_it(index: SearchIndex) -> None:
    hits = index.search("j")
    assert len(hits) == 50
    assert hits[0].score == 90
    starts = [h for h in hits if h.score == 90]
    assert all("j" in {r[0] for r in pinyin(label(h.entry)[0], style=Style.NORMAL, heteronym=True)[0]}
               for h in starts)
    assert [len(label(h.entry)) for h in starts] == sorted(len(label(h.entry)) for h in starts)


@pytest.mark.parametrize("query", ["", "   ", "，。《》、", "-"])
def test_empty_query_finds_nothing(index: SearchIndex, query: str) -> None:
    assert index.search(query) == []


def test_limit_and_each_entry_once(index: SearchIndex) -> None:
    for query in ("d", "x", "zh", "001", "2026"):
        hits = index.search(query, limit=7)
        assert len(hits) <= 7
        everything = index.search(query, limit=10_000)
        assert hits == everything[:7]
        assert len({(h.entry.kind, h.entry.unit, h.entry.key) for h in everything}) == len(everything)


# -- polyphones, letters, ranking on made-up entries ---------------------------------------------


@pytest.fixture(scope="module")
def made_up() -> SearchIndex:
    return SearchIndex.build([
        power("银行账户开立", "A-1"), power("行政许可", "A-2"), power("长期护理保险", "A-3"),
        power("村长选举", "A-4"), power("重大行政处罚", "A-5"), power("重新核发", "A-6"),
        power("APP账号注册", "A-7"), power("乐器培训", "A-8"), power("和解协议审查", "A-9"),
    ])


@pytest.mark.parametrize(("query", "name"), [
    ("yinhang", "银行账户开立"), ("yh", "银行账户开立"), ("xingzheng", "行政许可"), ("hangzheng", "行政许可"),
    ("changqi", "长期护理保险"), ("zhangqi", "长期护理保险"), ("cunzhang", "村长选举"), ("cz", "村长选举"),
    ("zhongda", "重大行政处罚"), ("chongxin", "重新核发"), ("cxhf", "重新核发"), ("yueqi", "乐器培训"),
    ("leqi", "乐器培训"), ("app", "APP账号注册"), ("appzh", "APP账号注册"), ("a7", "APP账号注册"),
    ("hejie", "和解协议审查"), ("huojie", "和解协议审查"), ("hjxy", "和解协议审查"),
    ("hujxie", "和解协议审查"),
])
def test_polyphones_any_reading_and_latin_letters(made_up: SearchIndex, query: str, name: str) -> None:
    assert name in labels(made_up.search(query))


def test_usual_reading_first_rarer_a_little_lower(made_up: SearchIndex) -> None:
    usual, rare = made_up.search("xingzheng")[0], made_up.search("hangzheng")[0]
    assert label(usual.entry) == label(rare.entry) == "行政许可"
    assert (usual.score, rare.score) == (90, 89)


@pytest.mark.parametrize("ch", "行长重乐和地的朝")
def test_every_first_letter_and_reading_pypinyin_gives(ch: str) -> None:
    single = SearchIndex.build([power(ch + "事项", "Z-1")])
    letters = pinyin(ch, style=Style.FIRST_LETTER, heteronym=True)[0]
    readings = pinyin(ch, style=Style.NORMAL, heteronym=True)[0]
    for typed in {*letters, *readings}:
        assert labels(single.search(typed)) == [ch + "事项"], typed


def test_polyphone_runs_do_not_backtrack_exponentially() -> None:
    """和 (he, hu, huo) and 行 (xing, hang, heng) share first letters: matched naively, "hhh…x"
    against a run of them takes seconds at 16 letters and hours at 24 (the thread guards the
    suite against such a hang; the search itself takes milliseconds)."""
    index = SearchIndex.build([power("和行" * 20, "H-1")])
    answers: list[list[Hit]] = []
    worker = threading.Thread(target=lambda: answers.append(index.search("h" * 40 + "x")), daemon=True)
    worker.start()
    worker.join(120)
    assert answers == [[]]
    assert labels(index.search("h" * 40)) == ["和行" * 20]
    assert labels(index.search("hehanghuohengh")) == ["和行" * 20]


def test_ranking_exact_code_then_name_start_word_start_inside_then_other_fields() -> None:
    index = SearchIndex.build([
        power("建设项目选址意见书", "C-1", legal_basis=["《中华人民共和国城乡规划法》第三十六条"]),
        power("临时用地审批", "C-2", department="规划股"),
        power("违规划拨土地的处罚", "C-3"),  # 违规|划拨: 规划 read across two words
        power("建设工程规划许可", "C-4"),
        power("规划许可证核发", "C-5"),
        announcement("规划展览馆周一闭馆"),
        power("土地征收", "GH-001"), power("规划001号文件办理", "C-6"),
    ])
    assert [(label(h.entry), h.score, h.field) for h in index.search("guihua")] == [
        ("规划许可证核发", 90.0, "name"), ("规划001号文件办理", 90.0, "name"),
        ("规划展览馆周一闭馆", 85.0, "text"),
        ("建设工程规划许可", 80.0, "name"),
        ("违规划拨土地的处罚", 70.0, "name"),
        ("临时用地审批", 50.0, "department"),
        ("建设项目选址意见书", 40.0, "legal_basis"),
    ]
    assert [(label(h.entry), h.score, h.field) for h in index.search("gh001")] == [
        ("土地征收", 100.0, "code"), ("规划001号文件办理", 90.0, "name")]


def test_notices_by_issuer_and_kind_below_names_and_titles() -> None:
    index = SearchIndex.build([
        notice("关于做好冬季供热工作的通知", "台建发〔2026〕41号", issuer="台安县住房和城乡建设局",
               kind="批复"),
        power("供热经营许可", "G-1"),
    ])
    assert [(label(h.entry), h.score, h.field) for h in index.search("gongre")] == [
        ("供热经营许可", 90.0, "name"), ("关于做好冬季供热工作的通知", 80.0, "title")]
    assert [(h.score, h.field) for h in index.search("zhufang")] == [(50.0, "issuer")]
    assert [(h.score, h.field) for h in index.search("pifu")] == [(40.0, "kind")]


def test_ties_go_to_the_shorter_name_then_the_given_order() -> None:
    entries = [power("规划审批事项", "T-1"), power("规划核实", "T-2"), power("规划审查", "T-3"),
               power("规划条件核提", "T-4")]
    assert labels(SearchIndex.build(entries).search("gh")) == [
        "规划核实", "规划审查", "规划审批事项", "规划条件核提"]


# -- typing: incremental answers equal fresh ones ------------------------------------------------


def typed_forms(entry: Entry) -> list[str]:
    name = label(entry)
    forms = ["".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")),
             "".join(lazy_pinyin(name, style=Style.NORMAL, errors="ignore"))]
    if entry.data.get("code"):
        forms.append(str(entry.data["code"]).lower())
    return forms


def test_incremental_typing_and_backspace_equal_fresh_searches(plan: Plan) -> None:
    typing = SearchIndex.build(plan.entries, unit_names(plan.units))
    fresh = SearchIndex.build(plan.entries, unit_names(plan.units))
    rng = random.Random(20261127)
    checked = 0
    for entry in rng.sample(list(plan.entries), 40):
        for target in typed_forms(entry):
            query = ""
            for key in target[:rng.randint(3, 18)]:
                query += key
                if rng.random() < 0.25:  # a typo, then backspace
                    query += rng.choice("aeiouxyz0")
                    typing.search(query, rng.choice((5, 50)))
                    query = query[:-1]
                limit = rng.choice((1, 5, 50, 500))
                fresh.forget()
                assert answer(typing.search(query, limit)) == answer(fresh.search(query, limit)), query
                checked += 1
    assert checked > 300


# -- against a plain reference: every match, every score, in order -------------------------------


@functools.cache
def forms(ch: str) -> tuple[str, ...]:
    readings = [] if ch.isascii() else pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
    return (ch, *dict.fromkeys(r for r in (readings[0] if readings else []) if r.isascii() and r.isalpha()))


def match_from(chars: list[str], i: int, query: str) -> bool:
    """Each character from ``i`` on gives a non-empty prefix of one of its forms."""
    if i == len(chars):
        return False
    for form in forms(chars[i]):
        for size in range(1, min(len(form), len(query)) + 1):
            if form[size - 1] != query[size - 1]:
                break
            if size == len(query) or match_from(chars, i + 1, query[size:]):
                return True
    return False


def start_penalty(chars: list[str], i: int, query: str) -> int | None:
    """None when no match starts at character ``i``, else RARE when the query's first letter
    is neither the character nor the first letter of its usual reading, else 0."""
    if not any(query[0] == form[0] for form in forms(chars[i])) or not match_from(chars, i, query):
        return None
    usual = forms(chars[i])[:2]
    return 0 if query[0] in {form[0] for form in usual} else RARE


def searchable(entry: Entry, names: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    fields = [("unit", name) for name in names.get(entry.unit, ())]
    wanted = {"powers": ["name", "code", "department", "implementing_unit", "power_type", "legal_basis"],
              "notices": ["title", "doc_number", "issuer", "kind"], "announcements": ["text"]}[entry.kind]
    for field in wanted:
        value = entry.data.get(field)
        for text in value if isinstance(value, list) else [value]:
            if text and field == "legal_basis":
                fields += [(field, law) for law in re.findall(r"《([^》]+)》", text) or [text]]
            elif text:
                fields.append((field, str(text)))
    return fields


def reference(entries: tuple[Entry, ...], names: dict[str, tuple[str, ...]]) -> Callable[[str], list[tuple]]:
    """A search that tries every character of every field, ranked as documented."""
    fields = [[(field, [ch for ch, _ in _characters(text)], [p for _, p in _characters(text)],
                normalise(text)) for field, text in searchable(entry, names)] for entry in entries]

    def search(query: str) -> list[tuple]:
        query = normalise(query)
        ranked = []
        for order, (entry, texts) in enumerate(zip(entries, fields, strict=True)):
            scores = []
            for field, chars, places, whole in texts:
                if field in ("code", "doc_number") and whole == query:
                    scores.append(100)
                for i, place in enumerate(places):
                    penalty = start_penalty(chars, i, query)
                    if penalty is not None:
                        scores.append(SCORES[field][place] - penalty)
            if scores:
                ranked.append((-max(scores), len(normalise(label(entry))), order, entry))
        ranked.sort(key=lambda r: r[:3])
        return [(e.kind, e.unit, e.key, float(-score)) for score, _, _, e in ranked]

    return search


def test_every_match_and_score_as_a_plain_reference_finds_them(plan: Plan, index: SearchIndex) -> None:
    expected = reference(plan.entries, unit_names(plan.units))
    rng = random.Random(7)
    queries = ["d", "x", "zh", "jsgc", "shiye", "001", "xk0", "2026", "规划", "gongshang", "xcjj", "hang",
               "tjf", "zhonghua", "zhonghuarenmingongheguoxingzheng", "guihua", "cjjcf", "a", "i", "v"]
    for entry in rng.sample(list(plan.entries), 25):
        for form in typed_forms(entry):
            start = rng.randrange(max(1, len(form) - 2))
            queries.append(form[start:start + rng.randint(1, 8)])
        text = normalise(label(entry))
        start = rng.randrange(len(text))
        queries.append(text[start:start + rng.randint(1, 4)])
    for query in queries:
        got = [(h.entry.kind, h.entry.unit, h.entry.key, h.score) for h in index.search(query, 10_000)]
        assert got == expected(query), query
