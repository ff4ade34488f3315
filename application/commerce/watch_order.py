"""WatchOrder: the buyer's app follows one of its own orders (the orderChanged subscription) instead of polling:
the order as it stands, then the order again after each change to it or to one of its payments, ending once the
order is FULFILLED, CANCELLED or CLOSED. Someone else's order is "not found", as for every order read."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.commerce.order_feed import OrderChange, OrderFeed
from application.commerce.orders import own_order
from application.context import Principal, require_account
from application.ports import Clock, UnitOfWorkFactory
from domain.commerce.order import Order, OrderStatus
from domain.commerce.payment import Payment

FINAL = frozenset({OrderStatus.FULFILLED, OrderStatus.CANCELLED, OrderStatus.CLOSED})


@dataclass(frozen=True)
class WatchOrderCommand:
    principal: Principal | None
    order_id: UUID


@dataclass(frozen=True)
class OrderState:
    order: Order
    payments: list[Payment]
    at: datetime  # when it was read: the order's effective status depends on it (unpaid past expiry → CLOSED)

    @property
    def status(self) -> OrderStatus:
        return self.order.effective_status(self.at)

    def fingerprint(self) -> tuple:
        return (self.status, tuple(sorted((str(p.id), p.status.value) for p in self.payments)))


class WatchOrder:
    def __init__(self, uow: UnitOfWorkFactory, feed: OrderFeed, clock: Clock, *,
                 expiry_grace_seconds: float = 2.0) -> None:
        self._uow, self._feed, self._clock, self._grace = uow, feed, clock, expiry_grace_seconds

    async def _read(self, principal: Principal, order_id: UUID) -> OrderState:
        async with self._uow() as uow:
            order = await own_order(uow, principal, order_id)
            payments = await uow.payments.for_order(order.id)
        return OrderState(order, payments, self._clock.now())

    async def __call__(self, cmd: WatchOrderCommand) -> AsyncIterator[OrderState]:
        """Checks the caller owns the order (NotFound before any event), then returns the stream."""
        me = require_account(cmd.principal)
        await self._read(me, cmd.order_id)
        # Subscribed before the order is read again: a change between the two reads is not lost.
        stream = self._feed.subscribe(cmd.order_id)
        return self._events(me, cmd.order_id, stream)

    async def _events(self, me: Principal, order_id: UUID, stream: AsyncIterator[OrderChange]
                      ) -> AsyncIterator[OrderState]:
        pending: asyncio.Future[OrderChange] | None = None
        try:
            state = await self._read(me, order_id)
            yield state
            while state.status not in FINAL:
                # An unpaid order closes at its deadline even if no worker announces it: read again then.
                wait = None
                if state.status is OrderStatus.PENDING_PAYMENT:
                    wait = max((state.order.expires_at - self._clock.now()).total_seconds() + self._grace, 0.05)
                if pending is None:
                    pending = asyncio.ensure_future(anext(stream))
                done, _ = await asyncio.wait({pending}, timeout=wait)
                if done:
                    pending.result()
                    pending = None
                again = await self._read(me, order_id)
                if again.fingerprint() != state.fingerprint():
                    yield again
                state = again  # repeats (two workers announcing one change) are not sent twice
        finally:
            if pending is not None:
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                    await pending
            await stream.aclose()  # type: ignore[attr-defined]
