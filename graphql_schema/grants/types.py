"""GraphQL types of §8.5 证书授权: the grant, its letter (files served under /files/letters, like the other letters
the legal rep signs), and the lists that show grants (Enterprise.certificateGrants, me.certificateGrants, node)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry

from application.grants.create_certificate_grant import approval_url
from domain.commerce.entitlement import ScanOperation
from domain.grants.grant import CertificateGrant, GrantEndReason, GrantStatus
from graphql_schema.commerce.types import ScanOperationEnum, TradingPlatformType, loaders
from graphql_schema.common.context import Info
from graphql_schema.common.links import LINK_NOTE, signed_file_link
from graphql_schema.common.lists import list_connection
from graphql_schema.common.node import Node, from_global_id, local_id, to_global_id

if TYPE_CHECKING:
    from graphql_schema.enterprises.member_types import MemberType
    from graphql_schema.enterprises.types import EnterpriseType
    from graphql_schema.seals.types import SealType

GrantStatusEnum = strawberry.enum(GrantStatus, name="CertificateGrantStatus", description=(
    "AWAITING_APPROVAL (the legal rep signs) → AWAITING_PAYMENT (the grantor or the member buys) → ACTIVE; "
    "REVOKED by the admin or legal rep; ENDED when the member leaves, the org certificate is revoked or a seal the "
    "grant names is revoked; EXPIRED after validUntil."))
GrantEndReasonEnum = strawberry.enum(GrantEndReason, name="CertificateGrantEndReason")
GRANT_TYPE = "CertificateGrant"
LETTER_TYPE = "CertificateGrantLetter"


def grant_local_id(global_id: str) -> UUID:
    return local_id(global_id, GRANT_TYPE, "grantId", "证书授权不存在")


def grant_letter_url(grant_id: UUID, *, signed: bool = False) -> str:
    # Served beside the authorisation and transfer letters (/files/letters); the global ID's type tells them apart.
    return f"/files/letters/{to_global_id(LETTER_TYPE, grant_id)}" + ("/signed" if signed else "")


@strawberry.type(name=LETTER_TYPE, description="企业证书授权书 (§8.5): drawn up when the grant is made, so the legal rep "
                                               "reads the very PDF they sign; files served to the enterprise's admin "
                                               "and legal rep and to the member it is for.")
class CertificateGrantLetterType(Node):
    document_url: str | None = strawberry.field(extensions=signed_file_link(),
                                                description="The letter as drawn up (PDF; null for grants made "
                                                            "before letters were kept)." + LINK_NOTE)
    sha256: str | None = strawberry.field(description="SHA-256 (hex) of the unsigned PDF.")
    signed_document_url: str | None = strawberry.field(
        extensions=signed_file_link(), description="The letter with the legal rep's PAdES signature." + LINK_NOTE)
    signed_sha256: str | None
    signed_at: dt.datetime | None

    @classmethod
    def of(cls, g: CertificateGrant) -> CertificateGrantLetterType:
        signed = g.signed_blob_id is not None
        return cls(id=to_global_id(LETTER_TYPE, g.id),
                   document_url=grant_letter_url(g.id) if g.letter_blob_id else None, sha256=g.letter_sha256,
                   signed_document_url=grant_letter_url(g.id, signed=True) if signed else None,
                   signed_sha256=g.signed_sha256, signed_at=g.approved_at if signed else None)


@strawberry.type(name=GRANT_TYPE, description="证书授权 (§8.5): one member may use the enterprise's org certificate "
                                               "on one platform for some operations until validUntil.")
class CertificateGrantType(Node):
    status: GrantStatusEnum  # type: ignore[valid-type]
    operations: list[ScanOperationEnum]  # type: ignore[valid-type]
    valid_until: dt.date = strawberry.field(description="Last day (China Standard Time) the grant works.")
    approval_url: str | None = strawberry.field(description="The link the legal rep signs at (AWAITING_APPROVAL).")
    created_at: dt.datetime
    approved_at: dt.datetime | None
    activated_at: dt.datetime | None
    closed_at: dt.datetime | None = strawberry.field(description="When it was revoked or ended.")
    end_reason: GrantEndReasonEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="Why it ENDED: the member removed, the org certificate or a named seal revoked.")
    letter: CertificateGrantLetterType
    names_seals: bool = strawberry.field(description="True when the grant names its seals (see seals); false: "
                                                     "SIGN offers every active seal of the enterprise.")
    grant_id: strawberry.Private[UUID]
    enterprise_id: strawberry.Private[UUID]
    membership_id: strawberry.Private[UUID]
    platform_id: strawberry.Private[UUID]

    @strawberry.field(description="The seals the grant names for SIGN, with their state now (a revoked one ended "
                                  "the grant).")
    async def seals(self, info: Info) -> list[Annotated[SealType, strawberry.lazy("graphql_schema.seals.types")]]:
        from graphql_schema.seals.types import SealType

        ctx = info.context
        return [SealType.of(v) for v in await ctx.use_cases.grants.grant_seals(ctx.principal, self.grant_id)]

    @strawberry.field(description="The member the grant is for (null once they have left the enterprise).")
    async def member(self, info: Info
                     ) -> Annotated[MemberType, strawberry.lazy("graphql_schema.enterprises.member_types")] | None:
        from graphql_schema.enterprises.member_types import member_node

        return await member_node(info, self.membership_id)

    @strawberry.field
    async def enterprise(self, info: Info
                         ) -> Annotated[EnterpriseType, strawberry.lazy("graphql_schema.enterprises.types")] | None:
        from graphql_schema.enterprises.queries import enterprise_node

        return await enterprise_node(info, self.enterprise_id)

    @strawberry.field
    async def platform(self, info: Info) -> TradingPlatformType | None:
        p = await loaders(info).platform.load(self.platform_id)
        return TradingPlatformType.of(p) if p else None

    @classmethod
    def of(cls, g: CertificateGrant, info: Info) -> CertificateGrantType:
        grants = info.context.use_cases.grants
        status = g.status_at(grants.clock.now())
        return cls(id=to_global_id(GRANT_TYPE, g.id), status=status,
                   operations=[ScanOperation(o) for o in g.operations], valid_until=g.valid_until,
                   approval_url=approval_url(grants.base_url, g.id) if status is GrantStatus.AWAITING_APPROVAL
                   else None,
                   created_at=g.created_at, approved_at=g.approved_at, activated_at=g.activated_at,
                   closed_at=g.closed_at, end_reason=GrantEndReason(g.end_reason) if g.end_reason else None,
                   letter=CertificateGrantLetterType.of(g), names_seals=bool(g.seal_ids), grant_id=g.id,
                   enterprise_id=g.enterprise_id, membership_id=g.membership_id, platform_id=g.platform_id)


async def enterprise_grants(info: Info, enterprise_global_id: str) -> list[CertificateGrantType]:
    ref = from_global_id(enterprise_global_id, "Enterprise")
    if ref is None:
        return []
    grants = info.context.use_cases.grants
    return [CertificateGrantType.of(g, info)
            for g in await grants.list_enterprise_grants(info.context.principal, ref[1])]


async def my_certificate_grants(info: Info) -> list[CertificateGrantType]:
    ctx = info.context
    return [CertificateGrantType.of(g, info) for g in await ctx.use_cases.grants.my_certificate_grants(ctx.principal)]


# The grant lists as connections (beside the plain lists the documents already use).
CertificateGrantConnection, _grant_page = list_connection(CertificateGrantType, "CertificateGrant")


def _grant_key(g: CertificateGrantType) -> tuple[dt.datetime, str]:
    return g.created_at, str(g.id)


async def enterprise_grants_connection(info: Info, enterprise_global_id: str, first: int, after: str | None):
    return _grant_page(await enterprise_grants(info, enterprise_global_id), _grant_key, first, after)


async def my_certificate_grants_connection(info: Info, first: int, after: str | None):
    return _grant_page(await my_certificate_grants(info), _grant_key, first, after)


async def grant_node(info: Info, grant_id: UUID) -> CertificateGrantType | None:
    ctx = info.context
    g = await ctx.use_cases.grants.get_certificate_grant(ctx.principal, grant_id)
    return CertificateGrantType.of(g, info) if g is not None else None
