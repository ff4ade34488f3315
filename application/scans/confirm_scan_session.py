"""ConfirmScanSession (§7.2-§7.4): certificate, seal (SIGN) and PIN. The PIN opens the signing key; the result
is computed outside any transaction, then one transaction confirms the session (version compare-and-set: only
one confirm ever wins), counts the use against the entitlement (SIGN: every signature, all or nothing),
writes the bill record and the CONFIRMED callback.

The result (what the platform receives):
- LOGIN: a challenge binding tId, platform code and time, signed; both certificates; the holder's identity.
- SIGN: per document an SM2 signature over the 32 raw hash bytes and a detached CMS SignedData; the seal image.
- ENCRYPT: the encryption certificate and the holder's signature over the challenge.
- DECRYPT: each envelope opened with the escrowed key of the chosen encryption certificate and the symmetric
  key re-encrypted to the platform's public key. The plaintext key lives only in this function's locals."""

from __future__ import annotations

import base64
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from application.audit import audit
from application.certificates.pin_gate import PinGate
from application.certificates.ports import KeyVault
from application.commerce.register_platform import der_to_pem
from application.context import Principal, require_account
from application.crypto.ports import Sm2Backend, Sm2Error
from application.grants.usable import still_granted
from application.ports import BlobStore, Clock, SecretHasher, UnitOfWork, UnitOfWorkFactory
from application.scans.callbacks import enqueue_callback
from application.scans.feed import ScanSessionFeed
from application.scans.notify import publish
from application.scans.ports import DocumentSignatures
from application.scans.usable import UsableCertificate, signs_needed, usable_certificates, usable_seals
from domain.certificates.certificate import Certificate, CertificateUsage
from domain.commerce.bill import BillRecord
from domain.commerce.catalogue import TradingPlatform
from domain.commerce.entitlement import QuotaExhausted, ScanOperation
from domain.errors import Conflict, DomainError, ErrorCode, InvalidInput, NotFound
from domain.scans.session import ScanSession, ScanSessionClosed, ScanStatus
from domain.seals.seal import Seal, SealNotActive

log = logging.getLogger(__name__)

TRANSACTION_CODE_LENGTH = 32


class CertificateNotUsable(DomainError):
    code = ErrorCode.CERTIFICATE_NOT_USABLE
    default_message = "所选证书不能用于此业务（证书已失效，或在该平台没有有效的服务）"


class SealRequired(DomainError):
    code = ErrorCode.INVALID_INPUT
    default_message = "请选择签章使用的印章"


@dataclass(frozen=True)
class ConfirmScanSessionCommand:
    principal: Principal | None
    session_id: UUID
    certificate_id: UUID
    seal_id: UUID | None
    pin: str


def personal_transaction_code(hasher: SecretHasher, number_index: str) -> str:
    """The personal transaction code (个人交易码): a keyed hash of the person's ID-number index — the same for
    one person on every platform and every certificate, revealing nothing of the ID number."""
    return hasher.hash("scan/personal-transaction-code", number_index)[:TRANSACTION_CODE_LENGTH].upper()


def unified_transaction_code(hasher: SecretHasher, credit_code: str) -> str:
    """The enterprise's unified transaction code (统一交易码): a keyed hash of its credit code, the same on every
    platform, like the personal transaction code of a person."""
    return hasher.hash("scan/unified-transaction-code", credit_code)[:TRANSACTION_CODE_LENGTH].upper()


def challenge_bytes(session: ScanSession, platform: TradingPlatform, now: datetime) -> bytes:
    return json.dumps({"tId": session.t_id, "platformCode": platform.code, "operation": session.operation.value,
                       "signedAt": now.isoformat()}, separators=(",", ":"), sort_keys=True).encode()


