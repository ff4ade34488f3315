"""§6.3 member service applications and §8.1 赠送服务 with the in-memory fakes: a member applies, the legal rep
signs, the applicant — and only they — buys, and the enterprise holds the service; the admin gifts personal plans
that the member holds. Every refusal leaves the stored state as it was."""

from __future__ import annotations

from uuid import uuid4

import pytest

from application.commerce.pay_order import PayOrderCommand
from application.commerce.place_order import PlaceOrderCommand
from application.enterprises.apply_for_enterprise_service import ApplyForEnterpriseServiceCommand
from application.enterprises.approve_service_application import ApproveServiceApplicationCommand
from application.enterprises.gift_service import GiftServiceCommand
from application.global_ids import global_id
from application.seals.signature_appearances import AppearanceKind
from domain.accounts.sms import SmsPurpose
from domain.clock import CHINA_TZ
from domain.commerce.entitlement import HolderKind
from domain.commerce.order import OrderStatus
from domain.commerce.payment import PaymentChannel
from domain.enterprises.service_application import ServiceApplicationStatus as S
from domain.errors import DomainError, ErrorCode
from domain.grants.grant import GrantStatus
from tests.app_fixture import DEFAULT_META, ID_WANG, FakeApp, id_number
from tests.fakes import Snapshot
from tests.unit.application.test_enterprise_orders import _enterprise, _member, _plans

IGNORED = ("audit", "sms", "outbox")
ID_ZHAO = id_number("11010119900307001")


async def _world(app: FakeApp):
    rep, enterprise = await _enterprise(app)
    platform, personal, company = await _plans(app)
    member = await _member(app, enterprise.id)
    return rep, enterprise, member, personal, company


async def _apply(app: FakeApp, user, enterprise_id, plan_id):
    return await app.enterprises.services.apply_for_enterprise_service(
        ApplyForEnterpriseServiceCommand(user.principal, enterprise_id, plan_id, DEFAULT_META))


async def _approve(app: FakeApp, user, application_id, *, code: str | None = None):
    app.clock.advance(seconds=61)
    sent = await app.send_code(user.phone, SmsPurpose.SIGN, principal=user.principal)
    return await app.enterprises.services.approve_service_application(ApproveServiceApplicationCommand(
        user.principal, application_id, (AppearanceKind.NAME_SIGNATURE, user.account_id),
        code if code is not None else sent, DEFAULT_META))


async def _buy(app: FakeApp, user, application_id, plan_ids):
    order = await app.commerce.place_order(PlaceOrderCommand(user.principal, list(plan_ids),
                                                             service_application_id=application_id))
    payment = await app.commerce.pay_order(PayOrderCommand(user.principal, order.id, PaymentChannel.WECHAT_PAY))
    return order, payment


async def _refused(app: FakeApp, act, code: ErrorCode, field: str | None = None) -> DomainError:
    before = Snapshot.of(app.db, ignore=IGNORED)
    with pytest.raises(DomainError) as excinfo:
        await act
    assert excinfo.value.code is code, excinfo.value
    if field is not None:
        assert excinfo.value.field == field
    after = Snapshot.of(app.db, ignore=IGNORED)
    assert [t for t in after.tables if after.tables[t] != before.tables.get(t)] == []
    return excinfo.value


