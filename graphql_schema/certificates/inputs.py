"""Inputs of the certificate mutations: one `input` argument each (api/README.md)."""

from __future__ import annotations

import strawberry

from graphql_schema.certificates.types import RevocationReasonEnum
from graphql_schema.signing.types import CoSignatureInput


@strawberry.input
class ClaimPersonalCertificateInput:
    entitlement_id: strawberry.ID
    co_signature: CoSignatureInput | None = strawberry.field(
        default=None, description="Second call: the phone's co-signature over the signingRequest of the first.")


@strawberry.input
class ClaimEnterpriseCertificateInput:
    enterprise_id: strawberry.ID
    entitlement_id: strawberry.ID = strawberry.field(description="An active entitlement the enterprise holds.")
    co_signature: CoSignatureInput | None = strawberry.field(
        default=None, description="Second call: the claimer's co-signature over the signingRequest of the first.")


@strawberry.input
class StartPinResetFaceVerificationInput:
    # GraphQL needs at least one field in an input object; Relay's optional echo is the customary one.
    client_mutation_id: str | None = strawberry.field(default=None, description="Echoed nowhere; for tracing.")


@strawberry.input
class RevokeCertificateInput:
    certificate_id: strawberry.ID
    reason: RevocationReasonEnum = RevocationReasonEnum.UNSPECIFIED
