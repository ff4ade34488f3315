"""node(ScanSession) for the app: a session the caller scanned, as scanQrCode showed it (what they may use is
computed again: a grant or an entitlement may have changed since). Anyone else — another account, the platform,
an operator — gets nothing, as for an id never issued."""

from __future__ import annotations

from uuid import UUID

from application.context import Principal, account_id_of
from application.ports import Clock, UnitOfWorkFactory, reading
from application.scans.scan_qr_code import ScanView, scan_view


class GetMyScanSession:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, session_id: UUID) -> ScanView | None:
        if (account_id := account_id_of(principal)) is None:
            return None
        async with reading(self._uow) as uow:
            session = await uow.scan_sessions.get(session_id)
            if session is None or session.account_id != account_id:
                return None
            platform = await uow.trading_platforms.get(session.platform_id)
            assert platform is not None
            return await scan_view(uow, session, platform, account_id, self._clock.now())
