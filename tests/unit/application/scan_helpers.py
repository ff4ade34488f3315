"""What the scan-service use-case tests share: a platform and a holder on a FakeApp, and the acts of §7 said once."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from application.scans.callbacks import CALLBACK_TOPIC
from application.scans.confirm_scan_session import ConfirmScanSessionCommand
from application.scans.create_scan_session import (
    CreatedScanSession,
    CreateScanSessionCommand,
    DocumentInput,
    EnvelopeInput,
)
from application.scans.decline_scan_session import DeclineScanSessionCommand
from application.scans.scan_qr_code import ScanQrCodeCommand, ScanView
from application.signing.cosigning import NeedsCoSignature
from domain.commerce.entitlement import ScanOperation
from domain.scans.session import ScanSession
from domain.signing.cosignature import CoSignature
from sxq_phone import OnScreen
from tests.app_fixture import DEFAULT_META, SCAN_PIN, FakeApp, ScanHolder
from tests.support.phones import WRONG_PIN
from tests.support.platform import TestPlatform

__all__ = ["WRONG_PIN", "Scene", "documents", "scene", "sm3_hex"]


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def documents(n: int) -> list[DocumentInput]:
    return [DocumentInput(f"D{i}", f"标书{i}.pdf", sm3_hex(f"document {i}".encode())) for i in range(1, n + 1)]


@dataclass
class Scene:
    """One platform and one holder entitled there, on a fresh fake application."""

    app: FakeApp
    platform: TestPlatform
    holder: ScanHolder

    async def create(self, operation: str = "LOGIN", **kw: Any) -> CreatedScanSession:
        principal = await self.app.platform_principal(self.platform)
        return await self.app.scans.create_scan_session(
            CreateScanSessionCommand(principal, ScanOperation(operation), **kw))

    async def sign_session(self, n: int = 1) -> CreatedScanSession:
        return await self.create("SIGN", documents=documents(n), continuous=n > 1)

    async def decrypt_session(self, *keys: bytes) -> CreatedScanSession:
        enc = await self.encryption_public_key()
        envelopes = [EnvelopeInput(f"BID-{i}", base64.b64encode(self.app.sm2.encrypt(enc, k)).decode())
                     for i, k in enumerate(keys, 1)]
        return await self.create("DECRYPT", envelopes=envelopes)

    async def encryption_public_key(self) -> bytes:
        async with self.app.uow() as uow:
            cert = await uow.certificates.get(self.holder.encryption_id)
        return cert.public_key

    async def scan(self, created: CreatedScanSession, holder: ScanHolder | None = None) -> ScanView:
        who = holder or self.holder
        return await self.app.scans.scan_qr_code(ScanQrCodeCommand(who.principal, created.qr_content))

    def screen(self, view: ScanView | ScanSession) -> OnScreen:
        """What the app shows for the scanned session, which the phone checks every message against."""
        session = _session(view)
        return OnScreen.scan(session.t_id, self.platform.code, [d.sm3_hex for d in session.scan_documents],
                             [e.envelope_id for e in session.scan_envelopes])

    def command(self, view: ScanView | ScanSession, co: tuple[CoSignature, ...] | None = None, *,
                certificate_id: UUID | None = None, seal_id: UUID | None = None,
                holder: ScanHolder | None = None) -> ConfirmScanSessionCommand:
        who = holder or self.holder
        return ConfirmScanSessionCommand(who.principal, _session(view).id, certificate_id or who.signing_id,
                                         seal_id, co, DEFAULT_META)

    async def confirm(self, view: ScanView | ScanSession, *, certificate_id: UUID | None = None,
                      seal_id: UUID | None = None, pin: str = SCAN_PIN, holder: ScanHolder | None = None
                      ) -> ScanSession:
        """Both calls, the holder's phone co-signing in between with `pin`."""
        who = holder or self.holder
        return await self.app.cosigned(who.user, lambda co: self.app.scans.confirm_scan_session(self.command(
            view, co, certificate_id=certificate_id, seal_id=seal_id, holder=who)), self.screen(view), pin)

    async def ask(self, view: ScanView | ScanSession, **kw: Any) -> NeedsCoSignature:
        """The first call only."""
        asked = await self.app.scans.confirm_scan_session(self.command(view, **kw))
        assert isinstance(asked, NeedsCoSignature), asked
        return asked

    def co_sign(self, view: ScanView | ScanSession, asked: NeedsCoSignature, *, pin: str = SCAN_PIN,
                holder: ScanHolder | None = None) -> tuple[CoSignature, ...]:
        who = holder or self.holder
        return tuple(self.app.phones.co_sign(who.user.account_id, asked.requests, self.screen(view), pin))

    async def finish(self, view: ScanView | ScanSession, co: tuple[CoSignature, ...], **kw: Any) -> ScanSession:
        """The second call only."""
        return await self.app.scans.confirm_scan_session(self.command(view, co, **kw))

    async def decline(self, view: ScanView) -> ScanSession:
        return await self.app.scans.decline_scan_session(
            DeclineScanSessionCommand(self.holder.principal, view.session.id))

    async def stored(self, t_id: str) -> ScanSession:
        async with self.app.uow() as uow:
            found = await uow.scan_sessions.by_t_id(t_id)
        assert found is not None
        return found

    async def entitlement(self) -> Any:
        async with self.app.uow() as uow:
            return await uow.entitlements.get(self.holder.entitlement.id)

    def callbacks_in_outbox(self, t_id: str | None = None) -> list[dict[str, Any]]:
        return [m.payload for m in self.app.db.outbox_messages()
                if m.topic == CALLBACK_TOPIC and (t_id is None or m.payload["tId"] == t_id)]


def _session(view: ScanView | ScanSession) -> ScanSession:
    return view.session if isinstance(view, ScanView) else view


async def scene(app: FakeApp, **holder: Any) -> Scene:
    platform = await app.scan_platform()
    return Scene(app, platform, await app.scan_holder(platform.id, **holder))
