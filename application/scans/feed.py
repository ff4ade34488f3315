"""The change feed of scan sessions: how a platform's web page hears of a state change made by any worker.

Publish after the change commits; subscribers get every later status of one tId until they stop.
Adapters: in-process (SQLite, one worker), PostgreSQL LISTEN/NOTIFY, Redis pub/sub."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class ScanSessionChange:
    t_id: str
    status: str  # WAITING | SCANNED | CONFIRMED | DECLINED | EXPIRED


class ScanSessionFeed(Protocol):
    async def publish(self, change: ScanSessionChange) -> None: ...

    def subscribe(self, t_id: str) -> AsyncIterator[ScanSessionChange]:
        """Changes of one session from now on; the iterator ends when the consumer stops iterating."""
        ...
