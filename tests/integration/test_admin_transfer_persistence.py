"""The admin transfers' SQL repository (§8.4) on the real database: a round trip, the pending lookup, one pending
transfer per enterprise under a race, and the swap committed with the memberships in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.accounts.account import Account
from domain.enterprises.admin_transfer import AdminTransfer, AdminTransferStatus
from domain.enterprises.credit_code import CreditCode
from domain.enterprises.enterprise import Enterprise, LegalRepEvidence, Membership
from domain.errors import Conflict
from tests.app_fixture import CREDIT_CODE


async def _company(uow):
    now = datetime.now(UTC)
    admin, member = (Account(phone=p, password_hash="x", created_at=now) for p in ("13200000101", "13200000102"))
    e = Enterprise.register(name="北京数信科技有限公司", credit_code=CreditCode(CREDIT_CODE),
                            legal_rep=LegalRepEvidence("张三", b"c", "idx", "4401**********123X"),
                            licence_blob_id="blob", licence_content_type="image/png", created_by=admin.id, now=now)
    e.four_element_checked(True, now)
    e.certify_by_legal_rep(now)
    giver = Membership(enterprise_id=e.id, account_id=admin.id, joined_at=now, is_admin=True, is_legal_rep=True)
    receiver = Membership(enterprise_id=e.id, account_id=member.id, joined_at=now)
    async with uow() as u:
        u.accounts.add(admin)
        u.accounts.add(member)
        await u.commit()
    async with uow() as u:
        u.enterprises.add(e)
        u.memberships.add(giver)
        u.memberships.add(receiver)
        await u.commit()
    return e, giver, receiver


def _transfer(e, giver, receiver) -> AdminTransfer:
    t = AdminTransfer.request(enterprise=e, from_membership=giver, to_membership=receiver, from_admin_name="张三",
                              to_admin_name="李四", requested_by=giver.account_id, now=datetime.now(UTC))
    t.letter_blob_id, t.letter_sha256 = "letter-blob", "ab" * 32
    return t


async def test_round_trip_pending_lookup_and_the_swap(container):
    uow = container.uow
    e, giver, receiver = await _company(uow)
    t = _transfer(e, giver, receiver)
    async with uow() as u:
        u.admin_transfers.add(t)
        await u.commit()
    async with uow() as u:
        found = await u.admin_transfers.pending_for(e.id)
        assert found is not None and found.id == t.id and found.status is AdminTransferStatus.PENDING
        assert (found.from_admin_name, found.to_admin_name, found.expires_at) == ("张三", "李四", t.expires_at)
        members = {m.id: m for m in await u.memberships.for_enterprise(e.id)}
        found.approve(members[giver.id], members[receiver.id], signed_by=giver.account_id, signed_blob_id="signed",
                      signed_sha256="cd" * 32, certificate_id=giver.id, now=datetime.now(UTC))
        await u.commit()
    async with uow() as u:
        assert await u.admin_transfers.pending_for(e.id) is None
        assert await u.admin_transfers.for_enterprise(e.id, pending_only=True) == []
        stored = await u.admin_transfers.get(t.id)
        assert stored.status is AdminTransferStatus.APPROVED and stored.signed_blob_id == "signed"
        roles = {m.id: m.is_admin for m in await u.memberships.for_enterprise(e.id)}
        assert roles == {giver.id: False, receiver.id: True}


async def test_the_enterprise_s_transfers_newest_first_and_the_pending_one(container):
    uow = container.uow
    e, giver, receiver = await _company(uow)
    older = _transfer(e, giver, receiver)
    older.cancel(datetime.now(UTC))
    newer = _transfer(e, giver, receiver)
    async with uow() as u:
        u.admin_transfers.add(older)
        await u.commit()
    async with uow() as u:
        u.admin_transfers.add(newer)
        await u.commit()
    async with uow() as u:
        assert [t.id for t in await u.admin_transfers.for_enterprise(e.id)] == [newer.id, older.id]
        assert [t.id for t in await u.admin_transfers.for_enterprise(e.id, pending_only=True)] == [newer.id]
        assert await u.admin_transfers.for_enterprise(giver.id) == []


async def test_one_pending_transfer_per_enterprise_under_a_race(container):
    uow = container.uow
    e, giver, receiver = await _company(uow)
    first, second = uow(), uow()
    async with first as a, second as b:
        a.admin_transfers.add(_transfer(e, giver, receiver))
        b.admin_transfers.add(_transfer(e, giver, receiver))
        await a.commit()
        with pytest.raises(Conflict):
            await b.commit()
