"""What a buyer reads about their orders: the order page, bill records, the invoice of each order."""

from __future__ import annotations

from uuid import UUID

from application.context import Principal, require_account
from application.ports import Page, UnitOfWorkFactory, reading
from domain.commerce.bill import BillRecord
from domain.commerce.invoice import Invoice
from domain.commerce.order import Order

MAX_PAGE = 100


class ListMyOrders:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, principal: Principal | None, first: int, after: str | None) -> Page[Order]:
        me = require_account(principal)
        async with reading(self._uow) as uow:
            return await uow.orders.page_for_account(me.id, first=max(0, min(first, MAX_PAGE)), after=after)


class GetOrderDetails:
    """Batched reads under one order the caller has already been shown (its own)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def bill_records(self, order_id: UUID, first: int, after: str | None) -> Page[BillRecord]:
        async with reading(self._uow) as uow:
            return await uow.bill_records.page_for_order(order_id, first=max(0, min(first, MAX_PAGE)), after=after)

    async def invoices(self, order_ids: list[UUID]) -> list[Invoice | None]:
        async with reading(self._uow) as uow:
            found = {i.order_id: i for i in await uow.invoices.for_orders(order_ids)}
        return [found.get(i) for i in order_ids]

    async def orders(self, order_ids: list[UUID]) -> list[Order | None]:
        async with reading(self._uow) as uow:
            return [await uow.orders.get(i) for i in order_ids]