@dataclass
class _Prepared:
    session: ScanSession
    platform: TradingPlatform
    usable: UsableCertificate
    signing: Certificate | None
    encryption: Certificate | None
    seal: Seal | None
    holder: dict[str, Any]
    signing_wrapped: bytes | None
    escrow_wrapped: bytes | None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class ConfirmScanSession:
    def __init__(self, uow: UnitOfWorkFactory, gate: PinGate, vault: KeyVault, sm2: Sm2Backend,
                 signatures: DocumentSignatures, blobs: BlobStore, hasher: SecretHasher, clock: Clock,
                 feed: ScanSessionFeed | None = None) -> None:
        self._uow, self._gate, self._vault, self._sm2 = uow, gate, vault, sm2
        self._sig, self._blobs, self._hasher, self._clock, self._feed = signatures, blobs, hasher, clock, feed

    async def _prepare(self, uow: UnitOfWork, account_id: UUID, cmd: ConfirmScanSessionCommand,
                       now: datetime) -> _Prepared:
        session = await uow.scan_sessions.get(cmd.session_id)
        if session is None or session.account_id != account_id:
            raise NotFound("扫码业务不存在", field="sessionId")
        try:
            session.ensure_held_by(account_id, now)
        except DomainError as err:
            raise err.at("sessionId") from None
        platform = await uow.trading_platforms.get(session.platform_id)
        assert platform is not None
        usable = next((u for u in await usable_certificates(uow, account_id, session, now)
                       if u.certificate.id == cmd.certificate_id), None)
        if usable is None:
            raise CertificateNotUsable(field="certificateId")
        needed = signs_needed(session)
        if needed and usable.entitlement.signs_left is not None and usable.entitlement.signs_left < needed:
            raise QuotaExhausted(code=ErrorCode.QUOTA_EXHAUSTED, field="certificateId")
        seal = None
        if session.operation is ScanOperation.SIGN:
            # An org seal goes only with its own enterprise's certificate, a personal one with a personal one.
            seals = [s for s in await usable_seals(uow, account_id, session, now)
                     if s.holder_enterprise_id == usable.enterprise_id]
            if cmd.seal_id is None:
                # An enterprise without seals yet (§8.2) still signs with its org certificate, without an image.
                if usable.enterprise_id is None or seals:
                    raise SealRequired(field="sealId")
            else:
                seal = next((s for s in seals if s.id == cmd.seal_id), None)
                if seal is None:
                    raise NotFound("所选印章不可用", field="sealId")
        pair = [c for c in await uow.certificates.for_pair(usable.certificate.pair_id)] \
            if usable.certificate.pair_id else [usable.certificate]
        signing = next((c for c in pair if c.usage is CertificateUsage.SIGNING and c.der), None)
        encryption = next((c for c in pair if c.usage is CertificateUsage.ENCRYPTION and c.der), None)
        if signing is None or (session.operation in (ScanOperation.ENCRYPT, ScanOperation.DECRYPT)
                               and encryption is None):
            raise CertificateNotUsable(field="certificateId")
        identity = await uow.identities.for_account(account_id)
        if identity is None or not identity.is_verified or not identity.number_index:
            raise CertificateNotUsable(field="certificateId")
        holder = {"kind": "PERSONAL", "name": identity.legal_name, "maskedIdNumber": identity.number_masked,
                  "creditCode": None,
                  "personalTransactionCode": personal_transaction_code(self._hasher, identity.number_index),
                  "unifiedTransactionCode": None}
        if usable.enterprise is not None:
            # §7.3: the platform learns the enterprise it deals with and the granted member who acted for it.
            holder.update(kind="ENTERPRISE", name=usable.enterprise.name, creditCode=usable.enterprise.credit_code,
                          unifiedTransactionCode=unified_transaction_code(self._hasher,
                                                                          usable.enterprise.credit_code),
                          actingPersonName=identity.legal_name)
        signing_key = await uow.wrapped_keys.get(signing.id)
        escrow = await uow.wrapped_keys.get(encryption.id) if encryption is not None else None
        return _Prepared(session, platform, usable, signing, encryption, seal, holder,
                         signing_key.blob if signing_key else None, escrow.blob if escrow else None)

    async def __call__(self, cmd: ConfirmScanSessionCommand) -> ScanSession:
        p = require_account(cmd.principal)
        now = self._clock.now()
        async with self._uow() as uow:
            prep = await self._prepare(uow, p.id, cmd, now)
        proven = await self._gate.prove(p.id, cmd.pin)  # WrongPin / PinLocked are committed by the gate
        result = await self._result(prep, proven.key, p.id, now)
        now = self._clock.now()
        async with self._uow() as uow:
            session = await uow.scan_sessions.get(prep.session.id)
            if session is None:
                raise NotFound("扫码业务不存在", field="sessionId")
            try:
                session.confirm(p.id, now, certificate_id=prep.usable.certificate.id,
                                seal_id=prep.seal.id if prep.seal else None, result=result)
            except DomainError as err:
                raise err.at("sessionId") from None
            entitlement = await uow.entitlements.get(prep.usable.entitlement.id)
            if entitlement is None or not entitlement.covers(session.operation, session.platform_id, now):
                raise CertificateNotUsable(field="certificateId")
            seal_id = prep.seal.id if prep.seal else None
            if prep.usable.enterprise_id is not None and not await still_granted(
                    uow, p.id, prep.usable.enterprise_id, session.platform_id, session.operation, now, seal_id):
                raise CertificateNotUsable(field="certificateId")  # revoked or ended while the PIN was checked
            if seal_id is not None and not ((seal := await uow.seals.get(seal_id)) and seal.is_usable(now)):
                raise SealNotActive("所选印章已注销或已过期", field="sealId")  # revoked while the PIN was checked
            count = signs_needed(session) or 1
            if session.operation is ScanOperation.SIGN:
                try:
                    entitlement.consume_signs(count)
                except QuotaExhausted:
                    raise QuotaExhausted(code=ErrorCode.QUOTA_EXHAUSTED, field="certificateId") from None
            uow.bill_records.add(BillRecord(entitlement_id=entitlement.id, order_id=entitlement.order_id,
                                            platform_id=session.platform_id, operation=session.operation.value,
                                            used_at=now, count=count))
            enqueue_callback(uow, prep.platform, session, ScanStatus.CONFIRMED, now)
            audit(uow, "scan.confirmed", now, None, account_id=p.id, t_id=session.t_id,
                  platform_code=prep.platform.code, operation=session.operation.value,
                  certificate_serial=prep.usable.certificate.serial, count=count,
                  enterprise_id=str(prep.usable.enterprise_id) if prep.usable.enterprise_id else None)
            try:
                await uow.commit()
            except Conflict:
                raise ScanSessionClosed("该扫码业务已被处理", field="sessionId") from None
        await publish(self._feed, session.t_id, ScanStatus.CONFIRMED)
        return session

    def _signing_key(self, prep: _Prepared, pin_key, account_id: UUID) -> bytes:
        assert prep.signing is not None
        if prep.signing_wrapped is None:
            raise CertificateNotUsable(field="certificateId")
        if prep.usable.enterprise_id is not None:
            # The member's own PIN was proven above; the org key is under the enterprise's key, not a PIN.
            return self._vault.open_org_signing_key(prep.signing_wrapped, prep.usable.enterprise_id,
                                                    prep.signing.public_key)
        return self._vault.open_signing_key(prep.signing_wrapped, pin_key, account_id, prep.signing.public_key)

    async def _result(self, prep: _Prepared, pin_key, account_id: UUID, now: datetime) -> dict[str, Any]:
        session, signing, encryption = prep.session, prep.signing, prep.encryption
        assert signing is not None and signing.der is not None
        result: dict[str, Any] = {
            "operation": session.operation.value, "holder": prep.holder,
            "signingCertificatePem": der_to_pem(signing.der),
            "encryptionCertificatePem": der_to_pem(encryption.der) if encryption and encryption.der else None,
            "challenge": None, "signature": None, "signatures": None, "decryptedKeys": None}
        op = session.operation
        if op in (ScanOperation.LOGIN, ScanOperation.ENCRYPT):
            key = self._signing_key(prep, pin_key, account_id)
            challenge = challenge_bytes(session, prep.platform, now)
            result["challenge"] = _b64(challenge)
            result["signature"] = _b64(self._sm2.sign(key, challenge, public_key=signing.public_key))
        elif op is ScanOperation.SIGN:
            key = self._signing_key(prep, pin_key, account_id)
            image_b64 = None
            if prep.seal is not None:
                image, _type = await self._blobs.get(prep.seal.image_blob_id)
                image_b64 = _b64(image)
            signatures = []
            for doc in session.scan_documents:
                digest = bytes.fromhex(doc.sm3_hex)
                signatures.append({
                    "docId": doc.doc_id,
                    "signature": _b64(self._sm2.sign(key, digest, public_key=signing.public_key)),
                    "signedDataDer": _b64(self._sig.detached_signed_data(
                        certificate_der=signing.der, private_key=key, public_key=signing.public_key,
                        digest=digest, signing_time=now)),
                    "sealImagePng": image_b64})
            result["signatures"] = signatures
        else:  # DECRYPT
            assert encryption is not None
            if prep.escrow_wrapped is None:
                raise CertificateNotUsable(field="certificateId")
            key = self._vault.open_escrowed_key(prep.escrow_wrapped, prep.usable.enterprise_id or account_id,
                                                encryption.public_key)
            keys = []
            for i, envelope in enumerate(session.scan_envelopes):
                try:
                    symmetric = self._sm2.decrypt(key, base64.b64decode(envelope.cipher_b64))
                    for_platform = self._sm2.encrypt(prep.platform.public_key, symmetric)
                except Sm2Error:
                    raise InvalidInput("该数字信封不是用所选证书加密的，无法解密",
                                       field=f"envelopes.{i}") from None
                finally:
                    symmetric = b""  # noqa: F841 - the plaintext key goes no further than this loop
                keys.append({"envelopeId": envelope.envelope_id, "keyForPlatform": _b64(for_platform)})
            result["decryptedKeys"] = keys
        return result
