"""Certificate mutations (§6.1.1, §9.3): map input → command, call the use case, map the result → payload."""

from __future__ import annotations

import strawberry

from application.certificates.claim_enterprise_certificate import ClaimEnterpriseCertificateCommand
from application.certificates.claim_personal_certificate import ClaimPersonalCertificateCommand
from application.certificates.list_my_certificates import CertificateView
from application.certificates.revoke_certificate import RevokeCertificateCommand
from application.certificates.start_pin_reset_face import StartPinResetFaceCommand
from application.seals.list_my_seals import SealView
from application.signing.cosigning import NeedsCoSignature
from domain.certificates.certificate import Certificate
from domain.errors import NotFound
from graphql_schema.accounts.types import FaceVerificationTicket
from graphql_schema.certificates import inputs as i
from graphql_schema.certificates import types as t
from graphql_schema.common.context import Info
from graphql_schema.common.errors import run_mutation
from graphql_schema.common.node import from_global_id
from graphql_schema.seals.types import SealType
from graphql_schema.signing.types import SigningRequestType, co_signature


def _cert(c: Certificate) -> t.CertificateType:
    # Just issued or just revoked: the row's status is the status now.
    return t.CertificateType.of(CertificateView(c, c.status))


@strawberry.type
class CertificateMutations:
    @strawberry.mutation(description="§6.1.1 领取证书: the dual SM2 pair for a personal entitlement, the signing "
                                     "certificate over the enrolled two-share key; two calls (SPEC §C). The first "
                                     "certificate makes the personal name seal.")
    async def claim_personal_certificate(self, info: Info, input: i.ClaimPersonalCertificateInput
                                         ) -> t.ClaimPersonalCertificatePayload:
        ctx = info.context

        async def act():
            ref = from_global_id(input.entitlement_id, "Entitlement")
            if ref is None:
                raise NotFound("证书服务不存在", field="entitlementId")
            r = await ctx.use_cases.claim_personal_certificate(ClaimPersonalCertificateCommand(
                ctx.principal, ref[1], co_signature(input.co_signature), ctx.meta))
            if isinstance(r, NeedsCoSignature):
                return t.ClaimPersonalCertificatePayload(signing_request=SigningRequestType.one(r))
            seal = r.personal_seal
            return t.ClaimPersonalCertificatePayload(
                signing_certificate=_cert(r.signing), encryption_certificate=_cert(r.encryption),
                personal_seal=SealType.of(SealView(seal, seal.status)) if seal is not None else None)
        return await run_mutation(t.ClaimPersonalCertificatePayload, act, input)

    @strawberry.mutation(description="§6.2.1 领取企业证书: the enterprise's dual SM2 org pair for an entitlement it holds; "
                                     "by its admin or legal rep, approved by the claimer's co-signature (two calls, "
                                     "SPEC §C).")
    async def claim_enterprise_certificate(self, info: Info, input: i.ClaimEnterpriseCertificateInput
                                           ) -> t.ClaimEnterpriseCertificatePayload:
        ctx = info.context

        async def act():
            enterprise = from_global_id(input.enterprise_id, "Enterprise")
            entitlement = from_global_id(input.entitlement_id, "Entitlement")
            if enterprise is None:
                raise NotFound("企业不存在", field="enterpriseId")
            if entitlement is None:
                raise NotFound("证书服务不存在", field="entitlementId")
            r = await ctx.use_cases.claim_enterprise_certificate(ClaimEnterpriseCertificateCommand(
                ctx.principal, enterprise[1], entitlement[1], co_signature(input.co_signature), ctx.meta))
            if isinstance(r, NeedsCoSignature):
                return t.ClaimEnterpriseCertificatePayload(signing_request=SigningRequestType.one(r))
            return t.ClaimEnterpriseCertificatePayload(signing_certificate=_cert(r.signing),
                                                       encryption_certificate=_cert(r.encryption))
        return await run_mutation(t.ClaimEnterpriseCertificatePayload, act, input)

    @strawberry.mutation(description="Forgotten PIN or a LOCKED signing key, step 1: face liveness against the verified identity; step 2 is resetSigningKey.")
    async def start_pin_reset_face_verification(self, info: Info, input: i.StartPinResetFaceVerificationInput
                                                ) -> t.StartPinResetFaceVerificationPayload:
        ctx = info.context

        async def act():
            ticket = await ctx.use_cases.start_pin_reset_face(StartPinResetFaceCommand(ctx.principal, ctx.meta))
            return t.StartPinResetFaceVerificationPayload(face_verification=FaceVerificationTicket(
                token=ticket.token, url=ticket.url, expires_at=ticket.expires_at))
        return await run_mutation(t.StartPinResetFaceVerificationPayload, act, input)

    @strawberry.mutation(description="The holder revokes a certificate (and its dual partner); the CRL and OCSP "
                                     "say so at once.")
    async def revoke_certificate(self, info: Info, input: i.RevokeCertificateInput) -> t.RevokeCertificatePayload:
        ctx = info.context

        async def act():
            ref = from_global_id(input.certificate_id, "Certificate")
            if ref is None:
                raise NotFound("证书不存在", field="certificateId")
            revoked = await ctx.use_cases.revoke_certificate(
                RevokeCertificateCommand(ctx.principal, ref[1], input.reason.value, meta=ctx.meta))
            cert = revoked[0]
            return t.RevokeCertificatePayload(certificate=_cert(cert))
        return await run_mutation(t.RevokeCertificatePayload, act, input)
