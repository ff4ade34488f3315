"""The order feed: order changes keyed by order id, on a channel of their own (a scan feed on the same backend
hears none of them), in-process, over PostgreSQL LISTEN/NOTIFY and over Redis pub/sub."""

from __future__ import annotations

import asyncio
import uuid

from adapters.realtime.orders import KeyedOrderFeed, make_order_feed
from application.commerce.order_feed import OrderChange
from tests.integration.realtime.test_feeds import _nothing_within, postgres_url, redis_url  # noqa: F401


async def _between_workers(make_order_feed_, make_scan_feed_) -> None:
    a, b, scans = make_order_feed_(), make_order_feed_(), make_scan_feed_()
    try:
        mine, other = uuid.uuid4(), uuid.uuid4()
        for feed in (a, b, scans):
            await feed.start()
        heard, elsewhere = b.subscribe(mine), b.subscribe(other)
        scan_stream = scans.subscribe(str(mine))
        await a.publish(OrderChange(mine, "FULFILLED"))  # through another worker's feed
        assert await asyncio.wait_for(anext(heard), 5) == OrderChange(mine, "FULFILLED")
        assert await _nothing_within(elsewhere)
        assert await _nothing_within(scan_stream), "the scan feed's channel carried an order change"
        for s in (heard, elsewhere, scan_stream):
            await s.aclose()
        assert b.subscriber_count() == 0
    finally:
        for feed in (a, b, scans):
            await feed.close()


async def test_in_process():
    feed = make_order_feed("sqlite+aiosqlite:///x.db", None)
    order = uuid.uuid4()
    stream = feed.subscribe(order)
    assert feed.subscriber_count(order) == 1
    await feed.publish(OrderChange(order, "CANCELLED"))
    assert await asyncio.wait_for(anext(stream), 5) == OrderChange(order, "CANCELLED")
    await stream.aclose()
    assert feed.subscriber_count() == 0


async def test_postgres_listen_notify(postgres_url):  # noqa: F811
    from adapters.realtime.postgres import PostgresScanSessionFeed

    assert isinstance(make_order_feed(postgres_url, None), KeyedOrderFeed)
    await _between_workers(lambda: make_order_feed(postgres_url, None),
                           lambda: PostgresScanSessionFeed(postgres_url))


async def test_redis_pubsub(redis_url):  # noqa: F811
    from adapters.realtime.redis_pubsub import RedisScanSessionFeed

    await _between_workers(lambda: make_order_feed("sqlite+aiosqlite:///x.db", redis_url),
                           lambda: RedisScanSessionFeed(redis_url))
