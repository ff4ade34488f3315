"""Register (§3.1): phone + SMS code + password → an account and a session; nothing on failure."""

from __future__ import annotations

import pytest

from application.accounts.delete_account import DeleteAccountCommand
from application.accounts.register import RegisterCommand
from application.context import RequestMeta
from domain.accounts.account import Account, AccountStatus
from domain.accounts.sms import SmsPurpose
from domain.errors import (
    ErrorCode,
    PhoneAlreadyRegistered,
    SmsCodeAttemptsExceeded,
    SmsCodeExpired,
    SmsCodeInvalid,
    WeakPassword,
)
from tests.app_fixture import DEFAULT_META, DEFAULT_PASSWORD, FakeApp, wrong_code

PHONE = "13800138000"


def reg(code: str, password: str = DEFAULT_PASSWORD, phone: str = PHONE) -> RegisterCommand:
    return RegisterCommand(phone, code, password, DEFAULT_META)


def nothing_created(app: FakeApp) -> bool:
    return app.db.accounts() == [] and app.db.rows("sessions") == []


async def test_register_creates_the_account_and_signs_in(app: FakeApp) -> None:
    code = await app.send_code(PHONE, SmsPurpose.REGISTER)
    result = await app.register(reg(code))
    [account] = app.db.accounts()
    assert account.phone == PHONE
    assert account.status is AccountStatus.ACTIVE
    assert account.created_at == app.clock.now()
    assert DEFAULT_PASSWORD not in account.password_hash
    assert await app.passwords.verify(DEFAULT_PASSWORD, account.password_hash)
    assert result.account.id == account.id
    # The session is live: the access token authenticates as this account.
    principal = await app.authenticate(result.session.access_token)
    assert principal is not None and principal.id == account.id
    [session] = app.db.sessions_of(account.id)
    assert result.session.access_token not in session.access_token_hash
    assert session.client_ip == DEFAULT_META.client_ip
    [challenge] = app.db.challenges(PHONE, SmsPurpose.REGISTER)
    assert challenge.consumed_at == app.clock.now()
    assert app.db.audit_events("account.registered")[0].account_id == account.id


async def test_the_phone_is_normalised(app: FakeApp) -> None:
    code = await app.send_code(PHONE, SmsPurpose.REGISTER)
    await app.register(reg(code, phone="+86 138-0013-8000"))
    assert app.db.accounts()[0].phone == PHONE


async def test_a_wrong_code_creates_nothing_but_counts_the_try(app: FakeApp) -> None:
    code = await app.send_code(PHONE, SmsPurpose.REGISTER)
    with pytest.raises(SmsCodeInvalid) as err:
        await app.register(reg(wrong_code(code)))
    assert err.value.field == "smsCode"
    assert "还可尝试 4 次" in err.value.message
    assert nothing_created(app)
    assert app.db.challenges(PHONE)[0].attempts == 1


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", " 12 34 "])
async def test_malformed_codes_are_refused_without_counting(app: FakeApp, code: str) -> None:
    await app.send_code(PHONE, SmsPurpose.REGISTER)
    with pytest.raises(SmsCodeInvalid):
        await app.register(reg(code))
    assert app.db.challenges(PHONE)[0].attempts == 0
    assert nothing_created(app)


async def test_without_a_code_requested_nothing_is_created(app: FakeApp) -> None:
    with pytest.raises(SmsCodeInvalid) as err:
        await app.register(reg("123456"))
    assert "请先获取" in err.value.message
    assert nothing_created(app)


async def test_an_expired_code_is_refused(app: FakeApp) -> None:
    code = await app.send_code(PHONE, SmsPurpose.REGISTER)
    app.clock.advance(minutes=5)
    with pytest.raises(SmsCodeExpired) as err:
        await app.register(reg(code))
    assert err.value.code is ErrorCode.SMS_CODE_EXPIRED
    assert nothing_created(app)


