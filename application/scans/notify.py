"""After a state change commits: tell the change feed (best effort — the callback in the outbox is the
durable channel; a subscriber that misses a push still reads the status by tId)."""

from __future__ import annotations

import logging

from application.scans.feed import ScanSessionChange, ScanSessionFeed
from domain.scans.session import ScanStatus

log = logging.getLogger(__name__)


async def publish(feed: ScanSessionFeed | None, t_id: str, status: ScanStatus) -> None:
    if feed is None:
        return
    try:
        await feed.publish(ScanSessionChange(t_id=t_id, status=status.value))
    except Exception:
        log.exception("publishing %s of scan session %s failed", status.value, t_id)
