"""The change feed across workers over Redis pub/sub (chosen when SXQ_REDIS_URL is set).

Each worker keeps one pub/sub connection subscribed to one channel; a change is PUBLISHed as JSON
{"tId", "status"} and every worker hands it to its local subscribers of that tId."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import redis.asyncio as aioredis
from redis.exceptions import RedisError

from adapters.realtime.inprocess import InProcessScanSessionFeed
from adapters.realtime.postgres import decode, encode
from adapters.realtime.relay import RelayedFeed
from application.scans.feed import ScanSessionChange

log = logging.getLogger(__name__)

CHANNEL = "sxq:scan_session_changed"


class RedisScanSessionFeed(RelayedFeed):
    def __init__(self, redis_url: str, *, channel: str = CHANNEL, reconnect_seconds: float = 1.0) -> None:
        self._url = redis_url
        self._channel = channel
        self._reconnect_seconds = reconnect_seconds
        self._local = InProcessScanSessionFeed()
        self._client: aioredis.Redis | None = None
        self._reader: asyncio.Task | None = None
        self._ready: asyncio.Event | None = None
        self._start_lock = asyncio.Lock()

    def _redis(self) -> aioredis.Redis:
        if self._client is None:
            self._client = aioredis.Redis.from_url(self._url, decode_responses=True)
        return self._client

    async def start(self) -> None:
        """Subscribes; subscribers hear changes from every worker once this returns."""
        async with self._start_lock:
            if self._reader is None or self._reader.done():
                self._ready = asyncio.Event()
                self._reader = asyncio.get_running_loop().create_task(self._read())
        assert self._ready is not None
        reader = self._reader
        waiter = asyncio.ensure_future(self._ready.wait())
        done, _ = await asyncio.wait({waiter, reader}, return_when=asyncio.FIRST_COMPLETED)
        if waiter not in done:
            waiter.cancel()
            reader.result()  # the reader died before subscribing: raise its error

    async def _read(self) -> None:
        delay = self._reconnect_seconds
        first = True
        while True:
            pubsub = self._redis().pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self._channel)
                assert self._ready is not None
                self._ready.set()
                delay = self._reconnect_seconds
                while True:
                    message = await pubsub.get_message(timeout=30.0)
                    if message is None or message.get("type") != "message":
                        continue
                    change = decode(message["data"])
                    if change is None:
                        log.warning("ignored a malformed %s message", self._channel)
                        continue
                    self._local.deliver(change)
            except (RedisError, OSError) as exc:
                if first and not self._ready.is_set():
                    raise
                log.warning("scan feed lost Redis (%s); resubscribing in %.0f s", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 30.0)
            finally:
                first = False
                with contextlib.suppress(Exception):
                    await pubsub.aclose()

    async def publish(self, change: ScanSessionChange) -> None:
        await self._redis().publish(self._channel, encode(change))

    def _listening(self) -> bool:
        return self._ready is not None and self._ready.is_set()

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, RedisError, OSError):
                await self._reader
            self._reader = None
        if self._client is not None:
            await self._client.aclose()
            self._client = None
