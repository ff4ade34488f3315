"""SmsChallenge: one code, one phone, one purpose; five minutes, single use, five tries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.accounts.sms import SmsChallenge, SmsPurpose
from domain.errors import ErrorCode, SmsCodeAttemptsExceeded, SmsCodeExpired, SmsCodeInvalid

T0 = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)


def challenge(**kw) -> SmsChallenge:
    defaults = dict(phone="13800138000", purpose=SmsPurpose.REGISTER, code_hash="right", sent_at=T0,
                    expires_at=T0 + timedelta(minutes=5), max_attempts=5)
    defaults.update(kw)
    return SmsChallenge(**defaults)


def test_the_right_code_is_accepted_once() -> None:
    c = challenge()
    c.verify("right", T0 + timedelta(minutes=1))
    assert c.consumed_at == T0 + timedelta(minutes=1)
    assert not c.is_live(T0 + timedelta(minutes=1))
    with pytest.raises(SmsCodeInvalid) as err:
        c.verify("right", T0 + timedelta(minutes=2))
    assert "已使用" in err.value.message
    assert err.value.field == "smsCode"


def test_a_wrong_code_counts_a_try_and_says_how_many_are_left() -> None:
    c = challenge()
    with pytest.raises(SmsCodeInvalid) as err:
        c.verify("wrong", T0)
    assert c.attempts == 1
    assert "还可尝试 4 次" in err.value.message
    assert c.consumed_at is None
    assert c.is_live(T0)


def test_five_wrong_tries_kill_the_code_even_for_the_right_one() -> None:
    c = challenge()
    for _ in range(4):
        with pytest.raises(SmsCodeInvalid):
            c.verify("wrong", T0)
    with pytest.raises(SmsCodeAttemptsExceeded) as fifth:
        c.verify("wrong", T0)
    assert fifth.value.code is ErrorCode.SMS_CODE_ATTEMPTS_EXCEEDED
    assert c.attempts == 5
    assert not c.is_live(T0)
    with pytest.raises(SmsCodeAttemptsExceeded):
        c.verify("right", T0)
    assert c.consumed_at is None
    assert c.attempts == 5  # a dead code counts nothing more


def test_the_code_expires_after_its_lifetime() -> None:
    c = challenge()
    c_just_before = challenge()
    c_just_before.verify("right", T0 + timedelta(minutes=5) - timedelta(microseconds=1))
    with pytest.raises(SmsCodeExpired) as err:
        c.verify("right", T0 + timedelta(minutes=5))
    assert err.value.code is ErrorCode.SMS_CODE_EXPIRED
    assert c.consumed_at is None
    assert not c.is_live(T0 + timedelta(minutes=5))


def test_an_expired_code_does_not_count_tries() -> None:
    c = challenge()
    with pytest.raises(SmsCodeExpired):
        c.verify("wrong", T0 + timedelta(minutes=6))
    assert c.attempts == 0


def test_is_live_until_expiry() -> None:
    c = challenge()
    assert c.is_live(T0)
    assert c.is_live(T0 + timedelta(minutes=4, seconds=59))
    assert not c.is_live(T0 + timedelta(minutes=5))


def test_every_purpose_has_a_chinese_label() -> None:
    assert SmsPurpose.REGISTER.label == "注册"
    assert SmsPurpose.RESET_PASSWORD.label == "重置密码"
    assert all(p.label for p in SmsPurpose)
