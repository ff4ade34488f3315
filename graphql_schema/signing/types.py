"""GraphQL types of the two-share signing key (SPEC §C): SigningKey, SigningRequest and CoSignatureInput."""

from __future__ import annotations

import base64
from datetime import datetime
from typing import TYPE_CHECKING

import strawberry

from domain.signing.cosignature import CoSignature
from domain.signing.signing_key import SigningKey, SigningKeyStatus
from domain.signing.signing_request import SigningPurpose, SigningRequest
from graphql_schema.common.node import Node, local_id, to_global_id

if TYPE_CHECKING:
    from application.signing.cosigning import NeedsCoSignature

SigningKeyStatusEnum = strawberry.enum(SigningKeyStatus, name="SigningKeyStatus")
SigningPurposeEnum = strawberry.enum(SigningPurpose, name="SigningPurpose",
                                     description="What a signing request approves.")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@strawberry.type(name="SigningKey", description="The person's SM2 signing key, held as two shares: one on the "
                                                "phone under the PIN, one with us (SPEC §C).")
class SigningKeyType(Node):
    public_key: str = strawberry.field(description="base64 04‖x‖y of P = d_device⁻¹·P_server − G.")
    status: SigningKeyStatusEnum  # type: ignore[valid-type]
    pin_attempts_left: int = strawberry.field(description="Wrong co-signatures left before LOCKED (6 at most).")
    created_at: datetime

    @classmethod
    def of(cls, key: SigningKey) -> SigningKeyType:
        return cls(id=to_global_id("SigningKey", key.id), public_key=b64(key.public_key), status=key.status,
                   pin_attempts_left=key.attempts_left, created_at=key.created_at)


@strawberry.type(name="SigningRequest", description="One co-signature asked of the phone: single use, 5 minutes.")
class SigningRequestType:
    id: strawberry.ID
    purpose: SigningPurposeEnum  # type: ignore[valid-type]
    message: str = strawberry.field(description="base64: exactly the bytes signed (SM2 with SM3, ID "
                                                "1234567812345678, Z over publicKey).")
    display: str = strawberry.field(description="What the app shows before it asks for the PIN.")
    server_commitment: str = strawberry.field(description="base64 04‖x‖y: Q1 = w1·G, for one co-signature.")
    public_key: str = strawberry.field(description="base64 04‖x‖y of the key that signs.")
    expires_at: datetime

    @classmethod
    def of(cls, r: SigningRequest) -> SigningRequestType:
        return cls(id=to_global_id("SigningRequest", r.id), purpose=r.purpose, message=b64(r.message),
                   display=r.display, server_commitment=b64(r.commitment), public_key=b64(r.public_key),
                   expires_at=r.expires_at)

    @staticmethod
    def one(pending: NeedsCoSignature) -> SigningRequestType:
        (request,) = pending.requests
        return SigningRequestType.of(request)


@strawberry.input(description="The phone's half of a co-signature over a signing request.")
class CoSignatureInput:
    request_id: strawberry.ID
    r: str = strawberry.field(description="64 hex digits.")
    s1: str = strawberry.field(description="64 hex digits.")

    def parse(self, field: str = "coSignature") -> CoSignature:
        request = local_id(self.request_id, "SigningRequest", f"{field}.requestId", "签名请求不存在")
        return CoSignature.parse(request, self.r, self.s1, field)


def co_signature(value: CoSignatureInput | None, field: str = "coSignature") -> CoSignature | None:
    return None if value is None else value.parse(field)


def co_signatures(values: list[CoSignatureInput] | None, field: str = "coSignatures"
                  ) -> tuple[CoSignature, ...] | None:
    if values is None:
        return None
    return tuple(v.parse(f"{field}.{i}") for i, v in enumerate(values))
