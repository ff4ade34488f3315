"""PlaceOrder: a person orders one or more personal plans, or — as an enterprise's admin or legal rep — enterprise
plans for that certified enterprise (§6.2); with a grant, the grantor or the member pays its activation (§8.5);
with an approved service application, the applicant buys the plan for the enterprise (§6.3). The order snapshots
each plan's price and terms."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.audit import audit
from application.commerce.policy import CommercePolicy
from application.context import Principal, require_account
from application.enterprises.certified_access import certified_and_administered
from application.enterprises.service_application_purchase import order_for_application
from application.grants.lifecycle import grant_order_enterprise, order_placed_for_grant
from application.ports import Clock, UnitOfWorkFactory
from domain.commerce.order import MAX_ITEMS, Order
from domain.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class PlaceOrderCommand:
    principal: Principal | None
    plan_ids: list[UUID]
    enterprise_id: UUID | None = None
    grant_id: UUID | None = None
    service_application_id: UUID | None = None


class PlaceOrder:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, policy: CommercePolicy) -> None:
        self._uow, self._clock, self._policy = uow, clock, policy

    async def __call__(self, cmd: PlaceOrderCommand) -> Order:
        me = require_account(cmd.principal)
        if not cmd.plan_ids:
            raise InvalidInput("请至少选择一个套餐", field="planIds")
        if len(cmd.plan_ids) > MAX_ITEMS:
            raise InvalidInput(f"一个订单最多包含{MAX_ITEMS}个套餐", field="planIds")
        async with self._uow() as uow:
            found = {p.id: p for p in await uow.service_plans.many(list(cmd.plan_ids))}
            missing = [i for i in cmd.plan_ids if i not in found or not found[i].active]
            if missing:
                raise NotFound("所选套餐不存在或已下架", field="planIds")
            now = self._clock.now()
            plans = [found[i] for i in cmd.plan_ids]
            if cmd.grant_id is not None:
                # §8.5: the grantor or the member buys the enterprise's service the grant runs on.
                if cmd.enterprise_id is not None:
                    raise InvalidInput("授权开通的订单无需另选企业", field="enterpriseId")
                grant = await grant_order_enterprise(uow, me.id, cmd.grant_id, plans, now)
                order = Order.place_for_enterprise(account_id=me.id, enterprise_id=grant.enterprise_id, plans=plans,
                                                   now=now, payment_timeout=self._policy.payment_timeout)
                order_placed_for_grant(grant, order)
            elif cmd.service_application_id is not None:
                # §6.3.2: the applicant buys the plan the legal rep approved; the enterprise holds it.
                if cmd.enterprise_id is not None:
                    raise InvalidInput("成员申请的订单无需另选企业", field="enterpriseId")
                order = await order_for_application(uow, me.id, cmd.service_application_id, plans, now,
                                                    self._policy.payment_timeout)
            elif cmd.enterprise_id is None:
                order = Order.place_personal(account_id=me.id, plans=plans, now=now,
                                             payment_timeout=self._policy.payment_timeout)
            else:
                enterprise = await certified_and_administered(uow, me.id, cmd.enterprise_id)
                order = Order.place_for_enterprise(account_id=me.id, enterprise_id=enterprise.id, plans=plans,
                                                   now=now, payment_timeout=self._policy.payment_timeout)
            uow.orders.add(order)
            audit(uow, "order.placed", now, None, account_id=me.id, order_id=str(order.id),
                  amount_fen=order.amount_fen, enterprise_id=str(order.enterprise_id) if order.enterprise_id else None)
            await uow.commit()
        return order
