"""DeclineScanSession (§7.2): the account that scanned says no; the platform hears DECLINED."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.audit import audit
from application.context import Principal, require_account
from application.ports import Clock, UnitOfWorkFactory
from application.scans.callbacks import enqueue_callback
from application.scans.feed import ScanSessionFeed
from application.scans.notify import publish
from domain.errors import Conflict, NotFound
from domain.scans.session import ScanSession, ScanSessionClosed, ScanStatus


@dataclass(frozen=True)
class DeclineScanSessionCommand:
    principal: Principal | None
    session_id: UUID


class DeclineScanSession:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, feed: ScanSessionFeed | None = None) -> None:
        self._uow, self._clock, self._feed = uow, clock, feed

    async def __call__(self, cmd: DeclineScanSessionCommand) -> ScanSession:
        p = require_account(cmd.principal)
        now = self._clock.now()
        async with self._uow() as uow:
            session = await uow.scan_sessions.get(cmd.session_id)
            if session is None or session.account_id != p.id:
                raise NotFound("扫码业务不存在", field="sessionId")
            session.decline(p.id, now)
            platform = await uow.trading_platforms.get(session.platform_id)
            assert platform is not None
            enqueue_callback(uow, platform, session, ScanStatus.DECLINED, now)
            audit(uow, "scan.declined", now, None, account_id=p.id, t_id=session.t_id)
            try:
                await uow.commit()
            except Conflict:
                raise ScanSessionClosed(field="sessionId") from None
        await publish(self._feed, session.t_id, ScanStatus.DECLINED)
        return session
