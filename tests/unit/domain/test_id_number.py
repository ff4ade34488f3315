"""IdNumber (GB 11643-1999): shape, region, a real birth date and the MOD 11-2 check character."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.errors import ErrorCode, InvalidIdNumber
from domain.identity.id_number import IdNumber, check_character, mask_document_number


def with_check(first17: str) -> str:
    return first17 + check_character(first17)


def test_check_character_matches_the_published_examples() -> None:
    # Worked examples of GB 11643-1999 appendix and widely published specimens.
    assert check_character("11010519491231002") == "X"
    assert check_character("34052419800101001") == "X"


@pytest.mark.parametrize("number", [
    "11010519491231002X", "34052419800101001X", with_check("44010620000229123"),
    with_check("81000019950505123"),  # 8: residence permit of HK/Macao/Taiwan residents
])
def test_accepts_valid_numbers(number: str) -> None:
    assert IdNumber(number).value == number


def test_parse_strips_and_upper_cases_the_check_x() -> None:
    assert IdNumber.parse(" 11010519491231002x ").value == "11010519491231002X"


def test_birth_date_is_read_from_the_number() -> None:
    assert IdNumber("11010519491231002X").birth_date == date(1949, 12, 31)


def test_a_wrong_check_digit_is_refused() -> None:
    good = "11010519491231002X"
    with pytest.raises(InvalidIdNumber) as err:
        IdNumber.parse(good[:-1] + "3")
    assert err.value.code is ErrorCode.INVALID_ID_NUMBER
    assert "校验位" in err.value.message
    assert err.value.field == "idNumber"


@pytest.mark.parametrize("birth", ["19990230", "20230229", "19991301", "19990100", "19990431"])
def test_impossible_birth_dates_are_refused_even_with_a_correct_check_digit(birth: str) -> None:
    with pytest.raises(InvalidIdNumber) as err:
        IdNumber.parse(with_check(f"440106{birth}123"))
    assert "出生日期" in err.value.message


def test_births_in_the_future_or_before_1900_are_refused() -> None:
    tomorrow = (date.today() + timedelta(days=1)).strftime("%Y%m%d")
    for birth in (tomorrow, "18991231"):
        with pytest.raises(InvalidIdNumber):
            IdNumber.parse(with_check(f"440106{birth}123"))


@pytest.mark.parametrize("first", ["0", "7", "9"])
def test_unassigned_region_codes_are_refused(first: str) -> None:
    with pytest.raises(InvalidIdNumber) as err:
        IdNumber.parse(with_check(f"{first}40106199001011"[:14] + "123"))
    assert err.value.code is ErrorCode.INVALID_ID_NUMBER


@pytest.mark.parametrize("raw", [
    "", "440106900101123",  # the old 15-digit form
    "44010619900101123", "4401061990010112345", "44010619900101123A", "4401061990O101123X", None,
])
def test_malformed_numbers_are_refused(raw) -> None:
    with pytest.raises(InvalidIdNumber):
        IdNumber.parse(raw)


def test_the_error_is_pinned_to_the_callers_field() -> None:
    with pytest.raises(InvalidIdNumber) as err:
        IdNumber.parse("123", field="documentNumber")
    assert err.value.field == "documentNumber"


def test_masked_keeps_four_at_each_end() -> None:
    assert IdNumber("11010519491231002X").masked == "1101**********002X"
    assert mask_document_number("44010619900101123X") == "4401**********123X"


@pytest.mark.parametrize("number, masked", [
    ("E12345678", "E123*5678"),
    ("H1234567", "H******7"),
    ("AB", "**"),
    ("A", "*"),
    ("ABC", "A*C"),
])
def test_short_document_numbers_are_masked_too(number: str, masked: str) -> None:
    assert mask_document_number(number) == masked
    assert len(mask_document_number(number)) == len(number)
