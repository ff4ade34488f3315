"""UserError's data fields come from the domain error's details: each error an app must act on with a number
(tries left, seconds to wait) carries it, whatever the Chinese message says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

from domain.accounts.account import LoginPolicy, PasswordLockout
from domain.errors import DomainError, ErrorCode, InvalidInput
from domain.signing.signing_key import SigningKey
from graphql_schema.common.errors import UserError

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _data(err: DomainError) -> tuple[ErrorCode, int | None, int | None]:
    e = UserError.from_domain(err)
    return e.code, e.attempts_left, e.retry_after_seconds


def test_a_wrong_pin_counts_down_to_the_lock():
    key = SigningKey(account_id=uuid4(), public_key=b"\x04" + bytes(64), sealed_server_share=b"s", created_at=NOW)
    answers = [_data(key.cosignature_failed(NOW)) for _ in range(6)]
    assert answers == [(ErrorCode.PIN_INCORRECT, n, None) for n in (5, 4, 3, 2, 1)] + [(ErrorCode.PIN_LOCKED, 0, None)]


class _Lockable(PasswordLockout):
    def __init__(self) -> None:
        self.failed_password_attempts, self.password_locked_until = 0, None


def test_wrong_passwords_count_down_then_the_lock_says_when_it_opens():
    who, policy = _Lockable(), LoginPolicy()
    answers = [_data(who.wrong_password(who.take_password_try(NOW, policy), NOW, policy)) for _ in range(5)]
    assert answers[:4] == [(ErrorCode.INVALID_CREDENTIALS, n, None) for n in (4, 3, 2, 1)]
    assert answers[4] == (ErrorCode.LOGIN_LOCKED, None, 15 * 60)
    later = NOW + timedelta(minutes=14, seconds=30)
    assert _data(who.locked_error(later)) == (ErrorCode.LOGIN_LOCKED, None, 30)


def test_errors_without_numbers_leave_the_fields_null():
    assert _data(InvalidInput("输入有误", details={"attemptsLeft": "3", "retryAfterSeconds": True})) == (
        ErrorCode.INVALID_INPUT, None, None)
