"""ScanQrCode (§7.2): the app sends the QR content; the session is bound to the account (a second account is
refused), the platform is told SCANNED (callback + feed), and the app gets what to show."""

from __future__ import annotations

from dataclasses import dataclass

from application.audit import audit
from application.context import Principal, require_account
from application.ports import Clock, SecretHasher, UnitOfWork, UnitOfWorkFactory
from application.scans.callbacks import enqueue_callback
from application.scans.create_scan_session import qr_hash
from application.scans.feed import ScanSessionFeed
from application.scans.notify import publish
from application.scans.usable import UsableCertificate, usable_certificates, usable_seals
from domain.certificates.claim import EntitlementRequired
from domain.commerce.catalogue import TradingPlatform
from domain.errors import Conflict, DomainError
from domain.scans.session import QrCodeInvalid, ScanSession, ScanSessionTaken, ScanStatus
from domain.seals.seal import Seal


@dataclass(frozen=True)
class ScanQrCodeCommand:
    principal: Principal | None
    qr_content: str


@dataclass(frozen=True)
class ScanView:
    session: ScanSession
    status: ScanStatus
    platform: TradingPlatform
    usable_certificates: list[UsableCertificate]
    usable_seals: list[Seal]


class NoEntitlementHere(EntitlementRequired):
    default_message = "您在该平台没有可用于此业务的证书服务，请先购买或领取证书"


async def scan_view(uow: UnitOfWork, session: ScanSession, platform: TradingPlatform, account_id, now) -> ScanView:
    return ScanView(session, session.status_at(now), platform,
                    await usable_certificates(uow, account_id, session, now),
                    await usable_seals(uow, account_id, session, now))


class ScanQrCode:
    def __init__(self, uow: UnitOfWorkFactory, hasher: SecretHasher, clock: Clock,
                 feed: ScanSessionFeed | None = None) -> None:
        self._uow, self._hasher, self._clock, self._feed = uow, hasher, clock, feed

    async def __call__(self, cmd: ScanQrCodeCommand) -> ScanView:
        p = require_account(cmd.principal)
        content = (cmd.qr_content or "").strip()
        if not content or len(content) > 200:
            raise QrCodeInvalid(field="qrContent")
        now = self._clock.now()
        async with self._uow() as uow:
            session = await uow.scan_sessions.by_qr_hash(qr_hash(self._hasher, content))
            if session is None:
                raise QrCodeInvalid(field="qrContent")
            platform = await uow.trading_platforms.get(session.platform_id)
            assert platform is not None
            try:
                changed = session.scan(p.id, now)
            except DomainError as err:
                raise err.at("qrContent") from None
            view = await scan_view(uow, session, platform, p.id, now)
            if not view.usable_certificates:
                raise NoEntitlementHere(field="qrContent")  # nothing bound, nothing told
            if changed:
                enqueue_callback(uow, platform, session, ScanStatus.SCANNED, now)
                audit(uow, "scan.scanned", now, None, account_id=p.id, t_id=session.t_id,
                      platform_code=platform.code, operation=session.operation.value)
                try:
                    await uow.commit()
                except Conflict:
                    raise ScanSessionTaken(field="qrContent") from None
        if changed:
            await publish(self._feed, session.t_id, ScanStatus.SCANNED)
        return ScanView(session, session.status_at(now), platform, view.usable_certificates, view.usable_seals)
