"""GraphQL types of the scan services: the platform's view of a session and its result, the app's view."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry

from application.certificates.list_my_certificates import CertificateView
from application.scans.create_scan_session import CreatedScanSession
from application.scans.usable import UsableCertificate
from application.seals.list_my_seals import SealView
from domain.commerce.entitlement import ScanOperation
from domain.scans.session import ScanSession, ScanStatus, SealOwner, SealUse
from domain.seals.seal import Seal
from graphql_schema.accounts.types import Enterprise
from graphql_schema.certificates.types import CertificateType
from graphql_schema.commerce.types import (
    EntitlementType,
    ScanOperationEnum,
    SubjectTypeEnum,
    TradingPlatformType,
    loaders,
)
from graphql_schema.common.context import Info
from graphql_schema.common.node import Node, to_global_id
from graphql_schema.seals.types import SealType

ScanStatusEnum = strawberry.enum(ScanStatus, name="ScanStatus")
SealOwnerEnum = strawberry.enum(SealOwner, name="SealOwner", description="Whose seal a SIGN session asks for.")
SealUseEnum = strawberry.enum(SealUse, name="SealUse", description=(
    "SIGNATURE: a personal name seal or handwritten signature; OFFICIAL: an organisation's seal."))


@strawberry.type
class ScanHolder:
    kind: SubjectTypeEnum  # type: ignore[valid-type]
    name: str | None
    masked_id_number: str | None
    credit_code: str | None
    personal_transaction_code: str | None = strawberry.field(description=(
        "个人交易码: a stable keyed identifier of the person (HMAC-SM3 of the ID number's keyed index, 32 hex "
        "digits), the same on every platform and certificate, revealing nothing of the ID number."))
    unified_transaction_code: str | None = strawberry.field(description="统一交易码 of an enterprise holder.")
    acting_person_name: str | None = strawberry.field(default=None, description=(
        "ENTERPRISE holder (§7.3): the granted member who acted; maskedIdNumber and personalTransactionCode are "
        "theirs."))


@strawberry.type
class DocumentSignature:
    doc_id: str
    signature: str = strawberry.field(description="base64 DER SM2 signature (ID 1234567812345678) whose message "
                                                  "is the 32 raw bytes of the document's SM3 hash.")
    signed_data_der: str = strawberry.field(description="base64 DER CMS/GB/T 35275 detached SignedData "
                                                        "(messageDigest = the document's hash).")
    seal_image_png: str | None = strawberry.field(description="base64 image of the chosen seal.")


@strawberry.type
class DecryptedKey:
    envelope_id: str
    key_for_platform: str = strawberry.field(description="base64 GM/T 0009 DER: the symmetric key, SM2-encrypted "
                                                         "to the platform's registered public key.")


@strawberry.type
class ScanResult:
    operation: ScanOperationEnum  # type: ignore[valid-type]
    holder: ScanHolder
    signing_certificate_pem: str
    encryption_certificate_pem: str | None
    challenge: str | None = strawberry.field(description="LOGIN / ENCRYPT: the exact bytes signed (base64): "
                                                         "JSON of tId, platformCode, operation, signedAt.")
    signature: str | None
    signatures: list[DocumentSignature] | None
    decrypted_keys: list[DecryptedKey] | None

    @classmethod
    def of(cls, r: dict[str, Any]) -> ScanResult:
        h = r["holder"]
        return cls(
            operation=ScanOperation(r["operation"]),
            holder=ScanHolder(kind=h["kind"], name=h.get("name"), masked_id_number=h.get("maskedIdNumber"),
                              credit_code=h.get("creditCode"),
                              personal_transaction_code=h.get("personalTransactionCode"),
                              unified_transaction_code=h.get("unifiedTransactionCode"),
                              acting_person_name=h.get("actingPersonName")),
            signing_certificate_pem=r["signingCertificatePem"],
            encryption_certificate_pem=r.get("encryptionCertificatePem"), challenge=r.get("challenge"),
            signature=r.get("signature"),
            signatures=None if r.get("signatures") is None else [
                DocumentSignature(doc_id=s["docId"], signature=s["signature"], signed_data_der=s["signedDataDer"],
                                  seal_image_png=s.get("sealImagePng")) for s in r["signatures"]],
            decrypted_keys=None if r.get("decryptedKeys") is None else [
                DecryptedKey(envelope_id=k["envelopeId"], key_for_platform=k["keyForPlatform"])
                for k in r["decryptedKeys"]])


@strawberry.type(description="A new scan session: the QR content and watchToken are shown here only.")
class NewScanSession:
    t_id: str
    qr_content: str
    expires_at: datetime
    status: ScanStatusEnum  # type: ignore[valid-type]
    watch_token: str = strawberry.field(description="For scanSessionChanged from the platform's web page.")

    @classmethod
    def of(cls, created: CreatedScanSession) -> NewScanSession:
        s = created.session
        return cls(t_id=s.t_id, qr_content=created.qr_content, expires_at=s.expires_at, status=s.status,
                   watch_token=created.watch_token)


@strawberry.type(description="A platform's view of one of its scan sessions.")
class PlatformScanSession:
    t_id: str
    status: ScanStatusEnum  # type: ignore[valid-type]
    operation: ScanOperationEnum  # type: ignore[valid-type]
    created_at: datetime
    scanned_at: datetime | None
    confirmed_at: datetime | None
    declined_at: datetime | None
    expires_at: datetime
    result: ScanResult | None

    @classmethod
    def of(cls, s: ScanSession, status: ScanStatus) -> PlatformScanSession:
        return cls(t_id=s.t_id, status=status, operation=s.operation, created_at=s.created_at,
                   scanned_at=s.scanned_at, confirmed_at=s.confirmed_at, declined_at=s.declined_at,
                   expires_at=s.expires_at, result=ScanResult.of(s.result) if s.result else None)


@strawberry.type
class ScanDocument:
    doc_id: str
    file_name: str
    sm3_hex: str


@strawberry.type
class ScanEnvelope:
    envelope_id: str


@strawberry.type
class UsableCertificateType:
    certificate: CertificateType
    holder_kind: SubjectTypeEnum  # type: ignore[valid-type]
    enterprise: Enterprise | None
    entitlement: EntitlementType

    @classmethod
    def of(cls, u: UsableCertificate, now: datetime) -> UsableCertificateType:
        c = u.certificate
        return cls(certificate=CertificateType.of(CertificateView(c, c.status_at(now))), holder_kind=u.holder_kind,
                   enterprise=Enterprise.of(u.enterprise, None) if u.enterprise is not None else None,
                   entitlement=EntitlementType.of(u.entitlement, now))


@strawberry.type(name="ScanSession", description=(
    "The app's view of a scan session it scanned. usableCertificates and usableSeals are filled by scanQrCode."))
class ScanSessionType(Node):
    t_id: str
    operation: ScanOperationEnum  # type: ignore[valid-type]
    status: ScanStatusEnum  # type: ignore[valid-type]
    expires_at: datetime
    scanned_at: datetime | None
    confirmed_at: datetime | None
    continuous: bool
    seal_owner: SealOwnerEnum | None  # type: ignore[valid-type]
    seal_kind: SealUseEnum | None  # type: ignore[valid-type]
    documents: list[ScanDocument]
    envelopes: list[ScanEnvelope]
    usable_certificates: list[UsableCertificateType]
    usable_seals: list[SealType]
    platform_id: strawberry.Private[UUID]

    @strawberry.field
    async def platform(self, info: Info) -> TradingPlatformType | None:
        p = await loaders(info).platform.load(self.platform_id)
        return TradingPlatformType.of(p) if p else None

    @classmethod
    def of(cls, s: ScanSession, status: ScanStatus, now: datetime, usable: list[UsableCertificate] | None = None,
           seals: list[Seal] | None = None) -> ScanSessionType:
        return cls(id=to_global_id("ScanSession", s.id), t_id=s.t_id, operation=s.operation, status=status,
                   expires_at=s.expires_at, scanned_at=s.scanned_at, confirmed_at=s.confirmed_at,
                   continuous=s.continuous, seal_owner=s.seal_owner, seal_kind=s.seal_use,
                   documents=[ScanDocument(doc_id=d.doc_id, file_name=d.file_name, sm3_hex=d.sm3_hex)
                              for d in s.scan_documents],
                   envelopes=[ScanEnvelope(envelope_id=e.envelope_id) for e in s.scan_envelopes],
                   usable_certificates=[UsableCertificateType.of(u, now) for u in usable or []],
                   usable_seals=[SealType.of(SealView(x, x.status_at(now))) for x in seals or []],
                   platform_id=s.platform_id)
