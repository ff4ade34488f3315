"""§6.3.2 购买服务: the applicant buys the plan their approved application names, for the enterprise.

`order_for_application` is what PlaceOrder runs for `serviceApplicationId`; `purchase_on_fulfilment` is the order
fulfilment hook (application/commerce/fulfilment_hooks.py) that marks the application PURCHASED in the payment
notification's own transaction."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from application.audit import audit
from application.ports import UnitOfWork
from domain.commerce.catalogue import ServicePlan
from domain.commerce.order import Order, OrderStatus
from domain.enterprises.enterprise import EnterpriseNotCertified
from domain.enterprises.service_application import NotApplicant, ServiceApplicationStatus
from domain.errors import NotFound


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
