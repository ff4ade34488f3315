"""WatchScanSession: the platform's web page follows one session's status, authorised by the session's watch
token alone (no private key in a browser). Backs the scanSessionChanged subscription."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from application.ports import Clock, SecretHasher, UnitOfWorkFactory, reading
from application.scans.feed import ScanSessionChange, ScanSessionFeed
from domain.errors import Forbidden

# The keyed-hash purpose under which createScanSession stores the watch token.
WATCH_TOKEN_PURPOSE = "scan-watch-token"

FINAL = frozenset({"CONFIRMED", "DECLINED", "EXPIRED"})
ORDER = {"WAITING": 0, "SCANNED": 1, "CONFIRMED": 2, "DECLINED": 2, "EXPIRED": 2}


@dataclass(frozen=True)
class WatchedSession:
    """What the watcher needs of a ScanSession."""

    t_id: str
    watch_token_hash: str
    status: str  # as of now (EXPIRED once past the deadline, before the expiry worker records it)
    expires_at: datetime


class WatchedSessions(Protocol):
    async def watched(self, t_id: str, now: datetime) -> WatchedSession | None: ...


class WatchTokenRefused(Forbidden):
    def __init__(self) -> None:
        # One answer for "no such session" and "wrong token": a tId alone reveals nothing.
        super().__init__("扫码业务不存在或订阅凭证无效")


@dataclass(frozen=True)
class WatchScanSessionCommand:
    t_id: str
    watch_token: str


class WatchScanSession:
    def __init__(self, sessions: WatchedSessions, feed: ScanSessionFeed, hasher: SecretHasher, clock: Clock,
                 *, expiry_grace_seconds: float = 2.0) -> None:
        self._sessions, self._feed, self._hasher, self._clock = sessions, feed, hasher, clock
        self._grace = expiry_grace_seconds

    async def __call__(self, cmd: WatchScanSessionCommand) -> AsyncIterator[ScanSessionChange]:
        """Checks the token (WatchTokenRefused before any event), then returns the stream: the current status
        first, then each later one, ending after a final status (CONFIRMED, DECLINED, EXPIRED)."""
        t_id, token = (cmd.t_id or "")[:64], cmd.watch_token or ""
        found = await self._sessions.watched(t_id, self._clock.now())
        if found is None or not token or not hmac.compare_digest(
                self._hasher.hash(WATCH_TOKEN_PURPOSE, token[:256]), found.watch_token_hash):
            raise WatchTokenRefused()
        # Subscribed before the status is read again: a change between the two reads is not lost.
        stream = self._feed.subscribe(t_id)
        return self._events(found, stream)

    async def _events(self, found: WatchedSession, stream: AsyncIterator[ScanSessionChange]
                      ) -> AsyncIterator[ScanSessionChange]:
        pending: asyncio.Future[ScanSessionChange] | None = None
        try:
            current = await self._sessions.watched(found.t_id, self._clock.now()) or found
            last = current.status
            yield ScanSessionChange(found.t_id, last)
            while last not in FINAL:
                # Unscanned or unconfirmed sessions expire even if no worker announces it. The read is not
                # cancelled on timeout (that would end the stream); it stays pending for the next round.
                wait = (current.expires_at - self._clock.now()).total_seconds() + self._grace
                if pending is None:
                    pending = asyncio.ensure_future(anext(stream))
                done, _ = await asyncio.wait({pending}, timeout=max(wait, 0.05))
                if done:
                    change, pending = pending.result(), None
                else:
                    again = await self._sessions.watched(found.t_id, self._clock.now())
                    status = again.status if again is not None else "EXPIRED"
                    if status == last:
                        continue
                    change = ScanSessionChange(found.t_id, status)
                if ORDER.get(change.status, -1) <= ORDER.get(last, -1):
                    continue  # a repeat (two workers announcing one change) or a late, older one
                last = change.status
                yield change
        finally:
            if pending is not None:
                pending.cancel()
                with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                    await pending
            await stream.aclose()  # type: ignore[attr-defined]


class UnitOfWorkWatchedSessions:
    """WatchedSessions read through the unit of work's scan-session repository."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def watched(self, t_id: str, now: datetime) -> WatchedSession | None:
        async with reading(self._uow) as uow:
            scan = await uow.scan_sessions.by_t_id(t_id)  # type: ignore[attr-defined]
        if scan is None:
            return None
        return WatchedSession(scan.t_id, scan.watch_token_hash, scan.status_at(now).value, scan.expires_at)
