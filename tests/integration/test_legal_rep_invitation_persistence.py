"""Legal-rep invitations (§5.1.1.2) against the real database (SQLite, or PostgreSQL with SXQ_TEST_DATABASE_URL):
round trip with enums and aware times, the live ones of an enterprise, the unique token hash, the letter that
names its invitation, and one live invitation under concurrent invitations."""

from __future__ import annotations

import secrets
from datetime import timedelta
from uuid import uuid4

import pytest

from domain.accounts.account import Account
from domain.enterprises.credit_code import CreditCode
from domain.enterprises.enterprise import AuthorizationLetter, Enterprise, LegalRepEvidence
from domain.enterprises.legal_rep_invitation import InvitationStatus, LegalRepInvitation
from domain.errors import Conflict


def _phone() -> str:
    return f"139{secrets.randbelow(10**8):08d}"


async def _enterprise(container):
    from tests.app_fixture import CREDIT_CODE

    now = container.clock().now()
    account = Account(phone=_phone(), password_hash="x", created_at=now)
    enterprise = Enterprise.register(
        name="北京数信科技有限公司", credit_code=CreditCode.parse(CREDIT_CODE),
        legal_rep=LegalRepEvidence("李四", b"\x01" * 16, secrets.token_hex(16), "1101**********002X"),
        licence_blob_id="b" * 32, licence_content_type="image/png", created_by=account.id, now=now)
    enterprise.four_element_checked(True, now)
    async with container.uow() as uow:
        uow.accounts.add(account)
        await uow.commit()
    async with container.uow() as uow:
        uow.enterprises.add(enterprise)
        await uow.commit()
    return account, enterprise


def _invitation(enterprise, account, now) -> LegalRepInvitation:
    return LegalRepInvitation.issue(enterprise_id=enterprise.id, invited_by=account.id, phone=_phone(),
                                   token_hash=secrets.token_hex(32), now=now)


async def test_an_invitation_round_trips_and_its_letter_names_it(container):
    account, enterprise = await _enterprise(container)
    now = container.clock().now()
    old, new = _invitation(enterprise, account, now), _invitation(enterprise, account, now)
    old.supersede(now)
    letter = AuthorizationLetter(enterprise_id=enterprise.id, account_id=account.id, blob_id="c" * 32,
                                 sha256="0" * 64, created_at=now, invitation_id=new.id)
    async with container.uow() as uow:
        uow.legal_rep_invitations.add(old)
        uow.legal_rep_invitations.add(new)
        uow.authorization_letters.add(letter)
        new.accept(account.id, face_token="face_x", letter_id=letter.id, now=now)
        await uow.commit()
    async with container.uow() as uow:
        live = await uow.legal_rep_invitations.live_for_enterprise(enterprise.id)
        by_hash = await uow.legal_rep_invitations.by_token_hash(new.token_hash)
        stored_letter = await uow.authorization_letters.get(letter.id)
        got = await uow.legal_rep_invitations.get(new.id)
    assert [i.id for i in live] == [new.id] and by_hash is not None and by_hash.id == new.id
    assert got.status is InvitationStatus.ACCEPTED and got.expires_at.tzinfo is not None
    assert (got.accepted_by, got.face_token, got.letter_id) == (account.id, "face_x", letter.id)
    assert stored_letter.invitation_id == new.id
    async with container.uow() as uow:
        assert await uow.legal_rep_invitations.by_token_hash("nope") is None
        assert await uow.legal_rep_invitations.get(uuid4()) is None


async def test_the_token_hash_is_unique(container):
    account, enterprise = await _enterprise(container)
    now = container.clock().now()
    first, second = _invitation(enterprise, account, now), _invitation(enterprise, account, now)
    second.token_hash = first.token_hash
    async with container.uow() as uow:
        uow.legal_rep_invitations.add(first)
        await uow.commit()
    async with container.uow() as uow:
        uow.legal_rep_invitations.add(second)
        with pytest.raises(Conflict):
            await uow.commit()


async def test_concurrent_invitations_leave_one_live(container):
    """Each invitation touches its enterprise (as InviteLegalRepAuthorization does): the second commit is stale."""
    account, enterprise = await _enterprise(container)
    now = container.clock().now()
    async with container.uow() as first, container.uow() as second:
        for uow in (first, second):
            e = await uow.enterprises.get(enterprise.id)
            for old in await uow.legal_rep_invitations.live_for_enterprise(enterprise.id):
                old.supersede(now)
            uow.legal_rep_invitations.add(_invitation(enterprise, account, now))
            e.updated_at = now
        await first.commit()
        with pytest.raises(Conflict):
            await second.commit()
    async with container.uow() as uow:
        assert len(await uow.legal_rep_invitations.live_for_enterprise(enterprise.id)) == 1


async def test_recent_invitations_newest_first_and_cancelled_is_stored(container):
    account, enterprise = await _enterprise(container)
    now = container.clock().now()
    older, newer = _invitation(enterprise, account, now - timedelta(minutes=5)), _invitation(enterprise, account, now)
    async with container.uow() as uow:
        uow.legal_rep_invitations.add(older)
        uow.legal_rep_invitations.add(newer)
        older.supersede(now)
        newer.cancel(now)
        await uow.commit()
    async with container.uow() as uow:
        found = await uow.legal_rep_invitations.recent_for_enterprise(enterprise.id, 20)
        assert [(i.id, i.status.value) for i in found] == [(newer.id, "CANCELLED"), (older.id, "SUPERSEDED")]
        assert await uow.legal_rep_invitations.live_for_enterprise(enterprise.id) == []
        assert [i.id for i in await uow.legal_rep_invitations.recent_for_enterprise(enterprise.id, 1)] == [newer.id]
