"""What else happens when an order is fulfilled, in the payment notification's transaction (all or nothing).

Hooks are async callables `hook(uow, order, now)`, run in order after the order's entitlements are created. They
must not refuse money that arrived: a hook that finds nothing to do returns quietly."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from application.enterprises.gift_service import tell_gifted_member
from application.enterprises.service_application_purchase import purchase_on_fulfilment
from application.grants.lifecycle import activate_paid_grant
from application.ports import UnitOfWork
from domain.commerce.order import Order

OrderFulfilledHook = Callable[[UnitOfWork, Order, datetime], Awaitable[None]]

ORDER_FULFILLED_HOOKS: tuple[OrderFulfilledHook, ...] = (
    purchase_on_fulfilment,  # §6.3.2 the member's application is PURCHASED
    tell_gifted_member,  # §8.1 the member hears of the gift
    activate_paid_grant,  # §8.5 the certificate grant this order pays becomes ACTIVE
)


async def run_fulfilment_hooks(hooks: Sequence[OrderFulfilledHook], uow: UnitOfWork, order: Order,
                               now: datetime) -> None:
    for hook in hooks:
        await hook(uow, order, now)
