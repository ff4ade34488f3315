"""ExpireScanSessions: the worker records the lapse of WAITING/SCANNED sessions past their deadline and tells
the platform EXPIRED. Each session in its own transaction: a confirm that wins the race is left alone."""

from __future__ import annotations

from application.ports import Clock, UnitOfWorkFactory
from application.scans.callbacks import enqueue_callback
from application.scans.feed import ScanSessionFeed
from application.scans.notify import publish
from domain.errors import Conflict
from domain.scans.session import ScanStatus


class ExpireScanSessions:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, feed: ScanSessionFeed | None = None,
                 batch: int = 50) -> None:
        self._uow, self._clock, self._feed, self._batch = uow, clock, feed, batch

    async def __call__(self) -> int:
        """One pass; returns how many sessions it expired."""
        now = self._clock.now()
        async with self._uow() as uow:
            due = [s.id for s in await uow.scan_sessions.due_to_expire(now, self._batch)]
        expired = 0
        for session_id in due:
            async with self._uow() as uow:
                session = await uow.scan_sessions.get(session_id)
                if session is None or not session.expire(now):
                    continue
                platform = await uow.trading_platforms.get(session.platform_id)
                assert platform is not None
                enqueue_callback(uow, platform, session, ScanStatus.EXPIRED, now)
                try:
                    await uow.commit()
                except Conflict:
                    continue  # confirmed or declined meanwhile
            expired += 1
            await publish(self._feed, session.t_id, ScanStatus.EXPIRED)
        return expired
