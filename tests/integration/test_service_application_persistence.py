"""The member service applications' SQL repository (§6.3) and the gift order's holder column (§8.1) on the real
database: a round trip, the lookups by open key, order and applicant, one open application per member and plan
under a race, the enterprise's list (§8.5.3), and a gift order's beneficiary stored and read back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.commerce.catalogue import ServicePlan, TradingPlatform
from domain.commerce.entitlement import HolderKind, SubjectType
from domain.commerce.order import Order
from domain.enterprises.service_application import ServiceApplication, ServiceApplicationStatus
from domain.errors import Conflict
from tests.integration.test_admin_transfer_persistence import _company


async def _plans(uow):
    now = datetime.now(UTC)
    platform = TradingPlatform(code=f"P{uuid4().hex[:10]}", name="北京市公共资源交易平台", region="北京",
                               callback_url="https://bj.example/cb", public_key=b"k", callback_certificate=b"c",
                               created_at=now)
    plans = {s: ServicePlan(platform_id=platform.id, subject_type=s, name=f"{s.value}标准版", operations=["LOGIN"],
                            validity_months=12, price_fen=29_900, created_at=now) for s in SubjectType}
    async with uow() as u:
        u.trading_platforms.add(platform)
        await u.commit()
    async with uow() as u:
        for p in plans.values():
            u.service_plans.add(p)
        await u.commit()
    return platform, plans


def _applied(e, member, plan, now=None) -> ServiceApplication:
    a = ServiceApplication.apply(enterprise=e, membership=member, applicant_name="李四", plan=plan,
                                 platform_name="北京市公共资源交易平台", now=now or datetime.now(UTC))
    a.letter_blob_id, a.letter_sha256 = "letter-blob", "ab" * 32
    return a


async def test_round_trip_and_the_lookups(container):
    uow = container.uow
    e, _rep, member = await _company(uow)
    _platform, plans = await _plans(uow)
    older = _applied(e, member, plans[SubjectType.ENTERPRISE], datetime.now(UTC) - timedelta(days=10))
    older.expire_if_due(datetime.now(UTC))
    a = _applied(e, member, plans[SubjectType.ENTERPRISE])
    async with uow() as u:
        u.service_applications.add(older)
        u.service_applications.add(a)
        await u.commit()
    order_id = uuid4()
    async with uow() as u:
        assert [m.id for m in await u.service_applications.for_enterprise(e.id, pending_only=True)] == [a.id]
        found = await u.service_applications.open_with_key(a.open_key)
        assert found is not None and found.id == a.id and found.status is ServiceApplicationStatus.PENDING_APPROVAL
        assert (found.applicant_name, found.plan_name, found.expires_at) == ("李四", a.plan_name, a.expires_at)
        found.approve(approved_by=member.account_id, signed_blob_id="signed", signed_sha256="cd" * 32,
                      certificate_id=uuid4(), now=datetime.now(UTC))
        found.order_id = order_id
        await u.commit()
    async with uow() as u:
        assert (await u.service_applications.for_order(order_id)).id == a.id
        assert await u.service_applications.for_order(uuid4()) is None
        mine = await u.service_applications.for_applicant(member.account_id)
        assert [m.id for m in mine] == [a.id, older.id]  # newest first
        assert [m.status for m in mine] == [ServiceApplicationStatus.APPROVED, ServiceApplicationStatus.EXPIRED]
        assert await u.service_applications.for_applicant(uuid4()) == []
        listed = await u.service_applications.for_enterprise(e.id)
        assert [m.id for m in listed] == [a.id, older.id]  # newest first
        assert await u.service_applications.for_enterprise(e.id, pending_only=True) == []  # approved, expired
        assert await u.service_applications.for_enterprise(uuid4()) == []


async def test_one_open_application_per_member_and_plan_under_a_race(container):
    uow = container.uow
    e, _rep, member = await _company(uow)
    _platform, plans = await _plans(uow)
    first, second = uow(), uow()
    async with first as a, second as b:
        a.service_applications.add(_applied(e, member, plans[SubjectType.ENTERPRISE]))
        b.service_applications.add(_applied(e, member, plans[SubjectType.ENTERPRISE]))
        await a.commit()
        with pytest.raises(Conflict):
            await b.commit()


async def test_a_gift_order_keeps_its_beneficiary(container):
    uow = container.uow
    e, rep, member = await _company(uow)
    _platform, plans = await _plans(uow)
    now = datetime.now(UTC)
    order = Order.place_gift(account_id=rep.account_id, enterprise_id=e.id, member_account_id=member.account_id,
                             plans=[plans[SubjectType.PERSONAL]], now=now, payment_timeout=timedelta(minutes=30))
    async with uow() as u:
        u.orders.add(order)
        await u.commit()
    async with uow() as u:
        stored = await u.orders.get(order.id)
        assert (stored.account_id, stored.enterprise_id, stored.beneficiary_account_id) == (
            rep.account_id, e.id, member.account_id)
        stored.mark_paid(uuid4(), now, now)
        [held] = stored.fulfil(now)
    assert (held.holder_kind, held.holder_id) == (HolderKind.ACCOUNT, member.account_id)
