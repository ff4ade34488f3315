"""GraphQL types of seals and signature appearances."""

from __future__ import annotations

import base64
from datetime import datetime
from uuid import UUID

import strawberry

from application.seals.list_my_seals import SealView
from application.seals.signature_appearances import AppearanceKind, SignatureAppearance
from domain.seals.seal import SealKind, SealStatus, SealStyle
from graphql_schema.common.context import Info
from graphql_schema.common.errors import UserError, run_query
from graphql_schema.common.links import LINK_NOTE, signed_file_link
from graphql_schema.common.node import Node, to_global_id
from graphql_schema.signing.types import SigningRequestType

SealKindEnum = strawberry.enum(SealKind, name="SealKind")
SealStatusEnum = strawberry.enum(SealStatus, name="SealStatus")
SealStyleEnum = strawberry.enum(SealStyle, name="SealStyle", description=(
    "Template styles of a seal face: SQUARE, RECTANGLE and OVAL for personal name seals; CLASSIC, "
    "DOUBLE_RING and AGED for organisation seals."))
AppearanceKindEnum = strawberry.enum(AppearanceKind, name="SignatureAppearanceKind")

NAME_SIGNATURE_URL = "/files/appearances/name-signature"


def seal_image_url(seal_id: UUID) -> str:
    return f"/files/seals/{to_global_id('Seal', seal_id)}/image"


@strawberry.type(name="Seal", description="A seal (印章) bound to its holder. `imageUrl` is served to the holder only.")
class SealType(Node):
    kind: SealKindEnum  # type: ignore[valid-type]
    name: str
    status: SealStatusEnum  # type: ignore[valid-type]
    style: SealStyleEnum | None  # type: ignore[valid-type]
    image_url: str = strawberry.field(extensions=signed_file_link(),
                                      description="The seal's image (PNG)." + LINK_NOTE)
    created_at: datetime
    valid_until: datetime
    revoked_at: datetime | None
    surrounding_text: str | None = strawberry.field(
        description="Org seals (§8.2.3): the text on the upper arc (the enterprise name, or the legal rep's name).")
    info_code: str | None = strawberry.field(
        description="Org seals (§8.2.3): the 13-digit information code on the lower arc, when set.")
    seal_id: strawberry.Private[UUID]

    @strawberry.field(description="GB/T 38540 SES_Seal (DER, base64) signed by our seal-maker certificate; "
                                  "null for a seal that is no longer usable.")
    async def ses_seal_der(self, info: Info) -> str | None:
        ctx = info.context
        der = await run_query(lambda: ctx.use_cases.export_seal(ctx.principal, self.seal_id))
        return base64.b64encode(der).decode() if der is not None else None

    @classmethod
    def of(cls, view: SealView) -> SealType:
        s = view.seal
        return cls(id=to_global_id("Seal", s.id), kind=s.kind, name=s.name, status=view.status, style=s.style,
                   image_url=seal_image_url(s.id), created_at=s.created_at, valid_until=s.valid_until,
                   revoked_at=s.revoked_at, surrounding_text=s.surrounding_text, info_code=s.info_code,
                   seal_id=s.id)


@strawberry.type(name="SignatureAppearance", description="Something a person may sign a letter with (§5.1.1.1 step 3).")
class SignatureAppearanceType(Node):
    kind: AppearanceKindEnum  # type: ignore[valid-type]
    image_url: str = strawberry.field(extensions=signed_file_link(),
                                      description="The seal's or the name signature's image (PNG)." + LINK_NOTE)

    @classmethod
    def of(cls, a: SignatureAppearance) -> SignatureAppearanceType:
        if a.seal is not None:
            return cls(id=to_global_id("Seal", a.seal.id), kind=a.kind, image_url=seal_image_url(a.seal.id))
        return cls(id=to_global_id("NameSignature", a.account_id), kind=a.kind, image_url=NAME_SIGNATURE_URL)


def _errors() -> list[UserError]:
    return []


@strawberry.type
class SealPayload:
    signing_request: SigningRequestType | None = strawberry.field(
        default=None, description="First call: what the phone must co-sign; nothing was changed yet.")
    seal: SealType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class CaptureHandwrittenSignaturePayload(SealPayload):
    pass


@strawberry.type
class ChangeSealFacePayload(SealPayload):
    pass


@strawberry.type
class RevokeSealPayload(SealPayload):
    pass