async def test_apply_sign_buy_the_enterprise_holds_the_service(app: FakeApp):
    rep, enterprise, member, _personal, company = await _world(app)
    applied = await _apply(app, member, enterprise.id, company.id)
    a = applied.application
    assert a.status is S.PENDING_APPROVAL and applied.approval_url == applied.qr_content
    # The link carries the global ID the API takes (node(id), approveServiceApplication(applicationId)).
    assert applied.approval_url == (f"https://sxq.example/l/service-application?id="
                                    f"{global_id('ServiceApplication', a.id)}")
    await app.deliver()
    notice = app.sms.last(rep.phone)
    assert notice is not None and "服务申请授权书" in notice.text and applied.approval_url in notice.text
    assert (await app.blobs.get(a.letter_blob_id))[0].startswith(b"%PDF")

    approved = await _approve(app, rep, a.id)
    assert approved.status is S.APPROVED and approved.signed_blob_id and approved.certificate_id
    [(event, signature)] = app.service_letters.signed
    assert event.certificate.id == approved.certificate_id and signature.lines == ("法定代表人：张三",)
    await app.deliver()
    assert "完成购买" in app.sms.last(member.phone).text

    order, payment = await _buy(app, member, a.id, [company.id])
    assert (order.account_id, order.enterprise_id) == (member.account_id, enterprise.id)
    assert [v.status for v in await app.enterprises.services.my_service_applications(member.principal)] == [
        S.APPROVED]
    await app.notify_paid(payment.id)
    [view] = await app.enterprises.services.my_service_applications(member.principal)
    assert (view.status, view.plan.id) == (S.PURCHASED, company.id)
    async with app.uow() as uow:
        held = await uow.entitlements.for_holder(HolderKind.ENTERPRISE, enterprise.id)
        own = await uow.entitlements.for_holder(HolderKind.ACCOUNT, member.account_id)
    assert [e.plan_id for e in held] == [company.id] and own == []
    # ... and the applicant holds the grant the application asked for, in the fulfilment's own transaction.
    [grant] = await app.grants.my_certificate_grants(member.principal)
    assert (grant.status_at(app.clock.now()), grant.platform_id, grant.operations, grant.order_id) == (
        GrantStatus.ACTIVE, company.platform_id, held[0].operations, order.id)
    assert grant.valid_until == held[0].valid_until.astimezone(CHINA_TZ).date()
    assert (grant.member_account_id, grant.granted_by, grant.approved_at) == (
        member.account_id, rep.account_id, approved.approved_at)
    assert (grant.letter_blob_id, grant.signed_blob_id) == (a.letter_blob_id, approved.signed_blob_id)
    # Bought once: a second order for it is refused.
    await _refused(app, app.commerce.place_order(PlaceOrderCommand(member.principal, [company.id],
                                                                   service_application_id=a.id)),
                   ErrorCode.SERVICE_APPLICATION_NOT_APPROVED, "serviceApplicationId")


async def test_applying_again_gives_the_open_application_back_without_a_second_letter(app: FakeApp):
    rep, enterprise, member, _personal, company = await _world(app)
    first = await _apply(app, member, enterprise.id, company.id)
    await app.deliver()
    before = len(app.sms.to(rep.phone))
    again = await _apply(app, member, enterprise.id, company.id)
    await app.deliver()
    assert again.application.id == first.application.id and len(app.sms.to(rep.phone)) == before
    assert len(app.db.rows("service_applications")) == 1
    # After the legal rep's week, the old one is recorded expired and a new one starts.
    app.clock.advance(days=8)
    fresh = await _apply(app, member, enterprise.id, company.id)
    assert fresh.application.id != first.application.id
    assert {a.status for a in app.db.rows("service_applications")} == {S.EXPIRED, S.PENDING_APPROVAL}


async def test_who_may_apply_and_for_what(app: FakeApp):
    _rep, enterprise, member, personal, company = await _world(app)
    outsider = await app.verified_user("13700137000", "王五", ID_WANG)
    for target in (enterprise.id, uuid4()):
        await _refused(app, _apply(app, outsider, target, company.id), ErrorCode.NOT_FOUND, "enterpriseId")
    await _refused(app, _apply(app, member, enterprise.id, personal.id), ErrorCode.PLAN_SUBJECT_MISMATCH, "planId")
    await _refused(app, _apply(app, member, enterprise.id, uuid4()), ErrorCode.NOT_FOUND, "planId")


async def test_an_unverified_member_and_an_uncertified_enterprise_may_not_apply(app: FakeApp):
    rep, enterprise = await _enterprise(app, certify=False)
    _platform, _personal, company = await _plans(app)
    await _refused(app, _apply(app, rep, enterprise.id, company.id), ErrorCode.ENTERPRISE_NOT_CERTIFIED)


async def test_only_the_legal_rep_approves_and_a_wrong_code_changes_nothing(app: FakeApp):
    rep, enterprise, member, _personal, company = await _world(app)
    admin = await _member(app, enterprise.id, "13700137000", "王五", ID_WANG, admin=True)
    a = (await _apply(app, member, enterprise.id, company.id)).application
    for who in (admin, member):
        await _refused(app, _approve(app, who, a.id), ErrorCode.NOT_LEGAL_REPRESENTATIVE, "applicationId")
    await _refused(app, _approve(app, rep, uuid4()), ErrorCode.NOT_FOUND, "applicationId")
    with pytest.raises(DomainError) as excinfo:
        await _approve(app, rep, a.id, code="000000")
    assert excinfo.value.code is ErrorCode.SMS_CODE_INVALID
    [stored] = app.db.rows("service_applications")
    assert stored.status is S.PENDING_APPROVAL and stored.signed_blob_id is None and app.service_letters.signed == []


