"""The scan-session change feed: in-process semantics, and across workers (several feed instances) over
PostgreSQL LISTEN/NOTIFY and Redis pub/sub."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import socket
import uuid

import pytest

from adapters.realtime.inprocess import InProcessScanSessionFeed
from application.scans.feed import ScanSessionChange

REDIS_URL = os.environ.get("SXQ_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _change(t_id: str, status: str) -> ScanSessionChange:
    return ScanSessionChange(t_id=t_id, status=status)


async def _next(stream, wait: float = 5.0) -> ScanSessionChange:
    return await asyncio.wait_for(anext(stream), wait)


async def _nothing_within(stream, seconds: float = 0.2) -> bool:
    task = asyncio.ensure_future(anext(stream))
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if done:
        return False
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
        await task
    return True


# ------------------------------------------------------------------ in-process


async def test_a_subscriber_gets_the_changes_of_its_session_only_in_order():
    feed = InProcessScanSessionFeed()
    a, b = feed.subscribe("T-A"), feed.subscribe("T-B")
    await feed.publish(_change("T-A", "SCANNED"))
    await feed.publish(_change("T-B", "DECLINED"))
    await feed.publish(_change("T-A", "CONFIRMED"))
    assert [await _next(a), await _next(a)] == [_change("T-A", "SCANNED"), _change("T-A", "CONFIRMED")]
    assert await _next(b) == _change("T-B", "DECLINED")
    assert await _nothing_within(b)
    await a.aclose()
    await b.aclose()


async def test_every_subscriber_of_a_session_gets_every_change():
    feed = InProcessScanSessionFeed()
    first, second = feed.subscribe("T-1"), feed.subscribe("T-1")
    await feed.publish(_change("T-1", "SCANNED"))
    assert (await _next(first)).status == (await _next(second)).status == "SCANNED"
    await first.aclose()
    await second.aclose()


async def test_a_change_published_before_the_first_read_is_kept():
    feed = InProcessScanSessionFeed()
    stream = feed.subscribe("T-1")
    await feed.publish(_change("T-1", "SCANNED"))  # nobody awaits the stream yet
    assert (await _next(stream)).status == "SCANNED"
    await stream.aclose()


async def test_a_consumer_that_stops_leaves_no_subscriber_behind():
    feed = InProcessScanSessionFeed()

    async def consume_one() -> str:
        async for change in feed.subscribe("T-1"):
            return change.status
        raise AssertionError("unreachable")

    task = asyncio.create_task(consume_one())
    await asyncio.sleep(0)
    assert feed.subscriber_count("T-1") == 1
    await feed.publish(_change("T-1", "SCANNED"))
    assert await asyncio.wait_for(task, 5) == "SCANNED"
    gc.collect()
    await asyncio.sleep(0)
    assert feed.subscriber_count() == 0

    # Cancelled while waiting (a websocket that closed): cleaned up at once.
    waiting = asyncio.create_task(consume_one())
    await asyncio.sleep(0)
    assert feed.subscriber_count("T-1") == 1
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    assert feed.subscriber_count() == 0

    # Subscribed but never read, then dropped.
    stream = feed.subscribe("T-2")
    assert feed.subscriber_count("T-2") == 1
    del stream
    gc.collect()
    assert feed.subscriber_count() == 0


async def test_publishing_with_nobody_listening_is_harmless():
    feed = InProcessScanSessionFeed()
    await feed.publish(_change("T-nobody", "EXPIRED"))
    assert feed.subscriber_count() == 0


# ------------------------------------------------------------------ across workers


async def _across_workers(make_feed) -> None:
    """Three feed instances = three workers: a change published on one reaches subscribers on the others (and on
    itself), for the right tId only."""
    feeds = [make_feed() for _ in range(3)]
    t_id, other = f"T-{uuid.uuid4().hex[:12]}", f"T-{uuid.uuid4().hex[:12]}"
    try:
        for f in feeds:
            await f.start()
        streams = [f.subscribe(t_id) for f in feeds]
        unrelated = feeds[1].subscribe(other)
        await feeds[0].publish(_change(t_id, "SCANNED"))
        await feeds[2].publish(_change(t_id, "CONFIRMED"))
        for s in streams:
            assert [(await _next(s)).status, (await _next(s)).status] == ["SCANNED", "CONFIRMED"]
        assert await _nothing_within(unrelated)
        for s in (*streams, unrelated):
            await s.aclose()
        assert all(f.subscriber_count() == 0 for f in feeds)
    finally:
        for f in feeds:
            await f.close()


@pytest.fixture
def postgres_url(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL LISTEN/NOTIFY: set SXQ_TEST_DATABASE_URL to a PostgreSQL database")
    return database_url


async def test_postgres_listen_notify_carries_changes_between_workers(postgres_url):
    from adapters.realtime.postgres import PostgresScanSessionFeed

    await _across_workers(lambda: PostgresScanSessionFeed(postgres_url))


async def test_postgres_feed_subscribes_on_first_use(postgres_url):
    from adapters.realtime.postgres import PostgresScanSessionFeed

    a, b = PostgresScanSessionFeed(postgres_url), PostgresScanSessionFeed(postgres_url)
    try:
        stream = b.subscribe("T-lazy")
        first = asyncio.ensure_future(anext(stream))  # starts b's LISTEN connection
        for _ in range(100):
            if b._started:
                break
            await asyncio.sleep(0.02)
        await a.publish(_change("T-lazy", "EXPIRED"))
        assert (await asyncio.wait_for(first, 5)).status == "EXPIRED"
        await stream.aclose()
    finally:
        await a.close()
        await b.close()


def _redis_reachable(url: str) -> bool:
    from urllib.parse import urlparse

    u = urlparse(url)
    try:
        with socket.create_connection((u.hostname or "127.0.0.1", u.port or 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_url() -> str:
    pytest.importorskip("redis")
    if not _redis_reachable(REDIS_URL):
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    return REDIS_URL


async def test_redis_pubsub_carries_changes_between_workers(redis_url):
    from adapters.realtime.redis_pubsub import RedisScanSessionFeed

    await _across_workers(lambda: RedisScanSessionFeed(redis_url))


def test_the_feed_follows_the_settings():
    from adapters.realtime.select import make_scan_feed

    assert type(make_scan_feed("sqlite+aiosqlite:///x.db", None)).__name__ == "InProcessScanSessionFeed"
    assert type(make_scan_feed("postgresql+asyncpg://u@h/db", None)).__name__ == "PostgresScanSessionFeed"
    assert type(make_scan_feed("postgresql+asyncpg://u@h/db", "redis://h:6379/0")).__name__ == \
        "RedisScanSessionFeed"
