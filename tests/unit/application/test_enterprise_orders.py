"""§6.2 enterprise purchases with the in-memory fakes: only a certified enterprise's admin or legal rep may buy its
plans; the entitlement is the enterprise's; everyone else is refused and nothing is stored."""

from __future__ import annotations

from uuid import uuid4

import pytest

from application.commerce.pay_order import PayOrderCommand
from application.commerce.place_order import PlaceOrderCommand
from application.enterprises.authorization_letters import SignAuthorizationLetterCommand
from application.seals.signature_appearances import AppearanceKind
from domain.accounts.sms import SmsPurpose
from domain.commerce.entitlement import HolderKind
from domain.commerce.payment import PaymentChannel
from domain.enterprises.enterprise import Membership
from domain.errors import DomainError, ErrorCode
from tests.app_fixture import DEFAULT_META, FakeApp


async def _enterprise(app: FakeApp, *, certify: bool = True):
    """张三 creates 北京数信科技有限公司 (legal rep and admin) and, by default, certifies it by signing the letter."""
    rep = await app.verified_user()
    created = await app.create_enterprise(rep)
    if certify:
        prepared = await app.enterprises.prepare_authorization_letter(rep.principal, created.enterprise.id)
        sig = next(a for a in prepared.appearances if a.kind is AppearanceKind.NAME_SIGNATURE)
        code = await app.send_code(rep.phone, SmsPurpose.SIGN, principal=rep.principal)
        await app.enterprises.sign_authorization_letter(SignAuthorizationLetterCommand(
            rep.principal, prepared.letter.id, (AppearanceKind.NAME_SIGNATURE, sig.account_id), code, DEFAULT_META))
    return rep, created.enterprise


async def _plans(app: FakeApp):
    platform = await app.trading_platform()
    personal = await app.service_plan(platform.id)
    company = await app.service_plan(platform.id, subject="ENTERPRISE", name="企业标准版", price_fen=199_900,
                                     operations=("LOGIN", "SIGN", "ENCRYPT", "DECRYPT"), sign_quota=1000)
    return platform, personal, company


async def _member(app: FakeApp, enterprise_id, phone="13900139000", name="李四", number="110101199003074477",
                  *, admin=False):
    user = await app.verified_user(phone, name, number)
    async with app.uow() as uow:
        uow.memberships.add(Membership(enterprise_id=enterprise_id, account_id=user.account_id,
                                       joined_at=app.clock.now(), is_admin=admin))
        await uow.commit()
    return user


async def test_the_legal_rep_buys_an_enterprise_plan_held_by_the_enterprise(app: FakeApp):
    rep, enterprise = await _enterprise(app)
    platform, _personal, company = await _plans(app)
    order = await app.commerce.place_order(PlaceOrderCommand(rep.principal, [company.id], enterprise_id=enterprise.id))
    assert order.enterprise_id == enterprise.id and order.amount_fen == 199_900
    payment = await app.commerce.pay_order(PayOrderCommand(rep.principal, order.id, PaymentChannel.WECHAT_PAY))
    await app.notify_paid(payment.id)
    async with app.uow() as uow:
        held = await uow.entitlements.for_holder(HolderKind.ENTERPRISE, enterprise.id)
        personal = await uow.entitlements.for_holder(HolderKind.ACCOUNT, rep.account_id)
    assert [(e.platform_id, e.plan_id, e.sign_quota) for e in held] == [(platform.id, company.id, 1000)]
    assert personal == []
    # The admin sees the enterprise's services among "my services".
    assert [e.id for e in await app.commerce.list_my_entitlements(rep.principal)] == [held[0].id]


async def test_an_admin_who_is_not_the_legal_rep_may_buy(app: FakeApp):
    _rep, enterprise = await _enterprise(app)
    _platform, _personal, company = await _plans(app)
    admin = await _member(app, enterprise.id, admin=True)
    order = await app.commerce.place_order(PlaceOrderCommand(admin.principal, [company.id],
                                                             enterprise_id=enterprise.id))
    assert order.account_id == admin.account_id and order.enterprise_id == enterprise.id


async def test_a_plain_member_may_not_buy_nor_see_the_enterprise_services(app: FakeApp):
    rep, enterprise = await _enterprise(app)
    _platform, _personal, company = await _plans(app)
    member = await _member(app, enterprise.id)
    with pytest.raises(DomainError) as excinfo:
        await app.commerce.place_order(PlaceOrderCommand(member.principal, [company.id], enterprise_id=enterprise.id))
    assert excinfo.value.code is ErrorCode.NOT_ENTERPRISE_ADMIN
    assert app.db.rows("orders") == []
    order = await app.commerce.place_order(PlaceOrderCommand(rep.principal, [company.id], enterprise_id=enterprise.id))
    await app.notify_paid((await app.commerce.pay_order(
        PayOrderCommand(rep.principal, order.id, PaymentChannel.WECHAT_PAY))).id)
    assert await app.commerce.list_my_entitlements(member.principal) == []


@pytest.mark.parametrize("who", ["outsider", "nobody"])
async def test_outsiders_and_unknown_enterprises_are_not_found(app: FakeApp, who):
    _rep, enterprise = await _enterprise(app)
    _platform, _personal, company = await _plans(app)
    outsider = await app.verified_user("13700137000", "王五", "11010119900307803X")
    target = enterprise.id if who == "outsider" else uuid4()
    with pytest.raises(DomainError) as excinfo:
        await app.commerce.place_order(PlaceOrderCommand(outsider.principal, [company.id], enterprise_id=target))
    assert (excinfo.value.code, excinfo.value.field) == (ErrorCode.NOT_FOUND, "enterpriseId")
    assert app.db.rows("orders") == []


async def test_an_uncertified_enterprise_may_not_buy(app: FakeApp):
    rep, enterprise = await _enterprise(app, certify=False)
    _platform, _personal, company = await _plans(app)
    with pytest.raises(DomainError) as excinfo:
        await app.commerce.place_order(PlaceOrderCommand(rep.principal, [company.id], enterprise_id=enterprise.id))
    assert excinfo.value.code is ErrorCode.ENTERPRISE_NOT_CERTIFIED
    assert app.db.rows("orders") == []


async def test_plans_must_match_who_buys(app: FakeApp):
    rep, enterprise = await _enterprise(app)
    _platform, personal, company = await _plans(app)
    for cmd in (PlaceOrderCommand(rep.principal, [personal.id], enterprise_id=enterprise.id),
                PlaceOrderCommand(rep.principal, [company.id])):
        with pytest.raises(DomainError) as excinfo:
            await app.commerce.place_order(cmd)
        assert excinfo.value.code is ErrorCode.PLAN_SUBJECT_MISMATCH
    assert app.db.rows("orders") == []
