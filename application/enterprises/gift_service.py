"""GiftService (赠送服务, manual §8.1): the enterprise's admin or legal rep buys personal plans for one of its
members. The enterprise pays (the admin places and pays the order); the member holds the entitlements and claims
their own personal certificate with them (§6.1.1). Outsiders get NotFound; plain members NOT_ENTERPRISE_ADMIN;
someone who is not a member of this enterprise NotFound on memberId; enterprise plans PLAN_SUBJECT_MISMATCH.

`tell_gifted_member` is the fulfilment hook that tells the member, once paid, what they were given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.audit import audit
from application.commerce.policy import CommercePolicy
from application.context import Principal, RequestMeta, require_account
from application.enterprises.certified_access import certified_and_administered
from application.enterprises.member_access import notify
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from domain.commerce.order import MAX_ITEMS, Order
from domain.errors import InvalidInput, NotFound


@dataclass(frozen=True)
class GiftServiceCommand:
    principal: Principal | None
    enterprise_id: UUID
    membership_id: UUID
    plan_ids: list[UUID]
    meta: RequestMeta | None = None


class GiftService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, policy: CommercePolicy) -> None:
        self._uow, self._clock, self._policy = uow, clock, policy

    async def __call__(self, cmd: GiftServiceCommand) -> Order:
        me = require_account(cmd.principal)
        if not cmd.plan_ids:
            raise InvalidInput("请至少选择一个套餐", field="planIds")
        if len(cmd.plan_ids) > MAX_ITEMS:
            raise InvalidInput(f"一个订单最多包含{MAX_ITEMS}个套餐", field="planIds")
        async with self._uow() as uow:
            enterprise = await certified_and_administered(uow, me.id, cmd.enterprise_id)
            member = next((m for m in await uow.memberships.for_enterprise(enterprise.id)
                           if m.id == cmd.membership_id), None)
            account = await uow.accounts.get(member.account_id) if member is not None else None
            if member is None or account is None or not account.is_active:
                raise NotFound("该成员不在本企业中", field="memberId")
            found = {p.id: p for p in await uow.service_plans.many(list(cmd.plan_ids))}
            if any(i not in found or not found[i].active for i in cmd.plan_ids):
                raise NotFound("所选套餐不存在或已下架", field="planIds")
            now = self._clock.now()
            order = Order.place_gift(account_id=me.id, enterprise_id=enterprise.id, member_account_id=member.account_id,
                                     plans=[found[i] for i in cmd.plan_ids], now=now,
                                     payment_timeout=self._policy.payment_timeout)
            uow.orders.add(order)
            audit(uow, "enterprise.service_gift_ordered", now, cmd.meta, account_id=me.id,
                  enterprise_id=str(enterprise.id), order_id=str(order.id), member_account_id=str(member.account_id),
                  amount_fen=order.amount_fen)
            await uow.commit()
        return order


async def tell_gifted_member(uow: UnitOfWork, order: Order, now: datetime) -> None:
    if order.beneficiary_account_id is None or order.enterprise_id is None:
        return
    enterprise = await uow.enterprises.get(order.enterprise_id)
    member = await uow.accounts.get(order.beneficiary_account_id)
    if enterprise is None or member is None or not member.is_active:
        return
    plans = "、".join(line.plan_name for line in order.lines)
    notify(uow, member.phone, f"【数信签】{enterprise.name}为您开通了证书服务（{plans}），"
                              f"请登录数信签领取您的个人数字证书。")
    audit(uow, "enterprise.service_gifted", now, None, account_id=order.account_id,
          enterprise_id=str(order.enterprise_id), order_id=str(order.id),
          member_account_id=str(order.beneficiary_account_id))
