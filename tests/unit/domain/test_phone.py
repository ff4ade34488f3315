"""PhoneNumber: the account key is a mainland mobile number, normalised on the way in."""

from __future__ import annotations

import pytest

from domain.accounts.phone import PhoneNumber
from domain.errors import ErrorCode, InvalidPhone


@pytest.mark.parametrize("raw, expected", [
    ("13800138000", "13800138000"),
    (" 138 0013 8000 ", "13800138000"),
    ("138-0013-8000", "13800138000"),
    ("+8613800138000", "13800138000"),
    ("008619912345678", "19912345678"),
    ("+86 159 1234 5678", "15912345678"),
])
def test_parse_normalises_mainland_numbers(raw: str, expected: str) -> None:
    assert PhoneNumber.parse(raw).value == expected


@pytest.mark.parametrize("raw", [
    "", "   ", "1380013800", "138001380000", "12800138000", "10800138000", "23800138000",
    "+85261234567", "1380013800a", "１３８００１３８０００", "+8613800138000extra", None,
])
def test_rejects_what_is_not_a_mainland_mobile(raw) -> None:
    with pytest.raises(InvalidPhone) as err:
        PhoneNumber.parse(raw)
    assert err.value.code is ErrorCode.INVALID_PHONE
    assert err.value.field == "phone"


def test_the_field_can_be_named_by_the_caller() -> None:
    with pytest.raises(InvalidPhone) as err:
        PhoneNumber.parse("123", field="newPhone")
    assert err.value.field == "newPhone"


def test_an_invalid_number_cannot_be_constructed_directly() -> None:
    with pytest.raises(InvalidPhone):
        PhoneNumber("+8613800138000")


def test_masked_shows_first_three_and_last_four() -> None:
    assert PhoneNumber("13800138000").masked == "138****8000"
    assert str(PhoneNumber("13800138000")) == "13800138000"


def test_equal_numbers_are_equal_values() -> None:
    assert PhoneNumber.parse("+86 13800138000") == PhoneNumber("13800138000")
