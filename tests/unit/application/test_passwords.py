"""Change password (old + new) and reset by SMS (§9.3): other sessions end."""

from __future__ import annotations

import pytest

from application.accounts.change_password import ChangePasswordCommand, ResetPasswordCommand
from application.accounts.login_with_password import LoginWithPasswordCommand
from domain.accounts.sms import SmsPurpose
from domain.errors import InvalidCredentials, InvalidInput, LoginLocked, SmsCodeInvalid, WeakPassword
from tests.app_fixture import DEFAULT_META, DEFAULT_PASSWORD, FakeApp, wrong_code

PHONE = "13800138000"
NEW = "N3wPassword"


async def can_log_in(app: FakeApp, password: str) -> bool:
    try:
        await app.login_with_password(LoginWithPasswordCommand(PHONE, password, DEFAULT_META))
    except InvalidCredentials:
        return False
    return True


async def test_change_password_keeps_this_session_and_ends_the_others(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    other = await app.login(PHONE)
    await app.change_password(ChangePasswordCommand(user.principal, DEFAULT_PASSWORD, NEW, DEFAULT_META))
    assert await app.authenticate(user.session.access_token) is not None
    assert await app.authenticate(other.session.access_token) is None
    account = app.db.account(user.account_id)
    assert account.password_changed_at == app.clock.now()
    assert await can_log_in(app, NEW)
    assert not await can_log_in(app, DEFAULT_PASSWORD)


async def test_a_wrong_old_password_changes_nothing_but_counts_a_failure(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    other = await app.login(PHONE)
    before = app.db.account(user.account_id).password_hash
    with pytest.raises(InvalidCredentials) as err:
        await app.change_password(ChangePasswordCommand(user.principal, "Wr0ngOldPass", NEW, DEFAULT_META))
    assert err.value.field == "oldPassword"
    assert app.db.account(user.account_id).password_hash == before
    assert app.db.account(user.account_id).failed_password_attempts == 1
    assert await app.authenticate(other.session.access_token) is not None
    assert app.db.audit_events("password.change")[0].outcome == "FAILURE"


async def test_guessing_the_old_password_locks_like_login(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    before = app.db.account(user.account_id).password_hash
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await app.change_password(ChangePasswordCommand(user.principal, "Wr0ngOldPass", NEW, DEFAULT_META))
    with pytest.raises(LoginLocked):
        await app.change_password(ChangePasswordCommand(user.principal, DEFAULT_PASSWORD, NEW, DEFAULT_META))
    assert app.db.account(user.account_id).password_hash == before


async def test_a_weak_new_password_is_refused(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    with pytest.raises(WeakPassword) as err:
        await app.change_password(ChangePasswordCommand(user.principal, DEFAULT_PASSWORD, "weak", DEFAULT_META))
    assert err.value.field == "newPassword"
    assert await can_log_in(app, DEFAULT_PASSWORD)


async def test_the_new_password_must_differ(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    with pytest.raises(InvalidInput) as err:
        await app.change_password(
            ChangePasswordCommand(user.principal, DEFAULT_PASSWORD, DEFAULT_PASSWORD, DEFAULT_META))
    assert err.value.field == "newPassword"
    assert app.db.account(user.account_id).password_changed_at is None


async def test_reset_by_sms_sets_the_password_and_ends_every_session(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    other = await app.login(PHONE)
    code = await app.send_code(PHONE, SmsPurpose.RESET_PASSWORD)
    await app.reset_password(ResetPasswordCommand(PHONE, code, NEW, DEFAULT_META))
    assert app.db.live_sessions_of(user.account_id) == []
    assert await app.authenticate(user.session.access_token) is None
    assert await app.authenticate(other.session.access_token) is None
    assert await can_log_in(app, NEW)
    assert not await can_log_in(app, DEFAULT_PASSWORD)


async def test_reset_lifts_the_password_lock(app: FakeApp) -> None:
    await app.register_user(PHONE)
    for _ in range(5):
        with pytest.raises((InvalidCredentials, LoginLocked)):
            await app.login_with_password(LoginWithPasswordCommand(PHONE, "Wr0ngPassword", DEFAULT_META))
    code = await app.send_code(PHONE, SmsPurpose.RESET_PASSWORD)
    await app.reset_password(ResetPasswordCommand(PHONE, code, NEW, DEFAULT_META))
    assert await can_log_in(app, NEW)


async def test_reset_with_a_wrong_code_changes_nothing_but_the_try_count(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    code = await app.send_code(PHONE, SmsPurpose.RESET_PASSWORD)
    with pytest.raises(SmsCodeInvalid):
        await app.reset_password(ResetPasswordCommand(PHONE, wrong_code(code), NEW, DEFAULT_META))
    assert app.db.live_sessions_of(user.account_id)
    assert app.db.challenges(PHONE, SmsPurpose.RESET_PASSWORD)[0].attempts == 1
    assert await can_log_in(app, DEFAULT_PASSWORD)


async def test_reset_with_a_weak_password_keeps_the_code(app: FakeApp) -> None:
    await app.register_user(PHONE)
    code = await app.send_code(PHONE, SmsPurpose.RESET_PASSWORD)
    with pytest.raises(WeakPassword):
        await app.reset_password(ResetPasswordCommand(PHONE, code, "weakpass", DEFAULT_META))
    await app.reset_password(ResetPasswordCommand(PHONE, code, NEW, DEFAULT_META))
    assert await can_log_in(app, NEW)


async def test_a_login_code_cannot_reset_the_password(app: FakeApp) -> None:
    await app.register_user(PHONE)
    code = await app.send_code(PHONE, SmsPurpose.LOGIN)
    with pytest.raises(SmsCodeInvalid):
        await app.reset_password(ResetPasswordCommand(PHONE, code, NEW, DEFAULT_META))
    assert await can_log_in(app, DEFAULT_PASSWORD)
