"""CloseExpiredOrders: the worker's job that closes orders left unpaid past their deadline."""

from __future__ import annotations

from application.audit import audit
from application.commerce.order_feed import OrderFeed, publish_order_change
from application.commerce.policy import CommercePolicy
from application.ports import Clock, UnitOfWorkFactory
from domain.errors import Conflict


class CloseExpiredOrders:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, policy: CommercePolicy,
                 feed: OrderFeed | None = None) -> None:
        self._uow, self._clock, self._policy, self._feed = uow, clock, policy, feed

    async def __call__(self) -> int:
        """Closes one batch; returns how many orders it closed (a concurrent payment wins: its commit retries)."""
        try:
            async with self._uow() as uow:
                now = self._clock.now()
                orders = await uow.orders.expired_unpaid(now, self._policy.close_batch)
                payments = [await uow.payments.for_order(o.id) for o in orders]  # reads before writes
                for order, of_order in zip(orders, payments, strict=True):
                    order.close_if_expired(now)
                    for payment in of_order:
                        payment.close()
                    audit(uow, "order.closed", now, None, account_id=order.account_id, order_id=str(order.id))
                if orders:
                    await uow.commit()
            for order in orders:
                await publish_order_change(self._feed, order.id, order.status.value)
            return len(orders)
        except Conflict:
            return 0  # someone paid or cancelled meanwhile; the next pass sees the new state
