"""Enrolling and resetting the two-share signing key (SPEC §C): map input → command → use case → payload."""

from __future__ import annotations

import strawberry

from application.certificates.list_my_certificates import CertificateView
from application.signing.enroll_signing_key import EnrolledKey, EnrollSigningKeyCommand
from application.signing.reset_signing_key import ResetSigningKeyCommand
from graphql_schema.certificates.types import CertificateType
from graphql_schema.common.context import Info
from graphql_schema.common.errors import UserError, run_mutation
from graphql_schema.signing.types import SigningKeyType, b64


@strawberry.input
class EnrollSigningKeyInput:
    sms_code: str = strawberry.field(description="A code of purpose CERTIFICATE_PIN.")
    device_public_share: str = strawberry.field(description="base64 04‖x‖y of P_device = d_device⁻¹·G.")


@strawberry.input
class ResetSigningKeyInput:
    sms_code: str = strawberry.field(description="A code of purpose CERTIFICATE_PIN.")
    face_token: str = strawberry.field(description="The token of a passed startPinResetFaceVerification.")
    device_public_share: str = strawberry.field(description="base64 04‖x‖y of the new P_device.")


@strawberry.type
class EnrollSigningKeyPayload:
    signing_key: SigningKeyType | None = None
    server_public_share: str | None = strawberry.field(
        default=None, description="base64 P_server, returned once: the app checks publicKey with it, then forgets it.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _certificates(enrolled: EnrolledKey) -> list[CertificateType]:
    return [CertificateType.of(CertificateView(c, c.status)) for c in enrolled.signing_certificates]


@strawberry.type
class ResetSigningKeyPayload:
    signing_key: SigningKeyType | None = None
    server_public_share: str | None = None
    signing_certificates: list[CertificateType] | None = strawberry.field(
        default=None, description="The signing certificates re-issued over the new key.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SigningKeyMutations:
    @strawberry.mutation(description="SPEC §C: enrol the phone's key share (SMS code of purpose CERTIFICATE_PIN). "
                                     "Certificates over a key that is gone are re-issued over the new one.")
    async def enroll_signing_key(self, info: Info, input: EnrollSigningKeyInput) -> EnrollSigningKeyPayload:
        ctx = info.context

        async def act() -> EnrollSigningKeyPayload:
            enrolled = await ctx.use_cases.enroll_signing_key(EnrollSigningKeyCommand(
                ctx.principal, input.sms_code, input.device_public_share, ctx.meta))
            return EnrollSigningKeyPayload(signing_key=SigningKeyType.of(enrolled.key),
                                           server_public_share=b64(enrolled.server_public_share))
        return await run_mutation(EnrollSigningKeyPayload, act, input)

    @strawberry.mutation(description="Forgotten PIN or a LOCKED key: SMS code + a passed face token + a new device "
                                     "share make a new key; the old key's certificates are revoked and re-issued.")
    async def reset_signing_key(self, info: Info, input: ResetSigningKeyInput) -> ResetSigningKeyPayload:
        ctx = info.context

        async def act() -> ResetSigningKeyPayload:
            enrolled = await ctx.use_cases.reset_signing_key(ResetSigningKeyCommand(
                ctx.principal, input.sms_code, input.face_token, input.device_public_share, ctx.meta))
            return ResetSigningKeyPayload(signing_key=SigningKeyType.of(enrolled.key),
                                          server_public_share=b64(enrolled.server_public_share),
                                          signing_certificates=_certificates(enrolled))
        return await run_mutation(ResetSigningKeyPayload, act, input)
