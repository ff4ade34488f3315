"""GetPlatformScanSession: a platform reads one of its own sessions by tId; another platform's tId is None."""

from __future__ import annotations

from dataclasses import dataclass

from application.ports import Clock, UnitOfWorkFactory, reading
from application.scans.authenticate_platform import PlatformPrincipal, require_platform
from domain.scans.session import ScanSession, ScanStatus


@dataclass(frozen=True)
class PlatformScanView:
    session: ScanSession
    status: ScanStatus


class GetPlatformScanSession:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, platform: PlatformPrincipal | None, t_id: str) -> PlatformScanView | None:
        p = require_platform(platform)
        if not t_id or len(t_id) > 64:
            return None
        async with reading(self._uow) as uow:
            session = await uow.scan_sessions.by_t_id(t_id)
        if session is None or session.platform_id != p.platform_id:
            return None  # "not yours" and "not there" alike
        return PlatformScanView(session, session.status_at(self._clock.now()))
