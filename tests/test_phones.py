"""Telephones as clerks write them (signage/text/phones.py), case by case, stated literally.

The rules' tests see these functions through whole content files; here every form the module
accepts, and its boundaries, is pinned: a changed regex, a lost normalisation or a wrong
area-code split fails a named case.
"""

from __future__ import annotations

import pytest

from signage.text.phones import (
    in_numbering_plan,
    local_lengths,
    normalise,
    split_extension,
    split_numbers,
)


@pytest.mark.parametrize(("written", "normal", "kind"), [
    ("0412-4822110", "0412-4822110", "landline"),
    ("０４１２－４８２２１１０", "0412-4822110", "landline"),  # full-width digits and dash
    ("0412—4822110", "0412-4822110", "landline"),
    ("0412 4822110", "0412-4822110", "landline"),
    ("0412--4822110", "0412-4822110", "landline"),
    ("-0412-4822110-", "0412-4822110", "landline"),
    ("(0412)4822110", "0412-4822110", "landline"),
    ("（0412）4822110", "0412-4822110", "landline"),
    ("(0412)-4822110", "0412-4822110", "landline"),
    ("04124822110", "0412-4822110", "landline"),  # area code joined on
    ("02422345678", "024-22345678", "landline"),  # a 3-digit area code: 02x
    ("01062345678", "010-62345678", "landline"),
    ("0412-4822110-8021", "0412-4822110-8021", "landline"),
    ("13912345678", "13912345678", "mobile"),
    ("139-1234-5678", "13912345678", "mobile"),
    ("139 1234 5678", "13912345678", "mobile"),
    ("12345", "12345", "hotline"),
    ("12315", "12315", "hotline"),
    ("96123", "96123", "hotline"),
    ("961234", "961234", "hotline"),
    ("400-810-8888", "400-810-8888", "service"),
    ("4008108888", "400-810-8888", "service"),
    ("800-810-8888", "800-810-8888", "service"),
    ("4822110", "4822110", "local"),
    ("48221100", "48221100", "local"),
    ("电话待定", "电话待定", ""),
    ("12", "12", ""),
    ("1234", "1234", ""),
    ("123456", "123456", ""),
    ("11912345678", "11912345678", ""),  # no mobile range starts 11 or 12
    ("0482211", "0482211", ""),
    ("03124822110", "0312-4822110", "landline"),  # 031x is never a 3-digit area code
    ("031248221100", "0312-48221100", "landline"),  # (the plan rule then says 0312's length)
    ("041248221100", "0412-48221100", "landline"),
    # Joining an area code on: only 7 or 8 digits after it, never a local number starting 0.
    ("0412482211", "0412482211", ""),
    ("0412482211000", "0412482211000", ""),
    ("04120822110", "04120822110", ""),
    ("0242234567", "024-2234567", "landline"),  # 3 + 7: the 3-digit split is the only one
    ("02422345678", "024-22345678", "landline"),
    ("0", "0", ""),
])
def test_normalise(written: str, normal: str, kind: str) -> None:
    phone = normalise(written)
    assert (phone.written, phone.normal, phone.kind) == (written, normal, kind)
    assert phone.extension_written is False


@pytest.mark.parametrize(("written", "normal"), [
    ("0412-4822110转8021", "0412-4822110-8021"),
    ("0412-4822110 转 8021", "0412-4822110-8021"),
    ("0412-4822110分机8021", "0412-4822110-8021"),
    ("0412-4822110 ext 8021", "0412-4822110-8021"),
    ("0412-4822110 EXT.8021", "0412-4822110-8021"),
    ("0412-4822110x8021", "0412-4822110-8021"),
    ("0412-4822110转：8021", "0412-4822110-8021"),
    ("０４１２－４８２２１１０转８０２１", "0412-4822110-8021"),
])
def test_extensions_as_offices_write_them(written: str, normal: str) -> None:
    phone = normalise(written)
    assert (phone.normal, phone.kind, phone.extension_written) == (normal, "landline", True)
    assert phone.area_code == "0412"


def test_an_extension_on_a_number_that_already_has_one_is_not_accepted() -> None:
    assert normalise("0412-4822110-8021转12").kind == ""
    assert normalise("13912345678转8021").extension_written is False


@pytest.mark.parametrize(("text", "parts"), [
    ("0412-4822110转8021", ("0412-4822110", "8021")),
    ("0412-4822110  ext 7", ("0412-4822110", "7")),
    ("转8021", None),  # nothing before it
    ("0412-4822110", None),
    ("0412-4822110转1234567", None),  # an extension is at most 6 digits
])
def test_split_extension(text: str, parts: tuple[str, str] | None) -> None:
    assert split_extension(text) == parts


@pytest.mark.parametrize(("text", "numbers"), [
    ("0412-4822110、12345", ["0412-4822110", "12345"]),
    ("0412-4822110，12345,13912345678", ["0412-4822110", "12345", "13912345678"]),
    ("0412-4822110；12345;96123/12315", ["0412-4822110", "12345", "96123", "12315"]),
    ("0412-4822110或12345", ["0412-4822110", "12345"]),
    ("  0412-4822110 、 12345  ", ["0412-4822110", "12345"]),
    ("", []),
    ("、", []),
])
def test_split_numbers(text: str, numbers: list[str]) -> None:
    assert split_numbers(text) == numbers


def test_area_code_only_for_landlines() -> None:
    assert normalise("024-22345678").area_code == "024"
    assert normalise("13912345678").area_code == ""
    assert normalise("12345").area_code == ""


@pytest.mark.parametrize(("normal", "valid"), [
    ("0412-4822110", True),
    ("0412-48221100", False),  # Anshan's local numbers have 7 digits
    ("0412-4822110-8021", True),  # the extension is not part of the number
    ("024-22345678", True),
    ("024-2234567", False),  # Shenyang's have 8
    ("13912345678", True),
    ("14012345678", False),  # 140 is not a mobile range
    ("12345", True),  # hotlines are not in the national plan: taken as they are
    ("4822110", True),
    ("0401-1234567", False),  # no such area code
    ("400-810-8888", True),
])
def test_numbering_plan(normal: str, valid: bool) -> None:
    assert in_numbering_plan(normal) is valid


def test_numbering_plan_of_what_is_not_a_number() -> None:
    assert in_numbering_plan("0-") is False  # libphonenumber refuses to parse it
    assert in_numbering_plan("0412-") is False


def test_local_lengths() -> None:
    assert local_lengths("0433", "482211") == [7, 8]  # Yanbian: 7 or 8 digits
    assert local_lengths("0412", "4") == [7]
    assert local_lengths("0412", "4822110") == [7]
    assert local_lengths("024", "22345678") == [8]
    assert local_lengths("0401", "1234567") == []
