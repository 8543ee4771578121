"""A failing case for every rule, and passing cases for the tricky ones.

The clean baseline (conftest) is the passing case of every rule: it produces no finding at all.
Each failing case patches one part of it and must produce the rule's id.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ANNOUNCEMENT, COUNTY, DELETE, NOTICE, POWER, UNIT, patched
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from signage.catalogue.reviewseal import public_key_text, sign_seal
from signage.catalogue.rules import all_rules


def _id_number(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def _png(width: int, height: int) -> bytes:
    import io

    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


SEAL_KEY = Ed25519PrivateKey.generate()
SEAL_PUBLIC = public_key_text(SEAL_KEY.public_key())


def _sealed(digest: str) -> dict[str, str]:
    """A console-written review sealing ``digest`` (not the record's own: voided)."""
    time = "2026-10-20T10:00:00+08:00"
    return {"reviewer": "王立新", "date": "2026-10-20", "result": "通过", "account": "wang",
            "time": time, "digest": digest,
            "signature": sign_seal(SEAL_KEY, "wang", time, "通过", digest)}


def power(**patch: Any) -> dict[str, Any]:
    return {"powers": [patched(POWER, patch)]}


def notice(**patch: Any) -> dict[str, Any]:
    return {"notices": [patched(NOTICE, patch)]}


def announcement(**patch: Any) -> dict[str, Any]:
    return {"announcements": [patched(ANNOUNCEMENT, patch)]}


def unit(**patch: Any) -> dict[str, Any]:
    return {"unit": patched(UNIT, patch)}


def county(**patch: Any) -> dict[str, Any]:
    return {"county": patched(COUNTY, patch)}


def raw(text: str | bytes, name: str = "units/demo/extra.yaml") -> dict[str, Any]:
    return {"files": {name: text}}


def p(**patch: Any) -> dict[str, Any]:
    """Patch with dotted keys written as __ (fee__standard → fee.standard)."""
    return {key.replace("__", "."): value for key, value in patch.items()}


FAILING: list[tuple[str, dict[str, Any]]] = [
    ("GK-LOAD-001", raw(b"powers: []\x00\n")),
    ("GK-LOAD-002", raw(b"powers:\n  - name: \x80\x80\xff\n")),
    ("GK-LOAD-003", raw("# 注释：本文件以 GBK 保存\npowers: []\n".encode("gbk"))),
    ("GK-LOAD-004", raw("powers:\n  - name: [未闭合\n")),
    ("GK-LOAD-005", raw("powers:\n  - name: 甲\n    name: 乙\n")),
    ("GK-LOAD-006", raw("powers:\n  - ? [a, b]\n    : c\n")),
    ("GK-LOAD-007", power(legal_bais="《城乡规划法》第四十条")),
    ("GK-LOAD-008", power(materials={"a": "b"})),
    ("GK-LOAD-009", raw("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join(
                            [f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(7)))),
    ("GK-LOAD-010", unit(id="other")),
    ("GK-LOAD-011", power(**p(fee__charged="可能"))),
    ("GK-TYPE-001", power(type="行政许诺")),
    ("GK-TYPE-002", power(type="行政审批")),
    ("GK-DOC-001", notice(kind="通知书")),
    ("GK-DOC-002", notice(kind="会议纪要")),
    ("GK-DISC-001", notice(disclosure="公开")),
    ("GK-CHAN-001", announcement(channels=["tv"])),
    ("GK-REQ-001", power(legal_basis=DELETE)),
    ("GK-REQ-002", notice(issuer=DELETE)),
    ("GK-REQ-003", announcement(text=DELETE)),
    ("GK-REQ-004", unit(address=DELETE)),
    ("GK-REQ-005", unit(duties=DELETE)),
    ("GK-REQ-006", unit(rules=[UNIT["rules"][0]])),
    ("GK-CODE-001", power(code="CSJ-XK-1")),
    ("GK-CODE-002", {"powers": [POWER, patched(POWER, {"name": "另一事项"})]}),
    ("GK-CODE-003", power(code="CSJ-CF-001")),
    ("GK-CODE-004", power(code="ABC-XK-001")),
    ("GK-CODE-005", county(code_pattern="([")),
    ("GK-CODE-006", {"announcements": [ANNOUNCEMENT, patched(ANNOUNCEMENT, {"text": "另一条"})]}),
    ("GK-BASIS-001", power(legal_basis=["《中华人民共和国城乡规划法第四十条"])),
    ("GK-BASIS-001", power(legal_basis=["《辽宁省实施《中华人民共和国人民防空法》办法》第十条"])),
    ("GK-BASIS-002", power(legal_basis=["《中华人民共和国城乡规划法》"])),
    ("GK-BASIS-003", power(legal_basis=["《中华人民共和国城市规划法》第三十二条"])),
    ("GK-BASIS-004", power(legal_basis=["城乡规划法第四十条"])),
    ("GK-TEL-001", power(supervision_phone="电话待定")),
    ("GK-TEL-002", power(supervision_phone="０４１２－４８２２３１０")),
    ("GK-TEL-003", unit(supervision_phone="4822310")),
    ("GK-TEL-004", power(consult_phone="024-22345678")),
    ("GK-TIME-001", power(statutory_days="二十")),
    ("GK-TIME-002", power(statutory_days="20个工作日")),
    ("GK-TIME-003", power(statutory_days="0")),
    ("GK-TIME-004", power(promised_days="30")),
    ("GK-FEE-001", power(fee={"charged": "是", "basis": "《辽宁省物价局关于建设工程规划许可收费的通知》"})),
    ("GK-FEE-002", power(fee={"charged": "是", "standard": "每证10元"})),
    ("GK-FEE-003", power(fee={"charged": "否", "standard": "每证10元"})),
    ("GK-DOCNO-001", notice(doc_number="台测发2026-12")),
    ("GK-DOCNO-002", notice(doc_number="台测发[2026]12号")),
    ("GK-DOCNO-003", notice(doc_number="台测发〔2026〕第12号")),
    ("GK-DOCNO-004", notice(doc_number="台测发〔2026〕012号")),
    ("GK-DOCNO-005", notice(date="2025-12-30")),
    ("GK-DOCNO-006", {"notices": [NOTICE, patched(NOTICE, {"title": "台安县测试局关于另一事项的通知"})]}),
    ("GK-DATE-001", power(updated="2026-02-30")),
    ("GK-DATE-002", announcement(valid_from="2026-12-25", valid_until="2026-12-01")),
    ("GK-DATE-003", notice(date="2027-01-05", doc_number="台测发〔2027〕1号")),
    ("GK-DATE-004", announcement(valid_from="2026-01-01", valid_until="2026-01-04")),
    ("GK-REVIEW-001", power(review=DELETE)),
    ("GK-REVIEW-002", power(review={"date": "2026-10-20", "result": "通过"})),
    ("GK-REVIEW-003", power(review={**POWER["review"], "result": "不通过"})),
    ("GK-REVIEW-004", power(updated="2026-10-25")),
    ("GK-REVIEW-005", {**county(review_keys=[SEAL_PUBLIC]), **power(review=_sealed("sha256:0"))}),
    ("GK-REVIEW-006", {**county(review_keys=[SEAL_PUBLIC]),
                       **power(review={**_sealed("sha256:0"), "signature": "AAAA"})}),
    ("GK-REVIEW-007", county(review_keys=[SEAL_PUBLIC])),
    ("GK-REVIEW-008", county(hand_reviews="暂缓")),
    ("GK-SECRET-001", notice(body="秘密★1年\n关于……的通知")),
    ("GK-PRIV-001", notice(body=f"申请人王某（身份证号{_id_number('21032119800101123')}）")),
    ("GK-PRIV-002", announcement(text="如有疑问请联系李科长13912345678。")),
    ("GK-FLOW-001", power(flowchart={"image": "images/不存在.png"})),
    ("GK-FLOW-002", power(flowchart={"image": "../../../etc/passwd"})),
    ("GK-FLOW-003", {**power(flowchart={"image": "images/bad.png"}),
                     **raw(b"\x89PNG\r\n\x1a\nnot really", "units/demo/images/bad.png")}),
    ("GK-FLOW-004", {**power(flowchart={"image": "images/huge.png"}),
                     **raw(_png(8000, 6000), "units/demo/images/huge.png")}),
    ("GK-FLOW-005", power(**p(flowchart__steps__0__branches__1__to="审核"))),
    ("GK-FLOW-006", power(**p(flowchart__steps__2__days="9"))),
    ("GK-TEXT-001", power(name="建设工程 规划许可证核发")),
    ("GK-TEXT-002", power(name="建设工程规划许可\u202e证核发")),
    ("GK-TEXT-003", power(name="建设工程规划许可证核发(临时)")),
    ("GK-TEXT-004", power(place="台安县政务服务中心二楼８号窗口")),
    ("GK-TEXT-005", power(name="关于" + "建设工程规划许可" * 7 + "的核发")),
    ("GK-LED-001", power(name="王\U0002c317个体工商户登记")),
]


def test_baseline_is_clean(check) -> None:
    assert [f.to_dict() for f in check().findings] == []


@pytest.mark.parametrize(("rule_id", "parts"), FAILING, ids=[case[0] for case in FAILING])
def test_failing_case(check, rule_id: str, parts: dict[str, Any]) -> None:
    result = check(**parts)
    found = [f for f in result.findings if f.rule.id == rule_id]
    assert found, f"{rule_id} not reported; got {[f.rule.id for f in result.findings]}"
    for finding in found:
        assert finding.location.file, "every finding names its file"
        assert finding.message and finding.advice
        if not rule_id.startswith(("GK-LOAD-00", "GK-CODE-005")) or rule_id in (
                "GK-LOAD-005", "GK-LOAD-007", "GK-LOAD-008"):
            assert finding.location.line, f"{rule_id} finding has no line"


def test_every_rule_has_a_failing_case() -> None:
    covered = {rule_id for rule_id, _ in FAILING}
    covered.add("GK-LED-002")  # no LED font installed: machine setup, see tests/test_led_glyphs.py
    missing = [rule.id for rule in all_rules() if rule.id not in covered]
    assert missing == []


PASSING: list[tuple[str, dict[str, Any]]] = [
    ("chinese-numeral date", notice(date="二○二六年九月十八日")),
    ("chinese date", power(updated="2026年10月12日")),
    ("several phones", power(supervision_phone="0412-4822310、12345")),
    ("extension", power(consult_phone="0412-4822301-8021")),
    ("mobile phone field", power(consult_phone="13912345678")),
    ("articles with clauses", power(legal_basis=[
        "《中华人民共和国行政许可法》第十二条第一款第（一）项、《中华人民共和国城乡规划法》第四十条"])),
    ("state secrets law is not a marker", power(legal_basis=["《中华人民共和国保守国家秘密法》第三十条"])),
    ("business secret is not a marker", notice(body="涉及商业秘密的内容已依法处理。")),
    ("inner title in 〈〉", power(legal_basis=["《辽宁省实施〈中华人民共和国人民防空法〉办法》第十条"])),
    ("fee with standard and basis", power(fee={
        "charged": "是", "standard": "工本费每证10元",
        "basis": "《辽宁省物价局关于规划许可证工本费的通知》"})),
    ("fee as text", power(fee="不收费")),
    ("paragraph indent in body", notice(body="各股室：\n\u3000\u3000现予公布，请遵照执行。")),
    ("time and latin in text", power(hours="周一至周五 8:30—17:00（GB/T 9704 格式）")),
    ("valid image", {**power(flowchart={"image": "images/流程图.png"}),
                     **raw(_png(800, 600), "units/demo/images/流程图.png")}),
    ("year-only issued 文号 with other issuer", notice(doc_number="台政办发〔2026〕3号")),
    ("ID-like number with bad check digit", notice(body="合同编号210321198001011230。")),
]


@pytest.mark.parametrize(("name", "parts"), PASSING, ids=[case[0] for case in PASSING])
def test_passing_case(check, name: str, parts: dict[str, Any]) -> None:
    assert [f.to_dict() for f in check(**parts).findings] == []
