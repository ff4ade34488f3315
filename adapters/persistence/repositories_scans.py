"""SQLAlchemy repositories of the scan services: scan sessions and platform request nonces."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence import tables_scans as t
from domain.scans.nonce import PlatformNonce
from domain.scans.session import ScanSession, ScanStatus


class SqlAlchemyScanSessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, scan: ScanSession) -> None:
        self._s.add(scan)

    async def count_by_status(self, since: datetime) -> dict[str, int]:
        c = t.scan_sessions.c
        q = select(c.status, func.count()).where(c.created_at >= since).group_by(c.status)
        return {ScanStatus(status).value: int(n) for status, n in (await self._s.execute(q)).all()}

    async def get(self, session_id: UUID) -> ScanSession | None:
        return await self._s.get(ScanSession, session_id)

    async def by_t_id(self, t_id: str) -> ScanSession | None:
        q = select(ScanSession).where(t.scan_sessions.c.t_id == t_id)
        return (await self._s.execute(q)).scalar_one_or_none()

    async def by_qr_hash(self, qr_hash: str) -> ScanSession | None:
        q = select(ScanSession).where(t.scan_sessions.c.qr_hash == qr_hash)
        return (await self._s.execute(q)).scalar_one_or_none()

    async def due_to_expire(self, now: datetime, limit: int) -> list[ScanSession]:
        c = t.scan_sessions.c
        q = (select(ScanSession).where(c.status.in_([ScanStatus.WAITING, ScanStatus.SCANNED]), c.expires_at <= now)
             .order_by(c.expires_at).limit(limit))
        return list((await self._s.execute(q)).scalars())


class SqlAlchemyPlatformNonceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, nonce: PlatformNonce) -> None:
        self._s.add(nonce)

    async def seen(self, platform_id: UUID, nonce: str) -> bool:
        c = t.platform_nonces.c
        q = select(c.id).where(c.platform_id == platform_id, c.nonce == nonce)
        return (await self._s.execute(q)).first() is not None

    async def prune(self, before: datetime) -> None:
        await self._s.execute(delete(t.platform_nonces).where(t.platform_nonces.c.seen_at < before))
