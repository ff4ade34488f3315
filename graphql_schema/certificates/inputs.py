"""Inputs of the certificate mutations: one `input` argument each (api/README.md)."""

from __future__ import annotations

import strawberry

from graphql_schema.certificates.types import RevocationReasonEnum


@strawberry.input
class ClaimPersonalCertificateInput:
    entitlement_id: strawberry.ID
    pin: str = strawberry.field(description="The first claim sets the 6-digit PIN; later claims prove it.")


@strawberry.input
class ClaimEnterpriseCertificateInput:
    enterprise_id: strawberry.ID
    entitlement_id: strawberry.ID = strawberry.field(description="An active entitlement the enterprise holds.")
    pin: str = strawberry.field(description="The claimer's own certificate PIN (set here if they have none yet).")


@strawberry.input
class SetCertificatePinInput:
    pin: str
    sms_code: str = strawberry.field(description="A code of purpose CERTIFICATE_PIN.")


@strawberry.input
class ChangeCertificatePinInput:
    old_pin: str
    new_pin: str


@strawberry.input
class StartPinResetFaceVerificationInput:
    # GraphQL needs at least one field in an input object; Relay's optional echo is the customary one.
    client_mutation_id: str | None = strawberry.field(default=None, description="Echoed nowhere; for tracing.")


@strawberry.input
class ResetCertificatePinInput:
    sms_code: str = strawberry.field(description="A code of purpose CERTIFICATE_PIN.")
    face_token: str = strawberry.field(description="The token of a passed startPinResetFaceVerification.")
    new_pin: str


@strawberry.input
class RevokeCertificateInput:
    certificate_id: strawberry.ID
    reason: RevocationReasonEnum = RevocationReasonEnum.UNSPECIFIED
