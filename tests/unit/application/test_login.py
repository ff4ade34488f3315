"""Login by password (with the lockout) and by SMS code (§3.2)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.accounts.delete_account import DeleteAccountCommand
from application.accounts.login_with_password import LoginWithPasswordCommand
from application.accounts.login_with_sms_code import LoginWithSmsCodeCommand
from domain.accounts.sms import SmsPurpose
from domain.errors import (
    ErrorCode,
    InputTooLong,
    InvalidCredentials,
    LoginLocked,
    SmsCodeExpired,
    SmsCodeInvalid,
)
from tests.app_fixture import DEFAULT_META, DEFAULT_PASSWORD, FakeApp, wrong_code

PHONE = "13800138000"


def by_password(password: str, phone: str = PHONE) -> LoginWithPasswordCommand:
    return LoginWithPasswordCommand(phone, password, DEFAULT_META)


def by_sms(code: str, phone: str = PHONE) -> LoginWithSmsCodeCommand:
    return LoginWithSmsCodeCommand(phone, code, DEFAULT_META)


async def fail(app: FakeApp, times: int) -> None:
    for _ in range(times):
        with pytest.raises((InvalidCredentials, LoginLocked)):
            await app.login_with_password(by_password("Wr0ngPassword"))


async def test_password_login_opens_a_new_session(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    result = await app.login_with_password(by_password(DEFAULT_PASSWORD))
    assert result.account.id == user.account_id
    assert (await app.principal(result.session.access_token)).id == user.account_id
    assert len(app.db.live_sessions_of(user.account_id)) == 2
    assert result.session.refresh_token is not None


async def test_a_wrong_password_says_how_many_tries_are_left(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    with pytest.raises(InvalidCredentials) as err:
        await app.login_with_password(by_password("Wr0ngPassword"))
    assert err.value.details == {"attemptsLeft": 4}
    assert app.db.account(user.account_id).failed_password_attempts == 1
    assert len(app.db.sessions_of(user.account_id)) == 1  # only the one from registration


async def test_an_unknown_phone_gets_invalid_credentials(app: FakeApp) -> None:
    with pytest.raises(InvalidCredentials) as err:
        await app.login_with_password(by_password(DEFAULT_PASSWORD))
    assert err.value.code is ErrorCode.INVALID_CREDENTIALS
    assert app.db.rows("sessions") == []
    assert app.db.audit_events("login.password")[0].detail["reason"] == "unknown_phone"


async def test_five_wrong_passwords_lock_password_login_for_fifteen_minutes(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    await fail(app, 4)
    with pytest.raises(LoginLocked) as fifth:
        await app.login_with_password(by_password("Wr0ngPassword"))
    assert "15 分钟" in fifth.value.message
    # Even the right password is refused while locked, and no session is opened.
    with pytest.raises(LoginLocked):
        await app.login_with_password(by_password(DEFAULT_PASSWORD))
    assert len(app.db.sessions_of(user.account_id)) == 1
    account = app.db.account(user.account_id)
    assert account.password_locked_until == app.clock.now() + timedelta(minutes=15)
    assert app.db.audit_events("login.locked")


async def test_the_lock_lifts_after_fifteen_minutes(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    await fail(app, 5)
    app.clock.advance(minutes=14, seconds=59)
    with pytest.raises(LoginLocked):
        await app.login_with_password(by_password(DEFAULT_PASSWORD))
    app.clock.advance(seconds=1)
    await app.login_with_password(by_password(DEFAULT_PASSWORD))
    account = app.db.account(user.account_id)
    assert (account.failed_password_attempts, account.password_locked_until) == (0, None)


async def test_a_success_resets_the_count(app: FakeApp) -> None:
    await app.register_user(PHONE)
    await fail(app, 4)
    await app.login_with_password(by_password(DEFAULT_PASSWORD))
    await fail(app, 4)  # four more wrong tries do not lock
    await app.login_with_password(by_password(DEFAULT_PASSWORD))


async def test_sms_login_still_works_while_password_login_is_locked(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    await fail(app, 5)
    code = await app.send_code(PHONE, SmsPurpose.LOGIN)
    result = await app.login_with_sms_code(by_sms(code))
    assert (await app.principal(result.session.access_token)).id == user.account_id
    with pytest.raises(LoginLocked):  # the SMS login does not lift the password lock
        await app.login_with_password(by_password(DEFAULT_PASSWORD))


async def test_sms_login_with_a_wrong_code_opens_nothing(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    code = await app.send_code(PHONE, SmsPurpose.LOGIN)
    with pytest.raises(SmsCodeInvalid):
        await app.login_with_sms_code(by_sms(wrong_code(code)))
    assert len(app.db.sessions_of(user.account_id)) == 1


async def test_sms_login_with_an_expired_code_opens_nothing(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    code = await app.send_code(PHONE, SmsPurpose.LOGIN)
    app.clock.advance(minutes=6)
    with pytest.raises(SmsCodeExpired):
        await app.login_with_sms_code(by_sms(code))
    assert len(app.db.sessions_of(user.account_id)) == 1


async def test_a_login_code_works_once(app: FakeApp) -> None:
    await app.register_user(PHONE)
    code = await app.send_code(PHONE, SmsPurpose.LOGIN)
    await app.login_with_sms_code(by_sms(code))
    with pytest.raises(SmsCodeInvalid):
        await app.login_with_sms_code(by_sms(code))


async def test_sms_login_for_an_unknown_phone_gets_nowhere(app: FakeApp) -> None:
    assert await app.send_code(PHONE, SmsPurpose.LOGIN) is None
    with pytest.raises(SmsCodeInvalid):
        await app.login_with_sms_code(by_sms("123456"))
    assert app.db.rows("sessions") == []


async def test_a_deleted_account_cannot_log_in(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    code = await app.send_code(PHONE, SmsPurpose.DELETE_ACCOUNT, principal=user.principal)
    await app.delete_account(DeleteAccountCommand(user.principal, code, DEFAULT_META))
    with pytest.raises(InvalidCredentials):
        await app.login_with_password(by_password(DEFAULT_PASSWORD))
    assert await app.send_code(PHONE, SmsPurpose.LOGIN) is None


async def test_overlong_passwords_are_refused_before_hashing(app: FakeApp) -> None:
    await app.register_user(PHONE)
    with pytest.raises(InputTooLong):
        await app.login_with_password(by_password("A1a" * 100))
    assert app.db.accounts()[0].failed_password_attempts == 0


async def test_parallel_wrong_passwords_are_each_counted_before_their_check(app: FakeApp, monkeypatch) -> None:
    import asyncio

    user = await app.register_user(PHONE)
    verify = app.passwords.verify

    async def slow_verify(password: str, password_hash: str) -> bool:
        await asyncio.sleep(0)  # every request reaches the check before any has finished
        return await verify(password, password_hash)

    monkeypatch.setattr(app.passwords, "verify", slow_verify)
    results = await asyncio.gather(*(app.login_with_password(by_password("Wr0ngPassword")) for _ in range(20)),
                                   return_exceptions=True)
    assert sum(isinstance(r, InvalidCredentials) for r in results) == 4
    assert sum(isinstance(r, LoginLocked) for r in results) == 16
    assert len(app.db.audit_events("login.locked")) == 1
    with pytest.raises(LoginLocked):
        await app.login_with_password(by_password(DEFAULT_PASSWORD))
    assert len(app.db.sessions_of(user.account_id)) == 1
