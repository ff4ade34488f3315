"""CreateScanSession (§7.1): a signed platform opens a LOGIN, SIGN, ENCRYPT or DECRYPT session and gets its
tId, the QR content (≥ 128 random bits, shown once, stored only as a keyed hash), the expiry and a watchToken
for its web page's subscription (stored hashed too)."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from uuid import uuid4

from application.ports import Clock, SecretHasher, UnitOfWorkFactory
from application.scans.authenticate_platform import PlatformPrincipal, require_platform
from application.scans.policy import ScanPolicy
from application.scans.ports import DocumentSignatures
from application.scans.watch_scan_session import WATCH_TOKEN_PURPOSE
from domain.commerce.entitlement import ScanOperation
from domain.errors import InvalidInput
from domain.scans.session import (
    ScanEnvelope,
    ScanSession,
    SealOwner,
    SealUse,
    check_documents,
    check_envelope_ids,
)

QR_PREFIX = "sxqscan"
WATCH_PREFIX = "sxqwatch"
MAX_ENVELOPE_BYTES = 1024  # an SM2 ciphertext of a symmetric key is ~ 120-200 bytes


def qr_hash(hasher: SecretHasher, qr_content: str) -> str:
    return hasher.hash("scan-qr", qr_content)


def watch_hash(hasher: SecretHasher, token: str) -> str:
    return hasher.hash(WATCH_TOKEN_PURPOSE, token)


@dataclass(frozen=True)
class DocumentInput:
    doc_id: str
    file_name: str
    sm3_hex: str


@dataclass(frozen=True)
class EnvelopeInput:
    envelope_id: str
    sm2_cipher_der: str  # base64


@dataclass(frozen=True)
class CreateScanSessionCommand:
    platform: PlatformPrincipal | None
    operation: ScanOperation
    documents: list[DocumentInput] | None = None
    seal_owner: SealOwner | None = None
    seal_use: SealUse | None = None
    continuous: bool = False
    envelopes: list[EnvelopeInput] | None = field(default=None)


@dataclass(frozen=True)
class CreatedScanSession:
    session: ScanSession
    qr_content: str
    watch_token: str


class CreateScanSession:
    def __init__(self, uow: UnitOfWorkFactory, hasher: SecretHasher, signatures: DocumentSignatures, clock: Clock,
                 policy: ScanPolicy) -> None:
        self._uow, self._hasher, self._sig, self._clock, self._policy = uow, hasher, signatures, clock, policy

    def _envelopes(self, raw: list[EnvelopeInput] | None) -> list[ScanEnvelope]:
        ids = check_envelope_ids([e.envelope_id for e in raw] if raw else None)
        assert raw is not None
        out = []
        for i, (envelope_id, e) in enumerate(zip(ids, raw, strict=True)):
            text = (e.sm2_cipher_der or "").strip()
            try:
                der = base64.b64decode(text, validate=True) if len(text) <= 2 * MAX_ENVELOPE_BYTES else b""
            except (binascii.Error, ValueError):
                der = b""
            if not der or len(der) > MAX_ENVELOPE_BYTES or not self._sig.is_sm2_ciphertext(der):
                raise InvalidInput("数字信封须为 base64 编码的 SM2 密文（GM/T 0009 DER）",
                                   field=f"envelopes.{i}.sm2CipherDer")
            out.append(ScanEnvelope(envelope_id, base64.b64encode(der).decode()))
        return out

    async def __call__(self, cmd: CreateScanSessionCommand) -> CreatedScanSession:
        platform = require_platform(cmd.platform)
        op = ScanOperation(cmd.operation)
        documents, envelopes = [], []
        if op is ScanOperation.SIGN:
            documents = check_documents([(d.doc_id, d.file_name, d.sm3_hex) for d in cmd.documents or []])
            if len(documents) > 1 and not cmd.continuous:
                raise InvalidInput("签署多份文件须开启连续签章", field="continuous")
        elif cmd.documents:
            raise InvalidInput("仅签章业务可提供待签文件", field="documents")
        if op is ScanOperation.DECRYPT:
            envelopes = self._envelopes(cmd.envelopes)
        elif cmd.envelopes:
            raise InvalidInput("仅解密业务可提供数字信封", field="envelopes")
        if op is not ScanOperation.SIGN and (cmd.seal_owner is not None or cmd.seal_use is not None or cmd.continuous):
            raise InvalidInput("仅签章业务可指定印章与连续签章", field="sealOwner")
        qr, watch = self._hasher.new_token(QR_PREFIX), self._hasher.new_token(WATCH_PREFIX)
        now = self._clock.now()
        session = ScanSession(
            t_id=uuid4().hex, platform_id=platform.platform_id, operation=op, qr_hash=qr_hash(self._hasher, qr),
            watch_token_hash=watch_hash(self._hasher, watch), created_at=now,
            expires_at=now + self._policy.session_ttl, documents=[d.to_json() for d in documents],
            envelopes=[e.to_json() for e in envelopes],
            seal_owner=(cmd.seal_owner or SealOwner.PERSONAL) if op is ScanOperation.SIGN else None,
            seal_use=(cmd.seal_use or SealUse.SIGNATURE) if op is ScanOperation.SIGN else None,
            continuous=bool(cmd.continuous) and op is ScanOperation.SIGN)
        async with self._uow() as uow:
            uow.scan_sessions.add(session)
            await uow.commit()
        return CreatedScanSession(session, qr, watch)
