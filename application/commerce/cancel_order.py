"""CancelOrder: the buyer cancels an order that is still waiting for payment."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.audit import audit
from application.commerce.order_feed import OrderFeed, publish_order_change
from application.commerce.orders import own_order
from application.context import Principal, require_account
from application.ports import Clock, UnitOfWorkFactory
from domain.commerce.order import Order


@dataclass(frozen=True)
class CancelOrderCommand:
    principal: Principal | None
    order_id: UUID


class CancelOrder:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, feed: OrderFeed | None = None) -> None:
        self._uow, self._clock, self._feed = uow, clock, feed

    async def __call__(self, cmd: CancelOrderCommand) -> Order:
        me = require_account(cmd.principal)
        async with self._uow() as uow:
            order = await own_order(uow, me, cmd.order_id)
            payments = await uow.payments.for_order(order.id)  # read before writing: no autoflush mid-change
            now = self._clock.now()
            order.cancel(now)
            for payment in payments:
                payment.close()
            audit(uow, "order.cancelled", now, None, account_id=me.id, order_id=str(order.id))
            await uow.commit()  # Conflict if the payment notification got there first
        await publish_order_change(self._feed, order.id, order.status.value)
        return order
