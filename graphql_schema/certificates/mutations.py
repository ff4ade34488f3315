"""Certificate mutations (§6.1.1, §9.3): map input → command, call the use case, map the result → payload."""

from __future__ import annotations

import strawberry

from application.certificates.change_pin import ChangePinCommand
from application.certificates.claim_enterprise_certificate import ClaimEnterpriseCertificateCommand
from application.certificates.claim_personal_certificate import ClaimPersonalCertificateCommand
from application.certificates.list_my_certificates import CertificateView
from application.certificates.reset_certificate_pin import ResetCertificatePinCommand
from application.certificates.revoke_certificate import RevokeCertificateCommand
from application.certificates.set_certificate_pin import SetCertificatePinCommand
from application.certificates.start_pin_reset_face import StartPinResetFaceCommand
from application.seals.list_my_seals import SealView
from domain.certificates.certificate import Certificate
from domain.errors import NotFound
from graphql_schema.accounts.types import FaceVerificationTicket
from graphql_schema.certificates import inputs as i
from graphql_schema.certificates import types as t
from graphql_schema.common.context import Info
from graphql_schema.common.errors import run_mutation
from graphql_schema.common.node import from_global_id
from graphql_schema.seals.types import SealType


def _cert(c: Certificate) -> t.CertificateType:
    # Just issued or just revoked: the row's status is the status now.
    return t.CertificateType.of(CertificateView(c, c.status))


@strawberry.type
class CertificateMutations:
    @strawberry.mutation(description="§6.1.1 领取证书: the dual SM2 pair for a personal entitlement; the first "
                                     "claim sets the PIN and makes the personal name seal.")
    async def claim_personal_certificate(self, info: Info, input: i.ClaimPersonalCertificateInput
                                         ) -> t.ClaimPersonalCertificatePayload:
        ctx = info.context

        async def act():
            ref = from_global_id(input.entitlement_id, "Entitlement")
            if ref is None:
                raise NotFound("证书服务不存在", field="entitlementId")
            r = await ctx.use_cases.claim_personal_certificate(
                ClaimPersonalCertificateCommand(ctx.principal, ref[1], input.pin, ctx.meta))
            seal = r.personal_seal
            return t.ClaimPersonalCertificatePayload(
                signing_certificate=_cert(r.signing), encryption_certificate=_cert(r.encryption),
                personal_seal=SealType.of(SealView(seal, seal.status)) if seal is not None else None)
        return await run_mutation(t.ClaimPersonalCertificatePayload, act, input)

    @strawberry.mutation(description="§6.2.1 领取企业证书: the enterprise's dual SM2 org pair for an entitlement it holds; "
                                     "by its admin or legal rep, confirmed with the claimer's own PIN.")
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
                ctx.principal, enterprise[1], entitlement[1], input.pin, ctx.meta))
            return t.ClaimEnterpriseCertificatePayload(signing_certificate=_cert(r.signing),
                                                       encryption_certificate=_cert(r.encryption))
        return await run_mutation(t.ClaimEnterpriseCertificatePayload, act, input)

    @strawberry.mutation(description="An account without a PIN sets one, confirmed by SMS (purpose CERTIFICATE_PIN).")
    async def set_certificate_pin(self, info: Info, input: i.SetCertificatePinInput) -> t.SetCertificatePinPayload:
        ctx = info.context

        async def act():
            await ctx.use_cases.set_certificate_pin(
                SetCertificatePinCommand(ctx.principal, input.pin, input.sms_code, ctx.meta))
            return t.SetCertificatePinPayload()
        return await run_mutation(t.SetCertificatePinPayload, act, input)

    @strawberry.mutation(description="Old PIN → new PIN; every signing key is re-wrapped.")
    async def change_certificate_pin(self, info: Info, input: i.ChangeCertificatePinInput
                                     ) -> t.ChangeCertificatePinPayload:
        ctx = info.context

        async def act():
            await ctx.use_cases.change_certificate_pin(ChangePinCommand(ctx.principal, input.old_pin, input.new_pin))
            return t.ChangeCertificatePinPayload()
        return await run_mutation(t.ChangeCertificatePinPayload, act, input)

    @strawberry.mutation(description="Forgotten or locked PIN, step 1: face liveness against the verified identity.")
    async def start_pin_reset_face_verification(self, info: Info, input: i.StartPinResetFaceVerificationInput
                                                ) -> t.StartPinResetFaceVerificationPayload:
        ctx = info.context

        async def act():
            ticket = await ctx.use_cases.start_pin_reset_face(StartPinResetFaceCommand(ctx.principal, ctx.meta))
            return t.StartPinResetFaceVerificationPayload(face_verification=FaceVerificationTicket(
                token=ticket.token, url=ticket.url, expires_at=ticket.expires_at))
        return await run_mutation(t.StartPinResetFaceVerificationPayload, act, input)

    @strawberry.mutation(description="Step 2: SMS code + the passed face token → new PIN and a new signing "
                                     "certificate (the old one revoked); the encryption key is kept.")
    async def reset_certificate_pin(self, info: Info, input: i.ResetCertificatePinInput
                                    ) -> t.ResetCertificatePinPayload:
        ctx = info.context

        async def act():
            cert = await ctx.use_cases.reset_certificate_pin(ResetCertificatePinCommand(
                ctx.principal, input.sms_code, input.face_token, input.new_pin, ctx.meta))
            return t.ResetCertificatePinPayload(
                signing_certificate=_cert(cert) if cert is not None else None)
        return await run_mutation(t.ResetCertificatePinPayload, act, input)

    @strawberry.mutation(description="The holder revokes a certificate (and its dual partner); the CRL and OCSP "
                                     "say so at once.")
    async def revoke_certificate(self, info: Info, input: i.RevokeCertificateInput) -> t.RevokeCertificatePayload:
        ctx = info.context

        async def act():
            ref = from_global_id(input.certificate_id, "Certificate")
            if ref is None:
                raise NotFound("证书不存在", field="certificateId")
            revoked = await ctx.use_cases.revoke_certificate(
                RevokeCertificateCommand(ctx.principal, ref[1], input.reason.value))
            cert = revoked[0]
            return t.RevokeCertificatePayload(certificate=_cert(cert))
        return await run_mutation(t.RevokeCertificatePayload, act, input)
