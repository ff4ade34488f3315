"""ChangePhone (§9.3): the password proves the owner, a code sent to the new number proves the number."""

from __future__ import annotations

import pytest

from application.accounts.change_phone import ChangePhoneCommand
from application.accounts.login_with_password import LoginWithPasswordCommand
from domain.accounts.account import Account
from domain.accounts.sms import SmsPurpose
from domain.errors import (
    InvalidCredentials,
    InvalidPhone,
    PhoneAlreadyRegistered,
    SmsCodeInvalid,
    Unauthenticated,
)
from tests.app_fixture import DEFAULT_META, DEFAULT_PASSWORD, FakeApp, wrong_code

OLD, NEW = "13800138000", "13700137000"


def change(user, code: str, phone: str = NEW, password: str = DEFAULT_PASSWORD) -> ChangePhoneCommand:
    return ChangePhoneCommand(user.principal, phone, code, password, DEFAULT_META)


async def test_change_phone_moves_the_login_to_the_new_number(app: FakeApp) -> None:
    user = await app.register_user(OLD)
    code = await app.send_code(NEW, SmsPurpose.CHANGE_PHONE, principal=user.principal)
    view = await app.change_phone(change(user, code))
    assert view.account.phone == NEW
    assert app.db.account(user.account_id).phone == NEW
    assert app.db.account_by_phone(OLD) is None
    await app.login_with_password(LoginWithPasswordCommand(NEW, DEFAULT_PASSWORD, DEFAULT_META))
    with pytest.raises(InvalidCredentials):
        await app.login_with_password(LoginWithPasswordCommand(OLD, DEFAULT_PASSWORD, DEFAULT_META))
    [event] = app.db.audit_events("phone.changed")
    assert event.detail == {"old": OLD[-4:], "new": NEW[-4:]}


async def test_the_old_number_is_free_for_a_new_account(app: FakeApp) -> None:
    user = await app.register_user(OLD)
    code = await app.send_code(NEW, SmsPurpose.CHANGE_PHONE, principal=user.principal)
    await app.change_phone(change(user, code))
    await app.register_user(OLD)
    assert len(app.db.accounts()) == 2


async def test_a_wrong_password_changes_nothing_and_keeps_the_code(app: FakeApp) -> None:
    user = await app.register_user(OLD)
    code = await app.send_code(NEW, SmsPurpose.CHANGE_PHONE, principal=user.principal)
    with pytest.raises(InvalidCredentials) as err:
        await app.change_phone(change(user, code, password="Wr0ngPassword"))
    assert err.value.field == "password"
    assert app.db.account(user.account_id).phone == OLD
    assert app.db.challenges(NEW)[0].consumed_at is None


async def test_a_wrong_code_changes_nothing(app: FakeApp) -> None:
    user = await app.register_user(OLD)
    code = await app.send_code(NEW, SmsPurpose.CHANGE_PHONE, principal=user.principal)
    with pytest.raises(SmsCodeInvalid):
        await app.change_phone(change(user, wrong_code(code)))
    assert app.db.account(user.account_id).phone == OLD


async def test_a_number_taken_after_the_code_was_sent_is_refused(app: FakeApp) -> None:
    user = await app.register_user(OLD)
    code = await app.send_code(NEW, SmsPurpose.CHANGE_PHONE, principal=user.principal)
    await app.register_user(NEW)
    with pytest.raises(PhoneAlreadyRegistered) as err:
        await app.change_phone(change(user, code))
    assert err.value.field == "newPhone"
    assert app.db.account(user.account_id).phone == OLD


async def test_a_number_taken_while_changing_is_refused_by_the_unique_column(app: FakeApp) -> None:
    user = await app.register_user(OLD)
    code = await app.send_code(NEW, SmsPurpose.CHANGE_PHONE, principal=user.principal)

    async def rival(uow) -> None:
        uow.accounts.add(Account(phone=NEW, password_hash="x", created_at=app.clock.now()))

    app.uow.interleave(rival)
    with pytest.raises(PhoneAlreadyRegistered):
        await app.change_phone(change(user, code))
    assert app.db.account(user.account_id).phone == OLD


async def test_the_code_must_be_for_the_new_number(app: FakeApp) -> None:
    user = await app.register_user(OLD)
    await app.send_code(NEW, SmsPurpose.CHANGE_PHONE, principal=user.principal)
    code_for_other = await app.send_code("13600136000", SmsPurpose.CHANGE_PHONE, principal=user.principal)
    with pytest.raises(SmsCodeInvalid):
        await app.change_phone(change(user, code_for_other))
    assert app.db.account(user.account_id).phone == OLD


async def test_an_invalid_new_number_is_refused(app: FakeApp) -> None:
    user = await app.register_user(OLD)
    with pytest.raises(InvalidPhone) as err:
        await app.change_phone(change(user, "123456", phone="10086"))
    assert err.value.field == "newPhone"


async def test_changing_the_phone_needs_a_login(app: FakeApp) -> None:
    with pytest.raises(Unauthenticated):
        await app.change_phone(ChangePhoneCommand(None, NEW, "123456", DEFAULT_PASSWORD, DEFAULT_META))
