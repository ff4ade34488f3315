"""The certificate grants' SQL repository (§8.5) on the real database: a round trip with its JSON operations and
dates, the lookups by member, membership, enterprise and order, and the version column refusing a stale write."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from domain.accounts.account import Account
from domain.commerce.catalogue import TradingPlatform
from domain.commerce.entitlement import ScanOperation
from domain.enterprises.credit_code import CreditCode
from domain.enterprises.enterprise import Enterprise, LegalRepEvidence, Membership
from domain.errors import Conflict
from domain.grants.grant import CertificateGrant, GrantStatus
from tests.app_fixture import CREDIT_CODE


async def _world(uow):
    now = datetime.now(UTC)
    rep, member = (Account(phone=p, password_hash="x", created_at=now) for p in ("13200000201", "13200000202"))
    e = Enterprise.register(name="北京数信科技有限公司", credit_code=CreditCode(CREDIT_CODE),
                            legal_rep=LegalRepEvidence("张三", b"c", "idx", "4401**********123X"),
                            licence_blob_id="blob", licence_content_type="image/png", created_by=rep.id, now=now)
    m = Membership(enterprise_id=e.id, account_id=member.id, joined_at=now)
    platform = TradingPlatform(code="GGZYJY44123", name="北京市公共资源交易平台", region="北京市",
                               callback_url="https://platform.example/cb", public_key=b"spki", callback_certificate=b"der",
                               created_at=now)
    async with uow() as u:
        u.accounts.add(rep)
        u.accounts.add(member)
        await u.commit()
    async with uow() as u:
        u.enterprises.add(e)
        u.memberships.add(m)
        u.trading_platforms.add(platform)
        await u.commit()
    return e, rep, m, platform


async def test_round_trip_lookups_and_a_stale_write(container):
    uow = container.uow
    e, rep, m, platform = await _world(uow)
    now = datetime.now(UTC)
    g = CertificateGrant.create(enterprise_id=e.id, membership_id=m.id, member_account_id=m.account_id,
                                platform_id=platform.id, operations=[ScanOperation.SIGN, ScanOperation.LOGIN],
                                valid_until=date.today() + timedelta(days=30), latest_end=None, granted_by=rep.id,
                                now=now)
    async with uow() as u:
        u.certificate_grants.add(g)
        await u.commit()
    order_id = uuid4()
    async with uow() as u:
        found = await u.certificate_grants.get(g.id)
        assert found.operations == ["LOGIN", "SIGN"] and found.ends_at == g.ends_at
        assert found.status is GrantStatus.AWAITING_APPROVAL and found.valid_until == g.valid_until
        for lookup in (u.certificate_grants.for_member_account(m.account_id),
                       u.certificate_grants.for_membership(m.id), u.certificate_grants.for_enterprise(e.id)):
            assert [x.id for x in await lookup] == [g.id]
        found.approve(by=rep.id, signed_blob_id="signed", signed_sha256="ab" * 32, certificate_id=uuid4(), now=now)
        found.order_placed(order_id)
        await u.commit()
    async with uow() as u:
        by_order = await u.certificate_grants.by_order(order_id)
        assert by_order is not None and by_order.status is GrantStatus.AWAITING_PAYMENT
        assert await u.certificate_grants.by_order(uuid4()) is None

    # Two transactions read the same version; the second write loses.
    async with uow() as first, uow() as second:
        a, b = await first.certificate_grants.get(g.id), await second.certificate_grants.get(g.id)
        a.revoke(now)
        await first.commit()
        assert b.activate(order_id, now)
        with pytest.raises(Conflict):
            await second.commit()
    async with uow() as u:
        assert (await u.certificate_grants.get(g.id)).status is GrantStatus.REVOKED