async def test_an_expired_application_or_a_removed_applicant_cannot_be_approved(app: FakeApp):
    rep, enterprise, member, _personal, company = await _world(app)
    a = (await _apply(app, member, enterprise.id, company.id)).application
    app.clock.advance(days=7)
    await _refused(app, _approve(app, rep, a.id), ErrorCode.SERVICE_APPLICATION_CLOSED)
    app.clock.advance(days=1)
    b = (await _apply(app, member, enterprise.id, company.id)).application
    for key in [k for k, m in app.db.tables["memberships"].items() if m.account_id == member.account_id]:
        del app.db.tables["memberships"][key]
    error = await _refused(app, _approve(app, rep, b.id), ErrorCode.SERVICE_APPLICATION_CLOSED)
    assert "不是本企业成员" in error.message


async def test_only_the_applicant_buys_only_that_plan_and_only_once_approved(app: FakeApp):
    rep, enterprise, member, personal, company = await _world(app)
    other = await _member(app, enterprise.id, "13700137000", "王五", ID_WANG)
    outsider = await app.verified_user("13600136000", "赵六", ID_ZHAO)
    a = (await _apply(app, member, enterprise.id, company.id)).application

    def order(user, plans, application_id=a.id):
        return app.commerce.place_order(PlaceOrderCommand(user.principal, plans,
                                                          service_application_id=application_id))
    await _refused(app, order(member, [company.id]), ErrorCode.SERVICE_APPLICATION_NOT_APPROVED)
    await _approve(app, rep, a.id)
    await _refused(app, order(other, [company.id]), ErrorCode.NOT_APPLICANT, "serviceApplicationId")
    await _refused(app, order(rep, [company.id]), ErrorCode.NOT_APPLICANT, "serviceApplicationId")
    await _refused(app, order(outsider, [company.id]), ErrorCode.NOT_FOUND, "serviceApplicationId")
    await _refused(app, order(member, [company.id], uuid4()), ErrorCode.NOT_FOUND, "serviceApplicationId")
    await _refused(app, order(member, [personal.id]), ErrorCode.SERVICE_APPLICATION_NOT_APPROVED, "planIds")
    await _refused(app, order(member, [company.id, company.id]), ErrorCode.SERVICE_APPLICATION_NOT_APPROVED)
    await _refused(app, app.commerce.place_order(PlaceOrderCommand(
        member.principal, [company.id], enterprise_id=enterprise.id, service_application_id=a.id)),
        ErrorCode.INVALID_INPUT, "enterpriseId")
    # A month after approval it is stale.
    app.clock.advance(days=31)
    await _refused(app, order(member, [company.id]), ErrorCode.SERVICE_APPLICATION_NOT_APPROVED)


async def test_a_new_order_for_the_application_cancels_the_unpaid_one(app: FakeApp):
    rep, enterprise, member, _personal, company = await _world(app)
    a = (await _apply(app, member, enterprise.id, company.id)).application
    await _approve(app, rep, a.id)
    first, first_payment = await _buy(app, member, a.id, [company.id])
    second, second_payment = await _buy(app, member, a.id, [company.id])
    assert {o.id: o.status for o in app.db.rows("orders")} == {first.id: OrderStatus.CANCELLED,
                                                                second.id: OrderStatus.PENDING_PAYMENT}
    await app.notify_paid(first_payment.id)  # money for the cancelled order: flagged for refund, buys nothing
    assert app.db.rows("service_applications")[0].status is S.APPROVED
    await app.notify_paid(second_payment.id)
    assert app.db.rows("service_applications")[0].status is S.PURCHASED
    async with app.uow() as uow:
        assert len(await uow.entitlements.for_holder(HolderKind.ENTERPRISE, enterprise.id)) == 1


# ------------------------------------------------------------ §8.1 赠送服务


async def _gift(app: FakeApp, user, enterprise_id, membership_id, plan_ids):
    return await app.enterprises.services.gift_service(GiftServiceCommand(
        user.principal, enterprise_id, membership_id, list(plan_ids), DEFAULT_META))


async def _membership_id(app: FakeApp, enterprise_id, account_id):
    async with app.uow() as uow:
        m = await uow.memberships.of(enterprise_id, account_id)
    assert m is not None
    return m.id


