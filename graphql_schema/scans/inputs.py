"""Inputs of the scan-service mutations (api/platform.graphql, api/scan.graphql)."""

from __future__ import annotations

import strawberry

from graphql_schema.commerce.types import ScanOperationEnum
from graphql_schema.scans.types import SealOwnerEnum, SealUseEnum
from graphql_schema.signing.types import CoSignatureInput


@strawberry.input
class ScanDocumentInput:
    doc_id: str
    file_name: str
    sm3_hex: str = strawberry.field(description="64 hex digits: the document's SM3 hash.")


@strawberry.input
class EnvelopeInput:
    envelope_id: str
    sm2_cipher_der: str = strawberry.field(description="base64 of the GM/T 0009 DER SM2 ciphertext (C1C3C2) of "
                                                       "the symmetric key, encrypted to the holder's encryption "
                                                       "certificate.")


@strawberry.input
class CreateScanSessionInput:
    operation: ScanOperationEnum  # type: ignore[valid-type]
    documents: list[ScanDocumentInput] | None = None
    seal_owner: SealOwnerEnum | None = None  # type: ignore[valid-type]
    seal_kind: SealUseEnum | None = None  # type: ignore[valid-type]
    continuous: bool | None = False
    envelopes: list[EnvelopeInput] | None = None


@strawberry.input
class ScanQrCodeInput:
    qr_content: str


@strawberry.input
class ConfirmScanSessionInput:
    session_id: strawberry.ID
    certificate_id: strawberry.ID
    seal_id: strawberry.ID | None = None
    co_signatures: list[CoSignatureInput] | None = strawberry.field(
        default=None, description="Absent: the first of the two calls (SPEC §C), answered with the signing "
                                  "requests. Then one co-signature per request of that answer, same input.")


@strawberry.input
class DeclineScanSessionInput:
    session_id: strawberry.ID
