"""GraphQL types of certificates and the payloads of the certificate mutations."""

from __future__ import annotations

import base64
import textwrap
from datetime import datetime
from enum import Enum
from typing import Annotated
from uuid import UUID

import strawberry

from application.certificates.list_my_certificates import CertificateView
from domain.certificates.certificate import CertificateUsage
from graphql_schema.accounts.types import AccountType, Enterprise, FaceVerificationTicket
from graphql_schema.commerce.types import EntitlementType
from graphql_schema.common.context import Info
from graphql_schema.common.errors import UserError, run_query
from graphql_schema.common.node import Node, from_global_id, to_global_id
from graphql_schema.seals.types import SealType
from graphql_schema.signing.types import SigningRequestType

CertificateUsageEnum = strawberry.enum(CertificateUsage, name="CertificateUsage")


@strawberry.enum(name="CertificateStatus")
class CertificateStatusEnum(Enum):
    ACTIVE = "ACTIVE"
    REVOKED = "REVOKED"
    EXPIRED = "EXPIRED"


@strawberry.enum(name="RevocationReason", description="RFC 5280 CRLReason values a holder may give.")
class RevocationReasonEnum(Enum):
    UNSPECIFIED = "UNSPECIFIED"
    KEY_COMPROMISE = "KEY_COMPROMISE"
    AFFILIATION_CHANGED = "AFFILIATION_CHANGED"
    SUPERSEDED = "SUPERSEDED"
    CESSATION_OF_OPERATION = "CESSATION_OF_OPERATION"


CertificateHolder = Annotated[AccountType | Enterprise, strawberry.union("CertificateHolder")]


def _pem(der: bytes | None) -> str:
    if der is None:
        return ""
    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode(), 64))
    return f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n"


@strawberry.type(name="Certificate", description="An X.509 SM2 certificate we issued (GM/T 0015).")
class CertificateType(Node):
    usage: CertificateUsageEnum  # type: ignore[valid-type]
    algorithm: str
    serial_number: str = strawberry.field(description="Upper-case hex.")
    subject_dn: str
    not_before: datetime
    not_after: datetime
    status: CertificateStatusEnum
    pem: str
    revoked_at: datetime | None
    revocation_reason: RevocationReasonEnum | None
    holder_account_id: strawberry.Private[UUID | None]

    @strawberry.field(description="Whose certificate this is: a person's account or an enterprise.")
    async def holder(self, info: Info) -> CertificateHolder | None:
        ctx = info.context
        if self.holder_account_id is None:
            return None  # enterprise certificates come with the enterprise chapter
        view = await run_query(lambda: ctx.use_cases.get_me(ctx.principal))
        return AccountType.of(view) if view.account.id == self.holder_account_id else None

    @strawberry.field(description=(
        "The services this certificate carries (§8.3), newest first: the entitlements of its holder (the "
        "enterprise for an org certificate, the account for a personal one) whose validity overlaps the "
        "certificate's usable life, from notBefore to revokedAt if revoked, else to notAfter. Visible to the "
        "holder account, or the enterprise's admins and legal rep; empty for anyone else."))
    async def services(self, info: Info) -> list[EntitlementType]:
        ctx = info.context
        ref = from_global_id(self.id, "Certificate")
        if ref is None:
            return []
        found = await run_query(lambda: ctx.use_cases.certificate_services(ctx.principal, ref[1]))
        now = ctx.use_cases.commerce.clock.now()
        return [EntitlementType.of(e, now) for e in found]

    @classmethod
    def of(cls, view: CertificateView) -> CertificateType:
        c = view.certificate
        reason = None
        if c.revocation_reason is not None and c.revocation_reason.name in RevocationReasonEnum.__members__:
            reason = RevocationReasonEnum[c.revocation_reason.name]
        return cls(id=to_global_id("Certificate", c.id), usage=c.usage, algorithm="SM2",
                   serial_number=c.serial.upper(), subject_dn=c.subject_dn, not_before=c.not_before,
                   not_after=c.not_after, status=CertificateStatusEnum(view.status.value), pem=_pem(c.der),
                   revoked_at=c.revoked_at, revocation_reason=reason, holder_account_id=c.holder_account_id)


@strawberry.type(description="An org certificate the caller may use through a grant (§8.5).")
class UsableEnterpriseCertificate:
    certificate: CertificateType
    enterprise: Enterprise


def _errors() -> list[UserError]:
    return []


@strawberry.type
class ClaimEnterpriseCertificatePayload:
    signing_request: SigningRequestType | None = strawberry.field(
        default=None, description="First call: what the phone must co-sign; nothing was issued yet.")
    signing_certificate: CertificateType | None = None
    encryption_certificate: CertificateType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class ClaimPersonalCertificatePayload:
    signing_request: SigningRequestType | None = strawberry.field(
        default=None, description="First call: what the phone must co-sign; nothing was issued yet.")
    signing_certificate: CertificateType | None = None
    encryption_certificate: CertificateType | None = None
    personal_seal: SealType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class StartPinResetFaceVerificationPayload:
    face_verification: FaceVerificationTicket | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class RevokeCertificatePayload:
    certificate: CertificateType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)