async def test_the_enterprise_pays_and_the_member_holds_the_gift(app: FakeApp):
    rep, enterprise, member, personal, _company = await _world(app)
    order = await _gift(app, rep, enterprise.id, await _membership_id(app, enterprise.id, member.account_id),
                        [personal.id])
    assert (order.account_id, order.enterprise_id, order.beneficiary_account_id) == (
        rep.account_id, enterprise.id, member.account_id)
    payment = await app.commerce.pay_order(PayOrderCommand(rep.principal, order.id, PaymentChannel.ALIPAY))
    await app.notify_paid(payment.id)
    [held] = await app.commerce.list_my_entitlements(member.principal)
    assert (held.holder_kind, held.holder_id, held.plan_id) == (HolderKind.ACCOUNT, member.account_id, personal.id)
    assert await app.commerce.list_my_entitlements(rep.principal) == []
    await app.deliver()
    assert "为您开通了证书服务" in app.sms.last(member.phone).text
    # The member, not the giver, pays nothing and cannot pay the enterprise's order.
    with pytest.raises(DomainError):
        await app.commerce.pay_order(PayOrderCommand(member.principal, order.id, PaymentChannel.ALIPAY))


async def test_who_may_gift_to_whom_and_what(app: FakeApp):
    rep, enterprise, member, personal, company = await _world(app)
    mid = await _membership_id(app, enterprise.id, member.account_id)
    await _refused(app, _gift(app, member, enterprise.id, mid, [personal.id]), ErrorCode.NOT_ENTERPRISE_ADMIN)
    outsider = await app.verified_user("13700137000", "王五", ID_WANG)
    for target in (enterprise.id, uuid4()):
        await _refused(app, _gift(app, outsider, target, mid, [personal.id]), ErrorCode.NOT_FOUND, "enterpriseId")
    await _refused(app, _gift(app, rep, enterprise.id, uuid4(), [personal.id]), ErrorCode.NOT_FOUND, "memberId")
    await _refused(app, _gift(app, rep, enterprise.id, mid, [company.id]), ErrorCode.PLAN_SUBJECT_MISMATCH)
    await _refused(app, _gift(app, rep, enterprise.id, mid, []), ErrorCode.INVALID_INPUT, "planIds")
    await _refused(app, _gift(app, rep, enterprise.id, mid, [uuid4()]), ErrorCode.NOT_FOUND, "planIds")
    # A member of another enterprise is not a member here.
    other_rep, other = await _enterprise_of(app)
    other_mid = await _membership_id(app, other.id, other_rep.account_id)
    await _refused(app, _gift(app, rep, enterprise.id, other_mid, [personal.id]), ErrorCode.NOT_FOUND, "memberId")


async def test_an_uncertified_enterprise_may_not_gift(app: FakeApp):
    rep, enterprise = await _enterprise(app, certify=False)
    _platform, personal, _company = await _plans(app)
    mid = await _membership_id(app, enterprise.id, rep.account_id)
    await _refused(app, _gift(app, rep, enterprise.id, mid, [personal.id]), ErrorCode.ENTERPRISE_NOT_CERTIFIED)


async def _enterprise_of(app: FakeApp):
    from tests.app_fixture import CREDIT_CODE_2

    user = await app.verified_user("13600136000", "赵六", ID_ZHAO)
    created = await app.create_enterprise(user, name="上海数信网络科技有限公司", credit_code=CREDIT_CODE_2,
                                          legal_rep_name="赵六", legal_rep_id_number=ID_ZHAO)
    return user, created.enterprise


async def test_the_legal_rep_may_decline_and_a_declined_application_is_final(app: FakeApp):
    from application.enterprises.reject_service_application import RejectServiceApplicationCommand

    rep, enterprise, member, _personal, company = await _world(app)
    a = (await _apply(app, member, enterprise.id, company.id)).application

    def reject(user, application_id=a.id):
        return app.enterprises.services.reject_service_application(
            RejectServiceApplicationCommand(user.principal, application_id, DEFAULT_META))
    await _refused(app, reject(member), ErrorCode.NOT_LEGAL_REPRESENTATIVE, "applicationId")
    await _refused(app, reject(rep, uuid4()), ErrorCode.NOT_FOUND, "applicationId")
    rejected = await reject(rep)
    assert rejected.status is S.REJECTED and rejected.open_key is None
    await app.deliver()
    assert "未获北京数信科技有限公司法定代表人批准" in app.sms.last(member.phone).text
    await _refused(app, reject(rep), ErrorCode.SERVICE_APPLICATION_CLOSED)
    await _refused(app, _approve(app, rep, a.id), ErrorCode.SERVICE_APPLICATION_CLOSED)
    # The member may apply again.
    assert (await _apply(app, member, enterprise.id, company.id)).application.id != a.id
