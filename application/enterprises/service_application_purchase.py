"""§6.3.2 购买服务: the applicant buys the plan their approved application names, for the enterprise.

`order_for_application` is what PlaceOrder runs for `serviceApplicationId`; `purchase_on_fulfilment` is the order
fulfilment hook (application/commerce/fulfilment_hooks.py) that, in the payment notification's own transaction,
marks the application PURCHASED and gives the applicant the grant it asked for (SPEC §4 "the member holds a grant
(§7.3)"; manual §6.3 "支付完成后，使用用户可正常使用企业数字证书服务"): the enterprise holds the entitlement, the
grant lets the member use it with the org certificate."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from application.audit import audit
from application.ports import UnitOfWork
from domain.clock import CHINA_TZ
from domain.commerce.catalogue import ServicePlan
from domain.commerce.entitlement import HolderKind
from domain.commerce.order import Order, OrderStatus
from domain.enterprises.enterprise import EnterpriseNotCertified
from domain.enterprises.service_application import NotApplicant, ServiceApplication, ServiceApplicationStatus
from domain.errors import NotFound
from domain.grants.grant import CertificateGrant


async def order_for_application(uow: UnitOfWork, account_id: UUID, application_id: UUID, plans: list[ServicePlan],
                                now: datetime, payment_timeout: timedelta) -> Order:
    """The order the applicant pays; the enterprise holds what it buys. Outsiders (and a removed applicant) get
    NotFound; another member of the enterprise gets NotApplicant."""
    application = await uow.service_applications.get(application_id)
    mine = await uow.memberships.of(application.enterprise_id, account_id) if application is not None else None
    enterprise = await uow.enterprises.get(application.enterprise_id) if application and mine else None
    if application is None or mine is None or enterprise is None:
        raise NotFound("服务申请不存在", field="serviceApplicationId")
    if application.applicant_account_id != account_id or application.applicant_membership_id != mine.id:
        raise NotApplicant(field="serviceApplicationId")
    application.ensure_purchasable([p.id for p in plans], now)
    if not enterprise.is_certified:
        raise EnterpriseNotCertified(field="serviceApplicationId")
    order = Order.place_for_enterprise(account_id=account_id, enterprise_id=enterprise.id, plans=plans, now=now,
                                       payment_timeout=payment_timeout)
    # One live order per application: an earlier unpaid one is cancelled, so two payments cannot both buy it.
    previous = await uow.orders.get(application.order_id) if application.order_id is not None else None
    if previous is not None and previous.effective_status(now) is OrderStatus.PENDING_PAYMENT:
        previous.cancel(now)
    application.order_id = order.id
    return order


async def purchase_on_fulfilment(uow: UnitOfWork, order: Order, now: datetime) -> None:
    if order.enterprise_id is None:
        return
    application = await uow.service_applications.for_order(order.id)
    # Money that arrived is never refused here: the enterprise holds the service either way (order.fulfil).
    if application is None or application.status is not ServiceApplicationStatus.APPROVED:
        return
    application.purchased(order.id, now)
    audit(uow, "enterprise.service_application_purchased", now, None, account_id=order.account_id,
          enterprise_id=str(order.enterprise_id), application_id=str(application.id), order_id=str(order.id))
    grant = await _grant_for(uow, application, order, now)
    if grant is not None:
        uow.certificate_grants.add(grant)
        audit(uow, "grant.activated", now, None, account_id=order.account_id, grant_id=str(grant.id),
              enterprise_id=str(grant.enterprise_id), order_id=str(order.id), application_id=str(application.id))


async def _grant_for(uow: UnitOfWork, application: ServiceApplication, order: Order,
                     now: datetime) -> CertificateGrant | None:
    """The grant the application asked for: its platform, the operations of the entitlement this order created, and
    that entitlement's life (the last day in China Standard Time, as a grant made by hand may reach). None when the
    applicant is no longer that member (the application is then withdrawn, so this does not happen) or nothing is
    left to grant; a hook never refuses money that arrived."""
    membership = await uow.memberships.of(application.enterprise_id, application.applicant_account_id)
    held = [e for e in await uow.entitlements.for_holder(HolderKind.ENTERPRISE, application.enterprise_id)
            if e.order_id == order.id and e.plan_id == application.plan_id]
    if membership is None or membership.id != application.applicant_membership_id or not held:
        return None
    entitlement = held[0]
    if not entitlement.is_active(now):  # nothing left to grant; the money is kept all the same
        return None
    assert application.approved_by is not None and application.approved_at is not None
    assert application.signed_blob_id and application.signed_sha256 and application.certificate_id
    return CertificateGrant.for_paid_application(
        enterprise_id=application.enterprise_id, membership_id=membership.id,
        member_account_id=application.applicant_account_id, platform_id=application.platform_id,
        operations=list(entitlement.operations), last_day=entitlement.valid_until.astimezone(CHINA_TZ).date(),
        approved_by=application.approved_by, approved_at=application.approved_at,
        letter_blob_id=application.letter_blob_id, letter_sha256=application.letter_sha256,
        signed_blob_id=application.signed_blob_id, signed_sha256=application.signed_sha256,
        certificate_id=application.certificate_id, order_id=order.id, now=now)
