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
    # One canonical spelling (domain/canonical.py): compatibility forms fold to ASCII digits.
    ("１３８００１３８０００", "13800138000"),
    ("1３８００１３８０００", "13800138000"),
    ("＋８６ １３８－００１３－８０００", "13800138000"),
    ("\u00a013800138000\u3000", "13800138000"),
])
def test_parse_normalises_mainland_numbers(raw: str, expected: str) -> None:
    assert PhoneNumber.parse(raw).value == expected


@pytest.mark.parametrize("raw", [
    "", "   ", "1380013800", "138001380000", "12800138000", "10800138000", "23800138000",
    "+85261234567", "1380013800a", "+8613800138000extra", None,
    # Digits NFKC does not fold stay non-ASCII and are refused, never stored as a second spelling.
    "١٣٨٠٠١٣٨٠٠٠", "1۳800138000", "1३800138000", "1380013800\u200b0", "13800138000\u202e",
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


@pytest.mark.parametrize("raw", ["+8613800138000", "１３８００１３８０００", "1٣800138000", "13800138000\n"])
def test_an_invalid_number_cannot_be_constructed_directly(raw) -> None:
    with pytest.raises(InvalidPhone):
        PhoneNumber(raw)


def test_masked_shows_first_three_and_last_four() -> None:
    assert PhoneNumber("13800138000").masked == "138****8000"
    assert str(PhoneNumber("13800138000")) == "13800138000"


def test_equal_numbers_are_equal_values() -> None:
    assert PhoneNumber.parse("+86 13800138000") == PhoneNumber("13800138000")
