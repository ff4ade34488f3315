"""The login password policy of SPEC §1: 8-16 characters with upper, lower and digit."""

from __future__ import annotations

import pytest

from domain.accounts.password import check_password_policy
from domain.errors import ErrorCode, WeakPassword


@pytest.mark.parametrize("password", [
    "Passw0rd", "Passw0rdPassw0rd", "aB3aB3aB3", "Abcdefg1", "P@ssw0rd!#", "1234abcD",
])
def test_accepts_passwords_that_follow_the_policy(password: str) -> None:
    assert check_password_policy(password) == password


@pytest.mark.parametrize("password, why", [
    ("Pass0rd", "7 characters"),
    ("Passw0rdPassw0rd1", "17 characters"),
    ("password1", "no upper case"),
    ("PASSWORD1", "no lower case"),
    ("Password", "no digit"),
    ("Pass w0rd", "a space"),
    ("Pässw0rd1", "non-ASCII letter"),
    ("密码Passw0rd", "Chinese characters"),
    ("", "empty"),
])
def test_refuses_weak_or_malformed_passwords(password: str, why: str) -> None:
    with pytest.raises(WeakPassword) as err:
        check_password_policy(password)
    assert err.value.code is ErrorCode.WEAK_PASSWORD, why
    assert err.value.field == "password"


def test_refuses_non_strings() -> None:
    with pytest.raises(WeakPassword):
        check_password_policy(None)  # type: ignore[arg-type]


def test_the_error_names_the_field_it_was_asked_for() -> None:
    with pytest.raises(WeakPassword) as err:
        check_password_policy("short", field="newPassword")
    assert err.value.field == "newPassword"
