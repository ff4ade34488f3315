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
from domain.commerce.entitlement import ScanOperation
from domain.scans.session import ScanSession
from tests.app_fixture import SCAN_PIN, FakeApp, ScanHolder
from tests.support.platform import TestPlatform

WRONG_PIN = "246802"


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

    async def confirm(self, view: ScanView | ScanSession, *, certificate_id: UUID | None = None,
                      seal_id: UUID | None = None, pin: str = SCAN_PIN, holder: ScanHolder | None = None
                      ) -> ScanSession:
        who = holder or self.holder
        session = view.session if isinstance(view, ScanView) else view
        return await self.app.scans.confirm_scan_session(ConfirmScanSessionCommand(
            who.principal, session.id, certificate_id or who.signing_id, seal_id, pin))

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


async def scene(app: FakeApp, **holder: Any) -> Scene:
    platform = await app.scan_platform()
    return Scene(app, platform, await app.scan_holder(platform.id, **holder))
