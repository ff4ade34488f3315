"""Inputs of the seal mutations: one `input` argument each (api/README.md)."""

from __future__ import annotations

import strawberry
from strawberry.file_uploads import Upload

from graphql_schema.seals.types import SealStyleEnum
from graphql_schema.signing.types import CoSignatureInput

_CO_SIGNATURE = "Second call: the phone's co-signature over the signingRequest of the first."


@strawberry.input
class CaptureHandwrittenSignatureInput:
    image: Upload = strawberry.field(description="JPEG or PNG, at most 5 MB; the same file in both calls.")
    co_signature: CoSignatureInput | None = strawberry.field(default=None, description=_CO_SIGNATURE)


@strawberry.input
class ChangeSealFaceInput:
    seal_id: strawberry.ID
    style: SealStyleEnum | None = None  # type: ignore[valid-type]
    surrounding_text: str | None = strawberry.field(default=None, description="Org seals only.")
    info_code: str | None = strawberry.field(default=None, description="Org seals only: 13-digit information code.")
    image: Upload | None = strawberry.field(default=None, description="An uploaded face instead of a style.")
    co_signature: CoSignatureInput | None = strawberry.field(default=None, description=_CO_SIGNATURE)


@strawberry.input
class RevokeSealInput:
    seal_id: strawberry.ID
    co_signature: CoSignatureInput | None = strawberry.field(default=None, description=_CO_SIGNATURE)