async def test_a_code_just_inside_its_lifetime_works(app: FakeApp) -> None:
    code = await app.send_code(PHONE, SmsPurpose.REGISTER)
    app.clock.advance(minutes=4, seconds=59)
    await app.register(reg(code))
    assert app.db.account_by_phone(PHONE) is not None


async def test_the_sixth_try_is_refused_even_with_the_right_code(app: FakeApp) -> None:
    code = await app.send_code(PHONE, SmsPurpose.REGISTER)
    for _ in range(4):
        with pytest.raises(SmsCodeInvalid):
            await app.register(reg(wrong_code(code)))
    with pytest.raises(SmsCodeAttemptsExceeded):
        await app.register(reg(wrong_code(code)))
    with pytest.raises(SmsCodeAttemptsExceeded):
        await app.register(reg(code))
    assert nothing_created(app)
    # A fresh code (after the cooldown) works again.
    app.clock.advance(seconds=60)
    fresh = await app.send_code(PHONE, SmsPurpose.REGISTER)
    await app.register(reg(fresh))
    assert app.db.account_by_phone(PHONE) is not None


async def test_a_used_code_cannot_be_used_again(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    first_code = app.sms.last_code(PHONE, SmsPurpose.REGISTER)
    # The number becomes free again when its account is deleted; the old code must not revive.
    delete_code = await app.send_code(PHONE, SmsPurpose.DELETE_ACCOUNT, principal=user.principal)
    await app.delete_account(DeleteAccountCommand(user.principal, delete_code, DEFAULT_META))
    with pytest.raises(SmsCodeInvalid) as err:
        await app.register(reg(first_code))
    assert "已使用" in err.value.message
    assert app.db.account_by_phone(PHONE) is None


async def test_a_code_is_good_for_its_own_phone_and_purpose_only(app: FakeApp) -> None:
    await app.register_user("13900139000")
    login_code = await app.send_code("13900139000", SmsPurpose.LOGIN)
    register_code = await app.send_code(PHONE, SmsPurpose.REGISTER)
    with pytest.raises(SmsCodeInvalid):
        await app.register(reg(register_code, phone="13700137000"))
    with pytest.raises(SmsCodeInvalid):
        await app.register(reg(login_code))
    assert app.db.account_by_phone("13700137000") is None


async def test_a_weak_password_is_refused_and_the_code_stays_usable(app: FakeApp) -> None:
    code = await app.send_code(PHONE, SmsPurpose.REGISTER)
    with pytest.raises(WeakPassword) as err:
        await app.register(reg(code, password="password"))
    assert err.value.field == "password"
    assert nothing_created(app)
    assert app.db.challenges(PHONE)[0].consumed_at is None
    await app.register(reg(code, password="Str0ngPass"))
    assert app.db.account_by_phone(PHONE) is not None


async def test_a_taken_phone_is_refused(app: FakeApp) -> None:
    await app.register_user(PHONE)
    with pytest.raises(PhoneAlreadyRegistered):
        await app.register(reg("123456"))
    assert len(app.db.accounts()) == 1


async def test_two_registrations_racing_for_one_number_make_one_account(app: FakeApp) -> None:
    # Both pass the "is the phone free" check; the unique phone column lets only one commit.
    code = await app.send_code(PHONE, SmsPurpose.REGISTER)

    async def rival(uow) -> None:
        uow.accounts.add(Account(phone=PHONE, password_hash="x", created_at=app.clock.now()))

    app.uow.interleave(rival)
    with pytest.raises(PhoneAlreadyRegistered):
        await app.register(reg(code))
    [account] = app.db.accounts()
    assert account.password_hash == "x"
    assert app.db.rows("sessions") == []


async def test_request_meta_is_optional(app: FakeApp) -> None:
    code = await app.send_code(PHONE, SmsPurpose.REGISTER)
    result = await app.register(RegisterCommand(PHONE, code, DEFAULT_PASSWORD, RequestMeta()))
    assert app.db.sessions_of(result.account.id)[0].client_ip is None
