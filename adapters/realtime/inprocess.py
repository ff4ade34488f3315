"""The in-process change feed: asyncio fan-out inside one worker. The default for SQLite (one process), and the
local fan-out behind the PostgreSQL and Redis feeds, which only carry changes between workers."""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator

from application.scans.feed import ScanSessionChange

log = logging.getLogger(__name__)

# A session has a handful of status changes in its life; a subscriber this far behind is not reading.
QUEUE_LIMIT = 64


class InProcessScanSessionFeed:
    def __init__(self) -> None:
        self._subscribers: dict[str, set[asyncio.Queue[ScanSessionChange]]] = {}

    async def publish(self, change: ScanSessionChange) -> None:
        self.deliver(change)

    def deliver(self, change: ScanSessionChange) -> None:
        """Hands a change to this worker's subscribers of its tId (synchronous: safe from a listener callback)."""
        for queue in tuple(self._subscribers.get(change.t_id, ())):
            try:
                queue.put_nowait(change)
            except asyncio.QueueFull:
                log.warning("scan feed subscriber of %s is not reading; change %s dropped", change.t_id,
                            change.status)

    def subscribe(self, t_id: str) -> AsyncIterator[ScanSessionChange]:
        # Registered now, not at the first __anext__: a change published between subscribe() and the first
        # read is not lost.
        queue: asyncio.Queue[ScanSessionChange] = asyncio.Queue(QUEUE_LIMIT)
        self._subscribers.setdefault(t_id, set()).add(queue)
        stream = self._drain(t_id, queue)
        # A stream dropped before its first read never runs its finally: unregister when it is collected.
        weakref.finalize(stream, self._unsubscribe, t_id, queue)
        return stream

    async def _drain(self, t_id: str, queue: asyncio.Queue[ScanSessionChange]) -> AsyncIterator[ScanSessionChange]:
        try:
            while True:
                yield await queue.get()
        finally:
            self._unsubscribe(t_id, queue)

    def _unsubscribe(self, t_id: str, queue: asyncio.Queue[ScanSessionChange]) -> None:
        queues = self._subscribers.get(t_id)
        if queues is not None:
            queues.discard(queue)
            if not queues:
                del self._subscribers[t_id]

    def subscriber_count(self, t_id: str | None = None) -> int:
        if t_id is not None:
            return len(self._subscribers.get(t_id, ()))
        return sum(len(q) for q in self._subscribers.values())

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None
