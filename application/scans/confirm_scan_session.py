"""ConfirmScanSession (§7.2-§7.4): certificate, seal (SIGN) and the phone's co-signatures (SPEC §C), in two calls
with the same input.

First call (no co-signatures): everything that can be refused is checked (the session held by the caller and
open, the certificate usable here with an entitlement and quota, the seal, the grant), then the person's key is
asked to co-sign what this choice needs (`_messages`), and the signing requests are answered. Second call: the
same checks again, the co-signatures are finished and verified (a wrong one is a wrong PIN, counted on the key),
the result is built from the signed requests, and one transaction confirms the session (version compare-and-set:
only one confirm ever wins), counts the use against the entitlement (SIGN: every signature, all or nothing),
writes the bill record, the CONFIRMED callback and the audit event with the evidence.

What the person co-signs, and what the platform receives:
- a personal certificate: the person's key IS the certificate's key, so the co-signatures are the result.
  LOGIN / ENCRYPT: a challenge binding tId, platform code, operation and time (the phone checks tId and platform
  against its screen); the platform gets it and its signature. SIGN: per document, the 32 raw SM3 hash bytes and
  the CMS signed attributes over that hash; the platform gets the raw signature and the detached SignedData
  assembled from those attributes and their signature. DECRYPT: a consent naming the session and envelopes; only
  then are the envelopes opened with the escrowed key and each symmetric key re-encrypted to the platform.
- an org certificate (granted to a member, §7.3): one consent naming the session, the certificate, the
  enterprise and the documents or envelopes; once it verifies, the enterprise's key signs on the server, as it
  always did (SPEC §C: each use of an org key is approved by the acting person's own co-signature).
The plaintext symmetric keys live only in `_decrypted`'s locals."""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from application.audit import audit
from application.certificates.ports import KeyVault
from application.commerce.register_platform import der_to_pem
from application.context import Principal, RequestMeta, require_account
from application.crypto.ports import Sm2Backend, Sm2Error
from application.grants.usable import still_granted
from application.ports import BlobStore, Clock, SecretHasher, UnitOfWork, UnitOfWorkFactory, reading
from application.scans.callbacks import enqueue_callback
from application.scans.feed import ScanSessionFeed
from application.scans.notify import publish
from application.scans.ports import DocumentSignatures
from application.scans.usable import UsableCertificate, signs_needed, usable_certificates, usable_seals
from application.signing.cosigning import (
    Act,
    Approval,
    CoSigned,
    CoSigning,
    Message,
    NeedsCoSignature,
    live_key,
)
from domain.certificates.certificate import Certificate, CertificateUsage
from domain.commerce.bill import BillRecord
from domain.commerce.catalogue import TradingPlatform
from domain.commerce.entitlement import QuotaExhausted, ScanOperation
from domain.errors import Conflict, DomainError, ErrorCode, InvalidInput, NotFound
from domain.scans.session import ScanSession, ScanSessionClosed, ScanStatus
from domain.seals.seal import Seal, SealNotActive
from domain.signing.cosignature import CoSignature
from domain.signing.signing_request import SigningPurpose, SigningRequestInvalid
from domain.signing.statement import canonical_json, statement

log = logging.getLogger(__name__)

TRANSACTION_CODE_LENGTH = 32
CONFIRM_ACTION = "scan.confirm"
# A confirm that lost a race on a row it read (not its session: that answers ScanSessionClosed) decides again.
_CONFIRM_TRIES = 5
CONSENT_ACTION = "scan.consent"  # the statement approving a DECRYPT or a use of an org key (sxq_phone.SCAN_CONSENT)
SCAN_PURPOSES = frozenset({SigningPurpose.SCAN_LOGIN, SigningPurpose.SCAN_ENCRYPT, SigningPurpose.SCAN_DOCUMENT,
                           SigningPurpose.SCAN_SIGNED_ATTRIBUTES, SigningPurpose.SCAN_CONSENT})


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
    co_signatures: tuple[CoSignature, ...] | None = None
    meta: RequestMeta | None = None


