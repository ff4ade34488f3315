"""The change feed of orders (application/commerce/order_feed.py) over the scan feeds' machinery.

The scan feeds already carry (key, status) pairs within a worker, over PostgreSQL LISTEN/NOTIFY and over Redis;
orders get an instance of their own on a channel of their own (so neither stream sees the other's keys), keyed
by the order id."""

from __future__ import annotations

from collections.abc import AsyncIterator
from uuid import UUID

from application.commerce.order_feed import OrderChange
from application.scans.feed import ScanSessionChange

PG_CHANNEL = "order_changed"
REDIS_CHANNEL = "sxq:order_changed"


class KeyedOrderFeed:
    def __init__(self, inner) -> None:
        self._inner = inner

    async def publish(self, change: OrderChange) -> None:
        await self._inner.publish(ScanSessionChange(t_id=str(change.order_id), status=change.status))

    def subscribe(self, order_id: UUID) -> AsyncIterator[OrderChange]:
        # The inner feed registers the subscriber now, so a change right after this call is not lost.
        return self._orders(order_id, self._inner.subscribe(str(order_id)))

    @staticmethod
    async def _orders(order_id: UUID, stream: AsyncIterator[ScanSessionChange]) -> AsyncIterator[OrderChange]:
        try:
            async for change in stream:
                yield OrderChange(order_id=order_id, status=change.status)
        finally:
            await stream.aclose()  # type: ignore[attr-defined]

    def subscriber_count(self, order_id: UUID | None = None) -> int:
        return self._inner.subscriber_count(None if order_id is None else str(order_id))

    async def start(self) -> None:
        await self._inner.start()

    async def close(self) -> None:
        await self._inner.close()


def make_order_feed(database_url: str, redis_url: str | None) -> KeyedOrderFeed:
    if redis_url:
        from adapters.realtime.redis_pubsub import RedisScanSessionFeed

        return KeyedOrderFeed(RedisScanSessionFeed(redis_url, channel=REDIS_CHANNEL))
    if database_url.startswith(("postgresql", "postgres")):
        from adapters.realtime.postgres import PostgresScanSessionFeed

        return KeyedOrderFeed(PostgresScanSessionFeed(database_url, channel=PG_CHANNEL))
    from adapters.realtime.inprocess import InProcessScanSessionFeed

    return KeyedOrderFeed(InProcessScanSessionFeed())
