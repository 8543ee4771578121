"""Personal numbers in public text, pinned case by case: identity numbers (GB 11643), bank cards
(Luhn) and mobiles, at every boundary the rule draws. The oracles are the standards' own
examples and the well-known test card numbers, not the code under test."""

from __future__ import annotations

import pytest
from conftest import NOTICE, UNIT, patched
from test_rules import county

from signage.catalogue.rules.secrecy import is_id_number, luhn_ok, personal_numbers

GB_EXAMPLES = ["11010519491231002X", "440524188001010014"]  # GB 11643-1999's own examples
VALID_CARDS = ["79927398713", "4111111111111111", "5500000000000004", "4012888888881881",
               "378282246310005", "6011000990139424"]


def kinds(text: str) -> list[tuple[str, str, bool]]:
    return list(personal_numbers(text))


@pytest.mark.parametrize("number", [*GB_EXAMPLES, "11010519491231002x"])
def test_standard_identity_numbers_pass_their_check_digit(number: str) -> None:
    assert is_id_number(number)


@pytest.mark.parametrize("number", GB_EXAMPLES)
def test_every_other_check_digit_fails(number: str) -> None:
    wrong = [c for c in "0123456789X" if c != number[-1]]
    assert [is_id_number(number[:17] + c) for c in wrong] == [False] * 10


@pytest.mark.parametrize("number", VALID_CARDS)
def test_luhn_accepts_test_cards_and_catches_every_single_digit_error(number: str) -> None:
    assert luhn_ok(number)
    for index, digit in enumerate(number):
        for other in "0123456789".replace(digit, ""):
            assert not luhn_ok(number[:index] + other + number[index + 1:]), (index, other)


@pytest.mark.parametrize(("birth", "is_id"), [
    ("18991231", False), ("19000101", True), ("21001231", True), ("21010101", False),
    ("19800001", False), ("19801301", False), ("19800100", False), ("19800132", False),
    ("19800230", False), ("20000229", True), ("19000229", False), ("19801231", True),
])
def test_an_identity_number_needs_a_real_birth_date(birth: str, is_id: bool) -> None:
    number = f"210321{birth}1234"
    found = kinds(f"身份证号{number}。")
    assert (found[:1] == [("id", number, is_id_number(number))]) is is_id
    if not is_id:
        assert all(kind != "id" for kind, _, _ in found)


def test_identity_number_forms() -> None:
    assert kinds("号码１１０１０５１９４９１２３１００２Ｘ") == [("id", "11010519491231002X", True)]
    assert kinds("号码110105—19491231—002x") == [("id", "11010519491231002X", True)]
    assert kinds("号码110105 19491231 0021") == [("id", "110105194912310021", False)]


def test_an_18_digit_number_starting_0_or_longer_is_no_identity_number() -> None:
    assert kinds("编号010105194912310021") == []  # no region code starts with 0 (and not Luhn)
    assert kinds("编号1101051949123100210") == []  # 19 digits: not an id, not Luhn
    for short in ("11010519491231002", "1101051949123100"):  # 17 and 16 digits, a birth date inside
        assert all(kind != "id" for kind, _, _ in kinds(f"编号{short}"))


@pytest.mark.parametrize(("number", "is_card"), [
    ("378282246310005", False),  # 15 digits: too short for a bank card
    ("6222021234567894", True),
    ("6222021234567890128", True),  # 19 digits
    ("62220212345678901234", False),  # 20 digits
])
def test_bank_card_lengths(number: str, is_card: bool) -> None:
    assert luhn_ok(number)
    assert (kinds(f"账户{number}。") == [("card", number, True)]) is is_card


def test_a_card_written_digit_by_digit_is_still_found() -> None:
    assert kinds("账户 " + " ".join("6222021234567890128")) == [("card", "6222021234567890128", True)]


@pytest.mark.parametrize("before", ["3", "3 3", "9 9 9"])
def test_a_number_after_stray_digits_is_found(before: str) -> None:
    """(Chosen so that no run of the stray digits with the card's first ones passes Luhn: with
    some, the longest Luhn-passing run is reported instead, still as a card.)"""
    card = "6222021234567890128"
    assert kinds(f"{before} 13912345678") == [("mobile", "13912345678", True)]
    assert kinds(f"{before} " + " ".join(card)) == [("card", card, True)]


def test_numbers_side_by_side_are_each_found_in_order() -> None:
    assert kinds("13912345678 13812345678") == [("mobile", "13912345678", True),
                                                ("mobile", "13812345678", True)]
    assert kinds("电话12345678901") == []  # no mobile range starts 12


def test_a_long_run_of_digits_is_searched_to_its_end() -> None:
    """Ten thousand spaced digits (a pasted table) before a mobile: found, in linear time."""
    assert kinds("1 " * 10_000 + "13912345678") == [("mobile", "13912345678", True)]


def test_mask_keeps_the_first_six_and_last_four(check) -> None:
    result = check(notices=[patched(NOTICE, {"body": "王某11010519491231002X。"})])
    [finding] = [f for f in result.findings if f.rule.id == "GK-PRIV-001"]
    assert "110105********002X" in finding.message and "校验码不符" not in finding.message


def test_a_units_own_text_is_checked(check) -> None:
    duties = ["负责全县城乡规划工作，联系人身份证号11010519491231002X。"]
    result = check(unit=patched(UNIT, {"duties": duties}))
    [finding] = [f for f in result.findings if f.rule.id == "GK-PRIV-001"]
    assert finding.location.file.endswith("unit.yaml")


def test_notice_mobile_advice_names_the_countys_area_code(check) -> None:
    result = check(county=county(area_code="0433")["county"],
                   notices=[patched(NOTICE, {"body": "请联系13912345678。"})])
    [finding] = [f for f in result.findings if f.rule.id == "GK-PRIV-004"]
    assert "0433-4822110" in finding.advice and "139****5678" in finding.message
