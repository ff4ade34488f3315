"""DeleteAccount (注销账户): personal data erased, sessions ended, the number and document set free."""

from __future__ import annotations

import pytest

from application.accounts.delete_account import DeleteAccount, DeleteAccountCommand
from application.accounts.register import RegisterCommand
from application.identity.face_outcome import CompleteFaceVerificationCommand
from domain.accounts.account import AccountStatus
from domain.accounts.sms import SmsPurpose
from domain.errors import AccountDeletionBlocked, SmsCodeInvalid, Unauthenticated
from domain.identity.identity import RealNameStatus
from tests.app_fixture import DEFAULT_META, DEFAULT_PASSWORD, FakeApp, wrong_code
from tests.fakes import Snapshot

PHONE = "13800138000"


async def verified_user(app: FakeApp, phone: str = PHONE):
    user = await app.register_user(phone)
    started = await app.start_face(user)
    app.faces.finish(started.ticket.token)
    await app.complete_face_verification(
        CompleteFaceVerificationCommand(user.principal, started.ticket.token, DEFAULT_META))
    return user


async def delete(app: FakeApp, user) -> None:
    code = await app.send_code(user.phone, SmsPurpose.DELETE_ACCOUNT, principal=user.principal)
    await app.delete_account(DeleteAccountCommand(user.principal, code, DEFAULT_META))


async def test_delete_erases_personal_data_and_ends_sessions(app: FakeApp) -> None:
    user = await verified_user(app)
    other = await app.login(PHONE)
    await delete(app, user)
    account = app.db.account(user.account_id)
    assert account.status is AccountStatus.DELETED
    assert account.deleted_at == app.clock.now()
    assert PHONE not in account.phone
    assert not await app.passwords.verify(DEFAULT_PASSWORD, account.password_hash)
    identity = app.db.identity(user.account_id)
    assert identity.status is RealNameStatus.UNVERIFIED
    assert (identity.legal_name, identity.number_ciphertext, identity.number_masked, identity.document_key) == (
        None, None, None, None)
    assert app.db.live_sessions_of(user.account_id) == []
    assert await app.authenticate(user.session.access_token) is None
    assert await app.authenticate(other.session.access_token) is None
    # The audit trail stays, owned by the same id.
    assert app.db.audit_events("account.deleted")[0].account_id == user.account_id


async def test_the_number_and_the_document_are_free_afterwards(app: FakeApp) -> None:
    user = await verified_user(app)
    await delete(app, user)
    newcomer = await verified_user(app, PHONE)
    assert newcomer.account_id != user.account_id
    assert app.db.identity(newcomer.account_id).status is RealNameStatus.VERIFIED


async def test_a_wrong_code_deletes_nothing(app: FakeApp) -> None:
    user = await verified_user(app)
    code = await app.send_code(PHONE, SmsPurpose.DELETE_ACCOUNT, principal=user.principal)
    before = Snapshot.of(app.db, ignore=("audit", "sms"))
    with pytest.raises(SmsCodeInvalid):
        await app.delete_account(DeleteAccountCommand(user.principal, wrong_code(code), DEFAULT_META))
    assert Snapshot.of(app.db, ignore=("audit", "sms")) == before
    assert await app.authenticate(user.session.access_token) is not None


async def test_a_code_for_another_purpose_deletes_nothing(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    code = await app.send_code(PHONE, SmsPurpose.LOGIN)
    with pytest.raises(SmsCodeInvalid):
        await app.delete_account(DeleteAccountCommand(user.principal, code, DEFAULT_META))
    assert app.db.account(user.account_id).status is AccountStatus.ACTIVE


async def test_a_blocker_keeps_the_account(app: FakeApp) -> None:
    async def legal_rep(uow, account_id) -> str | None:
        return "您是企业法定代表人，请先完成法定代表人变更"

    app.delete_account = DeleteAccount(app.uow, app.codes, app.clock, [legal_rep])
    user = await app.register_user(PHONE)
    code = await app.send_code(PHONE, SmsPurpose.DELETE_ACCOUNT, principal=user.principal)
    with pytest.raises(AccountDeletionBlocked) as err:
        await app.delete_account(DeleteAccountCommand(user.principal, code, DEFAULT_META))
    assert "法定代表人" in err.value.message
    assert app.db.account(user.account_id).status is AccountStatus.ACTIVE
    assert app.db.challenges(PHONE, SmsPurpose.DELETE_ACCOUNT)[0].consumed_at is None


async def test_a_deleted_account_cannot_delete_again(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    await delete(app, user)
    with pytest.raises(AccountDeletionBlocked):
        await app.delete_account(DeleteAccountCommand(user.principal, "123456", DEFAULT_META))


async def test_deleting_needs_a_login(app: FakeApp) -> None:
    with pytest.raises(Unauthenticated):
        await app.delete_account(DeleteAccountCommand(None, "123456", DEFAULT_META))


async def test_registering_again_makes_a_new_account(app: FakeApp) -> None:
    user = await app.register_user(PHONE)
    await delete(app, user)
    code = await app.send_code(PHONE, SmsPurpose.REGISTER)
    result = await app.register(RegisterCommand(PHONE, code, DEFAULT_PASSWORD, DEFAULT_META))
    assert result.account.id != user.account_id
