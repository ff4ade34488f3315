"""Account: five wrong passwords lock password login for fifteen minutes; deletion erases the person."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.accounts.account import Account, AccountStatus, EntryMode, LoginPolicy
from domain.errors import ErrorCode, LoginLocked
from domain.operators.operator import Operator

T0 = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
POLICY = LoginPolicy()


def account() -> Account:
    return Account(phone="13800138000", password_hash="h", created_at=T0)


def test_defaults_are_five_failures_and_fifteen_minutes() -> None:
    assert POLICY.max_failures == 5
    assert POLICY.lock_duration == timedelta(minutes=15)


def test_four_tries_do_not_lock() -> None:
    a = account()
    assert [a.take_password_try(T0, POLICY) for _ in range(4)] == [1, 2, 3, 4]
    assert a.failed_password_attempts == 4
    a.ensure_password_login_open(T0)  # does not raise


def test_the_fifth_try_locks_for_fifteen_minutes_before_its_password_is_checked() -> None:
    a = account()
    for _ in range(4):
        a.take_password_try(T0, POLICY)
    assert a.take_password_try(T0, POLICY) == 5
    assert a.password_locked_until == T0 + timedelta(minutes=15)
    with pytest.raises(LoginLocked) as err:
        a.ensure_password_login_open(T0 + timedelta(minutes=14, seconds=59))
    assert err.value.code is ErrorCode.LOGIN_LOCKED
    assert "1 分钟" in err.value.message
    assert err.value.details["lockedUntil"] == (T0 + timedelta(minutes=15)).isoformat()


def test_the_message_counts_the_minutes_left() -> None:
    a = account()
    for _ in range(5):
        a.take_password_try(T0, POLICY)
    with pytest.raises(LoginLocked) as err:
        a.ensure_password_login_open(T0)
    assert "15 分钟" in err.value.message


def test_login_opens_again_after_the_lock() -> None:
    a = account()
    for _ in range(5):
        a.take_password_try(T0, POLICY)
    a.ensure_password_login_open(T0 + timedelta(minutes=15))  # does not raise


def test_a_failure_after_the_lock_starts_counting_afresh() -> None:
    a = account()
    for _ in range(5):
        a.take_password_try(T0, POLICY)
    later = T0 + timedelta(minutes=16)
    assert a.take_password_try(later, POLICY) == 1
    assert a.failed_password_attempts == 1
    assert a.password_locked_until is None


def test_success_clears_the_count() -> None:
    a = account()
    for _ in range(3):
        a.take_password_try(T0, POLICY)
    a.record_login_success()
    assert a.failed_password_attempts == 0
    assert [a.take_password_try(T0, POLICY) for _ in range(4)] == [1, 2, 3, 4]


def test_no_try_is_taken_while_locked() -> None:
    a = account()
    for _ in range(5):
        a.take_password_try(T0, POLICY)
    assert a.take_password_try(T0 + timedelta(minutes=14), POLICY) is None
    assert (a.failed_password_attempts, a.password_locked_until) == (0, T0 + timedelta(minutes=15))


def test_a_right_password_on_the_locking_try_lifts_the_lock() -> None:
    a = account()
    for _ in range(5):
        a.take_password_try(T0, POLICY)
    a.record_login_success()
    a.ensure_password_login_open(T0)


def test_the_wrong_password_error_tells_the_tries_left_then_the_lock() -> None:
    a = account()
    assert a.wrong_password(a.take_password_try(T0, POLICY), T0, POLICY).details == {"attemptsLeft": 4}
    for _ in range(3):
        a.take_password_try(T0, POLICY)
    err = a.wrong_password(a.take_password_try(T0, POLICY), T0, POLICY)
    assert isinstance(err, LoginLocked) and "15 分钟" in err.message


def test_a_stricter_policy_is_honoured() -> None:
    a = account()
    strict = LoginPolicy(max_failures=2, lock_duration=timedelta(hours=1))
    a.take_password_try(T0, strict)
    assert a.take_password_try(T0, strict) == 2
    with pytest.raises(LoginLocked):
        a.ensure_password_login_open(T0 + timedelta(minutes=59))


def test_changing_the_password_lifts_the_lock() -> None:
    a = account()
    for _ in range(5):
        a.take_password_try(T0, POLICY)
    a.change_password("new-hash", T0)
    assert a.password_hash == "new-hash"
    assert a.password_changed_at == T0
    a.ensure_password_login_open(T0)


def test_operators_share_the_lockout_rules() -> None:
    op = Operator(username="reviewer", password_hash="h", created_at=T0)
    for _ in range(5):
        op.take_password_try(T0, POLICY)
    with pytest.raises(LoginLocked):
        op.ensure_password_login_open(T0)


def test_entry_mode_and_phone_are_kept() -> None:
    a = account()
    assert a.entry_mode is None
    a.choose_entry_mode(EntryMode.CA_MUTUAL_RECOGNITION)
    a.change_phone("13900139000")
    assert (a.entry_mode, a.phone) == (EntryMode.CA_MUTUAL_RECOGNITION, "13900139000")


def test_delete_erases_what_identifies_the_person() -> None:
    a = account()
    a.choose_entry_mode(EntryMode.CA_MUTUAL_RECOGNITION)
    a.delete(T0)
    assert a.status is AccountStatus.DELETED
    assert not a.is_active
    assert a.deleted_at == T0
    assert "13800138000" not in a.phone
    assert a.password_hash == "!"
    assert a.entry_mode is None
