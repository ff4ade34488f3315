"""The change feed of orders: how the buyer's app hears, on any worker, that an order or one of its payments
changed (paid, fulfilled, failed, cancelled, closed) without polling. Backs the orderChanged subscription.

Publish after the change commits (best effort: a subscriber that misses a push still reads the order).
Adapters: the scan feed's (adapters/realtime) on a channel of their own."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OrderChange:
    order_id: UUID
    status: str  # the order's status after the change (a payment may change while the order's does not)


class OrderFeed(Protocol):
    async def publish(self, change: OrderChange) -> None: ...

    def subscribe(self, order_id: UUID) -> AsyncIterator[OrderChange]:
        """Changes of one order from now on; the iterator ends when the consumer stops iterating."""
        ...


async def publish_order_change(feed: OrderFeed | None, order_id: UUID, status: str) -> None:
    if feed is None:
        return
    try:
        await feed.publish(OrderChange(order_id=order_id, status=status))
    except Exception:
        log.exception("publishing a change of order %s failed", order_id)