def personal_transaction_code(hasher: SecretHasher, number_index: str) -> str:
    """The personal transaction code (个人交易码): a keyed hash of the person's ID-number index — the same for
    one person on every platform and every certificate, revealing nothing of the ID number."""
    return hasher.hash("scan/personal-transaction-code", number_index)[:TRANSACTION_CODE_LENGTH].upper()


def unified_transaction_code(hasher: SecretHasher, credit_code: str) -> str:
    """The enterprise's unified transaction code (统一交易码): a keyed hash of its credit code, the same on every
    platform, like the personal transaction code of a person."""
    return hasher.hash("scan/unified-transaction-code", credit_code)[:TRANSACTION_CODE_LENGTH].upper()


def challenge_bytes(session: ScanSession, platform: TradingPlatform, now: datetime) -> bytes:
    """The LOGIN / ENCRYPT challenge, canonical JSON with exactly these four keys: the phone recognises it by
    them and checks tId and platform code against what it shows."""
    return canonical_json({"tId": session.t_id, "platformCode": platform.code, "operation": session.operation.value,
                           "signedAt": now.isoformat()})


@dataclass
class _Prepared:
    session: ScanSession
    platform: TradingPlatform
    usable: UsableCertificate
    signing: Certificate
    encryption: Certificate | None
    seal: Seal | None
    holder: dict[str, Any]
    org_wrapped: bytes | None  # the enterprise's signing key (org certificates only)
    escrow_wrapped: bytes | None

    @property
    def is_org(self) -> bool:
        return self.usable.enterprise_id is not None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class ConfirmScanSession:
    def __init__(self, uow: UnitOfWorkFactory, cosigning: CoSigning, vault: KeyVault, sm2: Sm2Backend,
                 signatures: DocumentSignatures, blobs: BlobStore, hasher: SecretHasher, clock: Clock,
                 feed: ScanSessionFeed | None = None) -> None:
        self._uow, self._cosigning, self._vault, self._sm2 = uow, cosigning, vault, sm2
        self._sig, self._blobs, self._hasher, self._clock, self._feed = signatures, blobs, hasher, clock, feed

    @staticmethod
    def act(cmd: ConfirmScanSessionCommand) -> Act:
        """The same for both calls: the requests of the first are valid only for this session, certificate
        and seal."""
        return Act(CONFIRM_ACTION, SigningPurpose.SCAN_CONSENT,
                   {"sessionId": str(cmd.session_id), "certificateId": str(cmd.certificate_id),
                    "sealId": str(cmd.seal_id) if cmd.seal_id else None}, "确认扫码业务")

    async def _prepare(self, uow: UnitOfWork, account_id: UUID, cmd: ConfirmScanSessionCommand,
                       now: datetime) -> _Prepared:
        """Everything that can be refused without the co-signatures, so no attempt is spent on it."""
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
        org_wrapped = None
        if usable.enterprise is not None:
            # §7.3: the platform learns the enterprise it deals with and the granted member who acted for it.
            holder.update(kind="ENTERPRISE", name=usable.enterprise.name, creditCode=usable.enterprise.credit_code,
                          unifiedTransactionCode=unified_transaction_code(self._hasher,
                                                                          usable.enterprise.credit_code),
                          actingPersonName=identity.legal_name)
            wrapped = await uow.wrapped_keys.get(signing.id)
            if wrapped is None and session.operation is not ScanOperation.DECRYPT:
                raise CertificateNotUsable(field="certificateId")
            org_wrapped = wrapped.blob if wrapped else None
        escrow = await uow.wrapped_keys.get(encryption.id) if encryption is not None else None
        if session.operation is ScanOperation.DECRYPT and escrow is None:
            raise CertificateNotUsable(field="certificateId")
        return _Prepared(session, platform, usable, signing, encryption, seal, holder, org_wrapped,
                         escrow.blob if escrow else None)

    async def __call__(self, cmd: ConfirmScanSessionCommand) -> ScanSession | NeedsCoSignature:
        p = require_account(cmd.principal)
        act = self.act(cmd)
        if cmd.co_signatures is None:
            async with self._uow() as uow:
                now = self._clock.now()
                prep = await self._prepare(uow, p.id, cmd, now)
                key = await live_key(uow, p.id)
                if not prep.is_org and key.public_key != prep.signing.public_key:
                    raise CertificateNotUsable("所选证书不是当前签名密钥的证书，请使用新证书", field="certificateId")
                return await self._cosigning.first_call(uow, p.id, act, self._messages(prep, p.id, now))
        for attempt in range(_CONFIRM_TRIES):
            try:
                session = await self._second_call(p.id, cmd, act)
            except Conflict:
                # Another request changed a row this one read (the session, the key's counter, a request):
                # decided again on fresh rows, unless the session is no longer open to this holder.
                if attempt == _CONFIRM_TRIES - 1 or not await self._still_open(cmd.session_id):
                    raise ScanSessionClosed("该扫码业务已被处理", field="sessionId") from None
                continue
            await publish(self._feed, session.t_id, ScanStatus.CONFIRMED)
            return session
        raise AssertionError("unreachable")

    async def _still_open(self, session_id: UUID) -> bool:
        async with self._uow() as uow:
            session = await uow.scan_sessions.get(session_id)
            return session is not None and session.status is ScanStatus.SCANNED

    async def _second_call(self, account_id: UUID, cmd: ConfirmScanSessionCommand, act: Act) -> ScanSession:
        """One transaction: the checks, the co-signatures spent and verified, the confirmation, the bill, the
        callback and the audit; each row read once (the identity map serves the second look). Co-signatures that
        do not verify commit only their count (approve_in); any refusal after that spends nothing."""
        assert cmd.co_signatures is not None
        async with self._uow() as uow:
            prep = await self._prepare(uow, account_id, cmd, self._clock.now())
            approval = await self._cosigning.approve_in(uow, account_id, act, cmd.co_signatures, cmd.meta,
                                                        field="coSignatures", purposes=SCAN_PURPOSES)
            if not prep.is_org and approval.key.public_key != prep.signing.public_key:
                raise CertificateNotUsable("所选证书不是当前签名密钥的证书，请使用新证书", field="certificateId")
            signed = sorted(approval.signed, key=lambda c: c.request.position)
            result = await self._result(prep, signed, account_id, self._clock.now())
            session = await self._confirm(uow, account_id, cmd, prep, result, approval)
            await uow.commit()
        return session

    # ------------------------------------------------------------------ the first call: what is co-signed

    def _messages(self, prep: _Prepared, account_id: UUID, now: datetime) -> list[Message]:
        session, platform, op = prep.session, prep.platform, prep.session.operation
        if prep.is_org:
            return [self._org_consent(prep, account_id, now)]
        if op is ScanOperation.LOGIN:
            return [Message(SigningPurpose.SCAN_LOGIN, challenge_bytes(session, platform, now),
                            f"登录 {platform.name}")]
        if op is ScanOperation.ENCRYPT:
            return [Message(SigningPurpose.SCAN_ENCRYPT, challenge_bytes(session, platform, now),
                            f"向 {platform.name} 提供加密证书")]
        if op is ScanOperation.SIGN:
            messages = []
            for doc in session.scan_documents:
                digest = bytes.fromhex(doc.sm3_hex)
                messages += [
                    Message(SigningPurpose.SCAN_DOCUMENT, digest, f"签署《{doc.file_name}》"),
                    Message(SigningPurpose.SCAN_SIGNED_ATTRIBUTES, self._sig.signed_attributes(digest, now),
                            f"签署《{doc.file_name}》（签名属性）")]
            return messages
        envelopes = [e.envelope_id for e in session.scan_envelopes]
        consent = statement(CONSENT_ACTION, {"tId": session.t_id, "platformCode": platform.code,
                                             "operation": op.value, "envelopes": envelopes}, account_id, now)
        return [Message(SigningPurpose.SCAN_CONSENT, consent,
                        f"同意 {platform.name} 解密数字信封：{'、'.join(envelopes)}")]

    @staticmethod
    def _org_consent(prep: _Prepared, account_id: UUID, now: datetime) -> Message:
        session, platform, op = prep.session, prep.platform, prep.session.operation
        enterprise = prep.usable.enterprise
        assert enterprise is not None
        consent_input: dict[str, Any] = {
            "tId": session.t_id, "platformCode": platform.code, "operation": op.value,
            # Upper-case hex, as the app shows a serial number next to the consent.
            "certificateSerial": prep.usable.certificate.serial.upper(), "creditCode": enterprise.credit_code}
        by = f"以{enterprise.name}的企业证书"
        if op is ScanOperation.SIGN:
            docs = session.scan_documents
            consent_input["documents"] = [d.sm3_hex for d in docs]
            display = f"{by}签署" + "、".join(f"《{d.file_name}》" for d in docs) + f"（{platform.name}）"
        elif op is ScanOperation.DECRYPT:
            consent_input["envelopes"] = [e.envelope_id for e in session.scan_envelopes]
            display = f"同意 {platform.name} {by}解密数字信封：{'、'.join(consent_input['envelopes'])}"
        elif op is ScanOperation.LOGIN:
            display = f"{by}登录 {platform.name}"
        else:
            display = f"{by}向 {platform.name} 提供加密证书"
        return Message(SigningPurpose.SCAN_CONSENT, statement(CONSENT_ACTION, consent_input, account_id, now),
                       display)

    # ------------------------------------------------------------------ the second call: the result

    def _expect(self, prep: _Prepared, signed: list[CoSigned]) -> None:
        """The approved batch is the one the first call makes for this choice (the binding already ties it to
        the session, certificate and seal; this keeps a stray batch from ever reaching the platform)."""
        op = prep.session.operation
        if prep.is_org or op is ScanOperation.DECRYPT:
            expected = [SigningPurpose.SCAN_CONSENT]
        elif op is ScanOperation.SIGN:
            expected = [SigningPurpose.SCAN_DOCUMENT, SigningPurpose.SCAN_SIGNED_ATTRIBUTES] * len(
                prep.session.documents)
        else:
            expected = [SigningPurpose.SCAN_LOGIN if op is ScanOperation.LOGIN else SigningPurpose.SCAN_ENCRYPT]
        if [c.request.purpose for c in signed] != expected:
            raise SigningRequestInvalid("签名请求与本次操作不符，请重新发起", field="coSignatures")
        if op is ScanOperation.SIGN and not prep.is_org:
            for doc, c in zip(prep.session.scan_documents, signed[::2], strict=True):
                if c.request.message != bytes.fromhex(doc.sm3_hex):
                    raise SigningRequestInvalid("签名请求与本次操作不符，请重新发起", field="coSignatures")

    async def _result(self, prep: _Prepared, signed: list[CoSigned], account_id: UUID,
                      now: datetime) -> dict[str, Any]:
        self._expect(prep, signed)
        session, signing, encryption = prep.session, prep.signing, prep.encryption
        assert signing.der is not None
        result: dict[str, Any] = {
            "operation": session.operation.value, "holder": prep.holder,
            "signingCertificatePem": der_to_pem(signing.der),
            "encryptionCertificatePem": der_to_pem(encryption.der) if encryption and encryption.der else None,
            "challenge": None, "signature": None, "signatures": None, "decryptedKeys": None}
        op = session.operation
        if op in (ScanOperation.LOGIN, ScanOperation.ENCRYPT):
            if prep.is_org:
                challenge = challenge_bytes(session, prep.platform, now)
                signature = self._sm2.sign(self._org_key(prep), challenge, public_key=signing.public_key)
            else:
                challenge, signature = signed[0].request.message, signed[0].signature
            result["challenge"], result["signature"] = _b64(challenge), _b64(signature)
        elif op is ScanOperation.SIGN:
            result["signatures"] = await self._signatures(prep, signed, now)
        else:
            result["decryptedKeys"] = self._decrypted(prep, account_id)
        return result

    def _org_key(self, prep: _Prepared) -> bytes:
        """The enterprise's signing key, opened only after the acting person's consent verified."""
        assert prep.org_wrapped is not None and prep.usable.enterprise_id is not None
        return self._vault.open_org_signing_key(prep.org_wrapped, prep.usable.enterprise_id,
                                                prep.signing.public_key)

    async def _signatures(self, prep: _Prepared, signed: list[CoSigned], now: datetime) -> list[dict[str, Any]]:
        signing = prep.signing
        assert signing.der is not None
        image_b64 = None
        if prep.seal is not None:
            image, _type = await self._blobs.get(prep.seal.image_blob_id)
            image_b64 = _b64(image)
        docs = prep.session.scan_documents
        out = []
        if prep.is_org:
            key = self._org_key(prep)
            for doc in docs:
                digest = bytes.fromhex(doc.sm3_hex)
                out.append({"docId": doc.doc_id,
                            "signature": _b64(self._sm2.sign(key, digest, public_key=signing.public_key)),
                            "signedDataDer": _b64(self._sig.detached_signed_data(
                                certificate_der=signing.der, private_key=key, public_key=signing.public_key,
                                digest=digest, signing_time=now)),
                            "sealImagePng": image_b64})
            return out
        for doc, raw, attributes in zip(docs, signed[::2], signed[1::2], strict=True):
            out.append({"docId": doc.doc_id, "signature": _b64(raw.signature),
                        "signedDataDer": _b64(self._sig.signed_data(signing.der, attributes.request.message,
                                                                    attributes.signature)),
                        "sealImagePng": image_b64})
        return out

    def _decrypted(self, prep: _Prepared, account_id: UUID) -> list[dict[str, str]]:
        encryption = prep.encryption
        assert encryption is not None and prep.escrow_wrapped is not None
        key = self._vault.open_escrowed_key(prep.escrow_wrapped, prep.usable.enterprise_id or account_id,
                                            encryption.public_key)
        keys = []
        for i, envelope in enumerate(prep.session.scan_envelopes):
            try:
                symmetric = self._sm2.decrypt(key, base64.b64decode(envelope.cipher_b64))
                for_platform = self._sm2.encrypt(prep.platform.public_key, symmetric)
            except Sm2Error:
                raise InvalidInput("该数字信封不是用所选证书加密的，无法解密", field=f"envelopes.{i}") from None
            finally:
                symmetric = b""  # noqa: F841 - the plaintext key goes no further than this loop
            keys.append({"envelopeId": envelope.envelope_id, "keyForPlatform": _b64(for_platform)})
        return keys

    async def _confirm(self, uow: UnitOfWork, account_id: UUID, cmd: ConfirmScanSessionCommand, prep: _Prepared,
                       result: dict[str, Any], approval: Approval) -> ScanSession:
        now = self._clock.now()
        session = prep.session
        try:
            session.confirm(account_id, now, certificate_id=prep.usable.certificate.id,
                            seal_id=prep.seal.id if prep.seal else None, result=result)
        except DomainError as err:
            raise err.at("sessionId") from None
        entitlement = prep.usable.entitlement
        seal_id = prep.seal.id if prep.seal else None
        # What another request may revoke while this one decides (the entitlement, the grant, the seal) is read
        # again on a connection of its own: this transaction's identity map holds what it read at the start.
        async with reading(self._uow) as fresh:
            current = await fresh.entitlements.get(entitlement.id)
            if current is None or not current.covers(session.operation, session.platform_id, now):
                raise CertificateNotUsable(field="certificateId")
            if prep.usable.enterprise_id is not None and not await still_granted(
                    fresh, account_id, prep.usable.enterprise_id, session.platform_id, session.operation, now,
                    seal_id):
                raise CertificateNotUsable(field="certificateId")  # revoked or ended while the phone co-signed
            if seal_id is not None and not ((seal := await fresh.seals.get(seal_id)) and seal.is_usable(now)):
                raise SealNotActive("所选印章已注销或已过期", field="sealId")  # revoked while the phone co-signed
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
        audit(uow, "scan.confirmed", now, cmd.meta, account_id=account_id, t_id=session.t_id,
              platform_code=prep.platform.code, operation=session.operation.value,
              certificate_serial=prep.usable.certificate.serial, count=count,
              enterprise_id=str(prep.usable.enterprise_id) if prep.usable.enterprise_id else None,
              evidence=approval.evidence())
        return session
