"""Finding one of the caller's own orders: someone else's order is "not found", never "forbidden"."""

from __future__ import annotations

from uuid import UUID

from application.context import Principal
from application.ports import UnitOfWork
from domain.commerce.order import Order
from domain.errors import NotFound


async def own_order(uow: UnitOfWork, principal: Principal, order_id: UUID) -> Order:
    order = await uow.orders.get(order_id)
    if order is None or (principal.is_account and order.account_id != principal.id):
        raise NotFound("订单不存在", field="orderId")
    return order
