"""A failing case for every rule, and passing cases for the tricky ones.

The clean baseline (conftest) is the passing case of every rule: it produces no finding at all.
Each failing case patches one part of it and must produce the rule's id.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ANNOUNCEMENT, COUNTY, DELETE, NOTICE, POWER, TODAY, UNIT, dump, patched
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from signage.catalogue.reviewseal import public_key_text, sign_seal
from signage.catalogue.rules import all_rules


def _id_number(first17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def _luhn(body: str) -> str:
    """``body`` with the Luhn check digit a real bank card carries."""
    total = 0
    for index, char in enumerate(reversed(body)):
        value = int(char) * (1 if index % 2 else 2)
        total += value - 9 if value > 9 else value
    return body + str(-total % 10)


def _png(width: int, height: int) -> bytes:
    import io

    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG")
    return buffer.getvalue()


def _old_palette_png() -> bytes:
    import io

    image = Image.new("P", (20, 20))
    image.putpalette([0, 0, 0, 255, 255, 255] * 128)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", transparency=bytes([0, 128] + [255] * 254))
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


OTHER_UNIT = {**UNIT, "id": "other", "name": "台安县其他局", "short_name": "其他局", "code_prefix": "QTJ"}


def _other_unit(code: str) -> dict[str, Any]:
    return {"files": {"units/other/unit.yaml": dump({"unit": OTHER_UNIT}),
                      "units/other/powers.yaml": dump({"powers": [patched(POWER, {"code": code})]})}}


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
    ("GK-CODE-007", _other_unit("CSJ-XK-001")),
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
    ("GK-TEL-005", power(supervision_phone="0412-48223100")),
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
    ("GK-DOCNO-007", notice(doc_number="台测发〔２０２６〕１２号")),
    ("GK-DOCNO-006", {"notices": [NOTICE, patched(NOTICE, {"title": "台安县测试局关于另一事项的通知"})]}),
    ("GK-DATE-001", power(updated="2026-02-30")),
    ("GK-DATE-002", announcement(valid_from="2026-12-25", valid_until="2026-12-01")),
    ("GK-DATE-003", notice(date="2027-01-05", doc_number="台测发〔2027〕1号")),
    ("GK-DATE-004", announcement(valid_from="2026-01-01", valid_until="2026-01-04")),
    ("GK-DATE-005", county(time_zone="Asia/Shangai")),
    ("GK-REVIEW-001", power(review=DELETE)),
    ("GK-REVIEW-002", power(review={"date": "2026-10-20", "result": "通过"})),
    ("GK-REVIEW-003", power(review={**POWER["review"], "result": "不通过"})),
    ("GK-REVIEW-004", power(updated="2026-10-25")),
    ("GK-REVIEW-005", {**county(review_keys=[SEAL_PUBLIC]), **power(review=_sealed("sha256:0"))}),
    ("GK-REVIEW-006", {**county(review_keys=[SEAL_PUBLIC]),
                       **power(review={**_sealed("sha256:0"), "signature": "AAAA"})}),
    ("GK-REVIEW-007", county(review_keys=[SEAL_PUBLIC])),
    ("GK-REVIEW-008", county(hand_reviews="暂缓")),
    ("GK-ATTACH-001", notice(attachments=[{"title": "附件1", "file": "files/没有这个.pdf"}])),
    ("GK-ATTACH-002", notice(attachments=[{"title": "附件1", "file": "../other/a.pdf"}])),
    ("GK-ATTACH-003", {**notice(attachments=[{"title": "附件1", "file": "files/big.pdf"}]),
                       **raw(b"%PDF" + b"0" * (50 * 1024 * 1024 + 1), "units/demo/files/big.pdf")}),
    ("GK-ATTACH-004", {**notice(attachments=[{"title": "附件1", "file": "files/a.exe"}]),
                       **raw(b"MZ", "units/demo/files/a.exe")}),
    ("GK-ATTACH-005", {**notice(attachments=[{"file": "files/a.pdf"}]),
                       **raw(b"%PDF", "units/demo/files/a.pdf")}),
    ("GK-SECRET-001", notice(body="秘密★1年\n关于……的通知")),
    ("GK-PRIV-001", notice(body=f"申请人王某（身份证号{_id_number('21032119800101123')}）")),
    ("GK-PRIV-002", power(conditions="如有疑问请联系李科长13912345678。")),
    ("GK-PRIV-003", notice(body=f"请将补助款汇入张某账户{_luhn('622202123456789012')}。")),
    ("GK-PRIV-004", announcement(text="如有疑问请联系李科长13912345678。")),
    ("GK-FLOW-001", power(flowchart={"image": "images/不存在.png"})),
    ("GK-FLOW-002", power(flowchart={"image": "../../../etc/passwd"})),
    ("GK-FLOW-003", {**power(flowchart={"image": "images/bad.png"}),
                     **raw(b"\x89PNG\r\n\x1a\nnot really", "units/demo/images/bad.png")}),
    ("GK-FLOW-004", {**power(flowchart={"image": "images/huge.png"}),
                     **raw(_png(8000, 6000), "units/demo/images/huge.png")}),
    ("GK-FLOW-008", {**power(flowchart={"image": "images/old.png"}),
                     **raw(_old_palette_png(), "units/demo/images/old.png")}),
    ("GK-LOAD-012", raw("powers:\n\t- name: 甲\n")),
    ("GK-FLOW-005", power(**p(flowchart__steps__0__branches__1__to="审核"))),
    ("GK-FLOW-006", power(**p(flowchart__steps__2__days="9"))),
    ("GK-FLOW-007", power(**p(flowchart__steps__1__branches=DELETE))),
    ("GK-TEXT-001", power(name="建设工程 规划许可证核发")),
    ("GK-TEXT-002", power(name="建设工程规划许可\u202e证核发")),
    ("GK-TEXT-003", power(name="建设工程规划许可证核发(临时)")),
    ("GK-TEXT-004", power(place="台安县政务服务中心二楼８号窗口")),
    ("GK-TEXT-005", power(name="关于" + "建设工程规划许可" * 7 + "的核发")),
    ("GK-TEXT-006", power(name="建設工程規劃許可證核發")),
    ("GK-TEXT-007", power(name="建设工程规划许可\u0301证核发")),
    ("GK-KIOSK-001", power(name="王\U00030000个体工商户登记")),
    ("GK-BOARD-001", power(name="王\U00030000个体工商户登记")),
    ("GK-LED-001", power(name="王\U0002c317个体工商户登记")),
]


def line_of(section: str, record: dict[str, Any], key: str) -> int:
    """The line of top-level ``key`` of ``record`` when written as the only one of ``section``."""
    for number, line in enumerate(dump({section: [record]}).splitlines(), 1):
        if line[2:].startswith(f"{key}:"):
            return number
    raise KeyError(key)


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
    ("extension with 转", power(consult_phone="0412-4822301转8021")),
    ("extension with ext", power(consult_phone="0412-4822301 ext.8021")),
    ("extension with 分机", unit(consult_phone="0412-4822301分机 8021")),
    ("hotlines and service numbers", power(supervision_phone="12345、12315、400-123-4567、800-820-8820")),
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
    ("long number that is no birth date", notice(body="合同编号210321199913451231。")),
    ("unified social credit code", notice(body="统一社会信用代码91210321MA0Y12345X。")),
    ("landline, date and extension", notice(body="2026-10-12起咨询0412-4822301-8021。")),
]


@pytest.mark.parametrize(("name", "parts"), PASSING, ids=[case[0] for case in PASSING])
def test_passing_case(check, name: str, parts: dict[str, Any]) -> None:
    assert [f.to_dict() for f in check(**parts).findings] == []


# --- personal data in every written form (issue 16, class 1) --------------------------------

def _body_findings(check, body: str, rule_id: str) -> list[Any]:
    result = check(notices=[patched(NOTICE, {"body": body})])
    return [f for f in result.findings if f.rule.id == rule_id]


@pytest.mark.parametrize("written", [
    "210321198001011234",          # wrong check digit: a typo still identifies a person
    "２１０３２１１９８００１０１１２３４",  # full-width digits
    "210321 19800101 1234",        # split by spaces
    "210321-19800101-1234",        # split by hyphens
    "21032119800101123x",          # lowercase x
])
def test_identity_numbers_in_every_form(check, written: str) -> None:
    found = _body_findings(check, f"各股室：\n申请人王某，身份证号{written}。", "GK-PRIV-001")
    assert len(found) == 1
    assert found[0].field == "body" and found[0].location.line == 9
    assert "210321********" in found[0].message
    assert "删除身份号码" in found[0].advice


def test_check_digit_decides_the_message_not_the_report(check) -> None:
    right = _id_number("21032119800101123")
    wrong = right[:-1] + ("0" if right[-1] != "0" else "1")
    assert "校验码不符" not in _body_findings(check, f"王某{right}", "GK-PRIV-001")[0].message
    assert "校验码不符" in _body_findings(check, f"王某{wrong}", "GK-PRIV-001")[0].message


def test_every_occurrence_is_reported_and_the_notice_held_back(check) -> None:
    body = (f"王某{_id_number('21032119800101123')}、李某{_id_number('21032119900202456')}，"
            f"联系139 1234 5678或137-0000-1111，账户{_luhn('622202123456789012')}。")
    result = check(notices=[patched(NOTICE, {"body": body})])
    ids = sorted(f.rule.id for f in result.findings)
    assert ids == ["GK-PRIV-001", "GK-PRIV-001", "GK-PRIV-003", "GK-PRIV-004", "GK-PRIV-004"]
    masks = [f.message for f in result.findings if f.rule.id == "GK-PRIV-004"]
    assert "139****5678" in masks[0] and "137****1111" in masks[1]
    card = next(f for f in result.findings if f.rule.id == "GK-PRIV-003")
    assert "*" * 15 + _luhn("622202123456789012")[-4:] in card.message
    assert ("demo", NOTICE["doc_number"]) in result.blocked()


def test_card_number_must_pass_luhn(check) -> None:
    card = _luhn("622202123456789012")
    assert _body_findings(check, f"账户{card}", "GK-PRIV-003")
    wrong = card[:-1] + str((int(card[-1]) + 1) % 10)
    assert not _body_findings(check, f"账户{wrong}", "GK-PRIV-003")


# --- duplicated item codes across units (class 2) -------------------------------------------

def test_duplicate_code_copy_in_the_wrong_unit_is_held_back(check, tmp_path) -> None:
    from signage.office.rectification import write_notices

    alone = check(**_other_unit("QTJ-XK-001"))
    assert not alone.blocked() and not [f for f in alone.findings if f.rule.id.startswith("GK-CODE")]
    result = check(**_other_unit("CSJ-XK-001"))
    by_unit = {f.unit_id: f for f in result.findings if f.rule.id in ("GK-CODE-002", "GK-CODE-007")}
    copy, owner = by_unit["other"], by_unit["demo"]
    assert copy.rule.id == "GK-CODE-002" and copy.location.file == "units/other/powers.yaml"
    assert copy.location.line == 3 and copy.field == "code"
    assert "units/demo/powers.yaml:3" in copy.message and "两处均暂停发布" in copy.message
    assert owner.rule.id == "GK-CODE-007" and "units/other/powers.yaml:3" in owner.message
    assert "other" in owner.advice
    assert result.blocked() == {("other", "CSJ-XK-001")}  # the owner keeps its screens
    notices = write_notices(result, tmp_path / "notices", TODAY, pdf=False)
    texts = {path.name: path.read_text("utf-8") for path in notices}
    assert "GK-CODE-002" in texts["other-整改意见书.md"] and "GK-CODE-007" in texts["demo-整改意见书.md"]


def test_duplicate_code_that_no_prefix_decides_holds_back_both(check) -> None:
    result = check(powers=[patched(POWER, {"code": "ABC-XK-001"})], **_other_unit("ABC-XK-001"))
    dupes = [f for f in result.findings if f.rule.id == "GK-CODE-002"]
    assert sorted(f.unit_id for f in dupes) == ["demo", "other"]
    assert {("demo", "ABC-XK-001"), ("other", "ABC-XK-001")} <= result.blocked()
    assert "units/other/powers.yaml:3" in next(f for f in dupes if f.unit_id == "demo").message


# --- the same document twice, full-width digits in 文号 (class 3) ---------------------------

@pytest.mark.parametrize("variant", ["台测发[2026]12号", "台测发〔2026〕第12号", "台测发〔2026〕012号",
                                     "台测发〔２０２６〕１２号", "台测发（2026）第０１２号"])
def test_same_document_by_normalised_doc_number(check, variant: str) -> None:
    second = patched(NOTICE, {"title": "台安县测试局关于公布事项目录的通知（重发）", "doc_number": variant})
    result = check(notices=[NOTICE, second])
    dupes = [f for f in result.findings if f.rule.id == "GK-DOCNO-006"]
    assert len(dupes) == 1
    assert dupes[0].location.file == "units/demo/notices.yaml" and dupes[0].location.line == 19
    assert "units/demo/notices.yaml:5" in dupes[0].message
    assert "台测发〔2026〕12号" in dupes[0].message
    other = patched(second, {"doc_number": "台测发〔2026〕13号"})
    assert not [f for f in check(notices=[NOTICE, other]).findings if f.rule.id == "GK-DOCNO-006"]


def test_fullwidth_digits_in_doc_number_get_the_corrected_form(check) -> None:
    result = check(notices=[patched(NOTICE, {"doc_number": "台测发〔２０２６〕１２号"})])
    [finding] = [f for f in result.findings if f.rule.id == "GK-DOCNO-007"]
    assert finding.field == "doc_number" and finding.location.line == 5
    assert "改为“台测发〔2026〕12号”" in finding.advice


# --- no follow-on "缺少…" for present-but-invalid values (class 5) --------------------------

@pytest.mark.parametrize(("parts", "rule_id", "field", "line", "advice"), [
    (notice(date="2026-02-30"), "GK-DATE-001", "date", 6, "写作 2026-05-26"),
    (power(statutory_days="二十"), "GK-TIME-001", "statutory_days", 8, "例如 20"),
    (power(**p(fee__charged="可能")), "GK-LOAD-011", "charged", 11, ""),
    (power(legal_basis={"a": "b"}), "GK-LOAD-008", "legal_basis", 6, ""),
])
def test_invalid_value_is_one_finding_not_also_missing(check, parts, rule_id, field, line,
                                                       advice) -> None:
    findings = check(**parts).findings
    assert [f.rule.id for f in findings] == [rule_id]
    assert findings[0].field == field and findings[0].location.line == line
    assert advice in findings[0].advice


def test_an_empty_value_is_still_missing(check) -> None:
    findings = check(notices=[patched(NOTICE, {"date": None})]).findings
    assert [(f.rule.id, f.field) for f in findings] == [("GK-REQ-002", "date")]


# --- telephones against the national numbering plan (class 6) ------------------------------

@pytest.mark.parametrize(("written", "reason", "example"), [
    ("0412-48223100", "区号 0412 的本地号码为 7 位，“48223100”为 8 位", "0412-后接7位数字"),
    ("024-2234567", "区号 024 的本地号码为 8 位，“2234567”为 7 位", "024-后接8位数字"),
    ("14012345678", "没有 140 号段的手机号码", "13912345678"),
])
def test_numbers_outside_the_numbering_plan(check, written: str, reason: str, example: str) -> None:
    record = patched(POWER, {"supervision_phone": written})
    result = check(powers=[record])
    [finding] = result.findings
    assert finding.rule.id == "GK-TEL-005" and finding.field == "supervision_phone"
    assert reason in finding.message and example in finding.advice
    assert finding.location.line == line_of("powers", record, "supervision_phone")


def _phone_findings(result: Any, field: str = "supervision_phone") -> list[Any]:
    return [f for f in result.findings if f.rule.id.startswith("GK-TEL") and f.field == field
            and f.location.file.endswith("powers.yaml")]


@pytest.mark.parametrize(("written", "rule_id", "in_message", "in_advice"), [
    # The county's own area code, not the sample's 0412, is what the advice writes.
    ("电话待定", "GK-TEL-001", "电话待定", "0433-4822110"),
    ("0401-2822110", "GK-TEL-005", "区号 0401 不存在或不接受以 2 开头的号码", "0433-4822110"),
    ("0433-482211", "GK-TEL-001", "0433-482211", "0433-4822110"),  # too short for any plan
])
def test_advice_names_the_countys_own_area_code(check, written, rule_id, in_message,
                                                in_advice) -> None:
    result = check(county=county(area_code="0433")["county"],
                   powers=[patched(POWER, {"supervision_phone": written})])
    [finding] = _phone_findings(result)
    assert finding.rule.id == rule_id
    assert in_message in finding.message and in_advice in finding.advice


def test_number_outside_the_plan_with_an_extension(check) -> None:
    result = check(powers=[patched(POWER, {"supervision_phone": "0412-48223100 EXT 8021"})])
    [finding] = _phone_findings(result)
    assert finding.rule.id == "GK-TEL-005"
    assert "区号 0412 的本地号码为 7 位，“48223100”为 8 位" in finding.message


@pytest.mark.parametrize(("written", "normal"), [
    ("0412 4822301", "0412-4822301"),  # a space sorts before the dash it stands for
    ("0412 4822301转8021", "0412-4822301-8021"),
    ("0412—4822301", "0412-4822301"),  # an em dash sorts after it
])
def test_any_separator_but_the_dash_is_a_format_finding(check, written, normal) -> None:
    [finding] = _phone_findings(check(powers=[patched(POWER, {"supervision_phone": written})]))
    assert finding.rule.id == "GK-TEL-002" and f"改为“{normal}”" in finding.advice


@pytest.mark.parametrize("written", ["024-22345678", "0415-2123456"])
def test_another_area_code_either_side_of_ours_is_noted(check, written) -> None:
    [finding] = _phone_findings(check(powers=[patched(POWER, {"supervision_phone": written})]))
    assert finding.rule.id == "GK-TEL-004" and written[:4].rstrip("-") in finding.message


def test_the_countys_own_numbers_are_checked(check) -> None:
    result = check(county=county(supervision_phone="电话待定")["county"])
    [finding] = [f for f in result.findings if f.rule.id.startswith("GK-TEL")]
    assert finding.rule.id == "GK-TEL-001" and finding.location.file == "county.yaml"
    assert finding.field == "supervision_phone"


def test_plan_reason_for_each_kind_of_number() -> None:
    """Every 400/800 number phonenumbers knows today is valid; the reason is pinned for the day
    its data marks a range unused."""
    from signage.catalogue.rules.phones import _plan_reason
    from signage.text.phones import Phone

    service = Phone("400-123-456", "400-123-456", "service")
    mobile = Phone("14012345678", "14012345678", "mobile")
    assert _plan_reason(service, "0412") == ("该 400/800 号码位数或号段不对", "400-123-4567")
    assert _plan_reason(mobile, "0412") == ("没有 140 号段的手机号码", "13912345678")


def test_extension_written_with_zhuan_is_accepted_but_its_base_still_normalised(check) -> None:
    fine = check(powers=[patched(POWER, {"consult_phone": "0412-4822301转8021"})])
    assert fine.findings == [] and not fine.blocked()
    sloppy = check(powers=[patched(POWER, {"consult_phone": "０４１２ ４８２２３０１转8021"})])
    [finding] = sloppy.findings
    assert finding.rule.id == "GK-TEL-002" and "改为“0412-4822301-8021”" in finding.advice
    assert not sloppy.blocked()


def test_phone_normal_form_with_extension() -> None:
    from signage.text.phones import in_numbering_plan, normalise

    phone = normalise("0412-4822301 EXT 8021")
    assert (phone.kind, phone.normal, phone.written) == ("landline", "0412-4822301-8021",
                                                         "0412-4822301 EXT 8021")
    assert in_numbering_plan(phone.normal) and not in_numbering_plan("0412-48223011")


# --- flowcharts that dead-end (class 7) -----------------------------------------------------

def test_correction_step_without_a_way_on_is_a_dead_end(check) -> None:
    record = patched(POWER, {"flowchart.steps.1.branches": DELETE})
    [finding] = check(powers=[record]).findings
    assert finding.rule.id == "GK-FLOW-007" and finding.field == "flowchart.steps"
    text = dump({"powers": [record]}).splitlines()
    assert text[finding.location.line - 1].strip() == "- name: 一次性告知补正"
    assert "由“受理”的分支进入" in finding.message and "流向下一步“审查”" in finding.message
    assert "to: 受理" in finding.advice and "to: 结束" in finding.advice


def test_side_step_that_rejoins_the_next_step_is_fine(check) -> None:
    steps = [{"name": "受理", "days": "1", "branches": [{"when": "需要听证", "to": "组织听证"},
                                                        {"when": "无需听证", "to": "决定"}]},
             {"name": "组织听证", "days": "3"}, {"name": "决定", "days": "2"}]
    assert check(powers=[patched(POWER, {"flowchart": {"steps": steps}})]).findings == []


def test_loop_with_no_way_out_never_reaches_the_end(check) -> None:
    steps = [{"name": "受理", "days": "1"},
             {"name": "审查", "days": "2", "branches": [{"when": "需复核", "to": "复核"}]},
             {"name": "复核", "days": "1", "branches": [{"when": "复核后", "to": "审查"}]},
             {"name": "决定", "days": "1"}]
    findings = check(powers=[patched(POWER, {"flowchart": {"steps": steps}})]).findings
    stuck = sorted(f.message for f in findings if f.rule.id == "GK-FLOW-007")
    assert len(stuck) == 3 and all("到不了“结束”" in m for m in stuck)
    assert any("“受理”" in m for m in stuck)


def test_branch_to_an_unknown_step_names_the_nearest(check) -> None:
    findings = check(powers=[patched(POWER, {"flowchart.steps.0.branches.1.to": "审核"})]).findings
    [finding] = [f for f in findings if f.rule.id == "GK-FLOW-005"]
    assert "“受理”的分支指向不存在的步骤“审核”" in finding.message
    assert "是否应为“审查”" in finding.advice


# --- standard characters (class 9) ----------------------------------------------------------

def test_traditional_characters_get_the_simplified_form(check) -> None:
    findings = check(powers=[patched(POWER, {"name": "建设工程规劃许可證核發"})]).findings
    [finding] = findings
    assert finding.rule.id == "GK-TEXT-006" and finding.field == "name" and finding.location.line == 2
    assert "“劃”“證”“發”" in finding.message
    assert "改为“建设工程规划许可证核发”" in finding.advice


@pytest.mark.parametrize("text", [
    "乾坤湾景区管理",          # 乾 is also simplified in 乾坤
    "干部人事档案审核",        # 干 stays 干
    "台安县发展和改革局",      # simplified throughout
    "著作权登记",              # 著 is standard here
])
def test_characters_the_same_in_both_forms_are_no_alarm(check, text: str) -> None:
    assert check(powers=[patched(POWER, {"department": text})]).findings == []


# --- every message in Chinese, with the right line and relative paths (class 4) -------------

def test_tab_indentation_is_told_in_chinese_at_its_line(check) -> None:
    result = check(**raw("powers:\n  - name: 甲\n\t code: CSJ-XK-009\n"))
    [finding] = [f for f in result.findings if f.location.file == "units/demo/extra.yaml"]
    assert finding.rule.id == "GK-LOAD-012" and finding.location.line == 3
    assert finding.message.startswith("第 3 行用制表符（Tab）缩进") and "换成空格" in finding.advice


@pytest.mark.parametrize(("text", "chinese"), [
    ('powers:\n  - name: "未闭合\n', "引号没有成对"),
    ("powers:\n  - name: [甲, 乙\n", "方括号 [ ] 没有成对"),
    ("powers:\n  - name: 甲\n   code: 乙\n", "缩进不一致"),
    ("powers:\n  - name: 甲: 乙\n", "这里不能出现“字段: 值”"),
])
def test_yaml_syntax_errors_are_chinese_first(check, text: str, chinese: str) -> None:
    [finding] = [f for f in check(**raw(text)).findings if f.rule.id == "GK-LOAD-004"]
    assert finding.message.startswith(f"YAML 格式错误：{chinese}") and "技术信息" in finding.message
    assert finding.location.line in (2, 3)


def test_image_messages_name_the_relative_path_and_pillow_warnings_become_findings(
        check, recwarn) -> None:
    corrupt = check(**power(flowchart={"image": "images/bad.png"}),
                    **raw(b"not an image at all", "units/demo/images/bad.png"))
    [finding] = [f for f in corrupt.findings if f.rule.id == "GK-FLOW-003"]
    assert "不是可识别的图片文件" in finding.message
    assert "images/bad.png" in finding.message and str(corrupt.catalogue.root) not in finding.message
    old = check(**power(flowchart={"image": "images/old.png"}),
                **raw(_old_palette_png(), "units/demo/images/old.png"))
    [warned] = [f for f in old.findings if f.rule.id == "GK-FLOW-008"]
    assert "调色板图片" in warned.message and "另存为 PNG" in warned.advice
    assert not [w for w in recwarn if "Palette" in str(w.message)]  # nothing left for stderr


# --- NFC on load; characters each channel cannot draw (class 8) ----------------------------

def test_combining_marks_are_composed_on_load(check) -> None:
    result = check(powers=[patched(POWER, {"department": "规划管理股（Jose\u0301 协办）"})])
    assert result.findings == []
    [item] = result.catalogue.units["demo"].powers
    assert item.department == "规划管理股（José 协办）"


def test_a_mark_nfc_cannot_compose_is_named(check) -> None:
    [finding] = check(powers=[patched(POWER, {"name": "建设工程规划许\u0301可证核发"})]).findings
    assert finding.rule.id == "GK-TEXT-007" and finding.field == "name" and finding.location.line == 2
    assert "“许”后有无法与之合成的组合符号 U+0301" in finding.message


def _glyph_findings(check, name: str, channels: list[str] | None = None) -> dict[str, Any]:
    record = patched(POWER, {"name": name, **({"channels": channels} if channels else {})})
    return {f.rule.id: f for f in check(powers=[record]).findings
            if f.rule.id in ("GK-LED-001", "GK-KIOSK-001", "GK-BOARD-001")}


def test_extension_b_name_prints_on_boards_and_kiosks_but_not_on_led(check) -> None:
    rare = "\U0002a6a5"  # 𪚥, CJK Extension B: HanaMin B has it, Noto Sans CJK SC does not
    found = _glyph_findings(check, f"王{rare}个体工商户登记")
    assert set(found) == {"GK-LED-001"}  # kiosk and board both fall back to HanaMin B
    assert "U+2A6A5" in found["GK-LED-001"].message
    assert "电子触摸屏和公开栏能正常显示这些字符" in found["GK-LED-001"].advice
    assert set(_glyph_findings(check, f"王{rare}登记", ["board"])) == set()


def test_a_character_no_font_has_is_named_on_every_channel_with_true_advice(check) -> None:
    found = _glyph_findings(check, "王\U00030000个体工商户登记")
    assert set(found) == {"GK-LED-001", "GK-KIOSK-001", "GK-BOARD-001"}
    for finding in found.values():
        assert "U+30000" in finding.message and "其他渠道也无法显示" in finding.advice
        assert finding.location.line == 2 and finding.field == "name"


def test_check_unit_shows_the_duplicate_to_the_unit_that_holds_the_copy(content) -> None:
    from click.testing import CliRunner

    from signage.cli import main

    root = content.write(**_other_unit("CSJ-XK-001"))
    result = CliRunner().invoke(main, ["check", str(root), "--unit", "other", "--today", "2026-11-27"])
    assert result.exit_code == 1, result.output
    assert "units/other/powers.yaml:3" in result.output and "GK-CODE-002" in result.output
    assert "units/demo/powers.yaml:3" in result.output  # points at the other side
    owner = CliRunner().invoke(main, ["check", str(root), "--unit", "demo", "--today", "2026-11-27"])
    assert owner.exit_code == 0 and "GK-CODE-007" in owner.output
