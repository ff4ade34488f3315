"""§8.5 证书授权 over GraphQL: createCertificateGrant (admin or legal rep), approveCertificateGrant (the legal rep
signs the grant letter), revokeCertificateGrant. Paying is placeOrder(grantId). Resolvers map input → command →
payload; the use cases decide."""

from __future__ import annotations

import datetime as dt
from uuid import UUID

import strawberry

from application.grants.approve_certificate_grant import ApproveCertificateGrantCommand
from application.grants.create_certificate_grant import CreateCertificateGrantCommand, approval_url
from application.grants.revoke_certificate_grant import RevokeCertificateGrantCommand
from domain.commerce.entitlement import ScanOperation
from domain.errors import NotFound
from domain.grants.grant import CertificateGrant, GrantStatus
from graphql_schema.commerce.types import ScanOperationEnum
from graphql_schema.common.context import Info
from graphql_schema.common.errors import UserError, run_mutation
from graphql_schema.common.node import Node, from_global_id, to_global_id
from graphql_schema.enterprises.mutations import _appearance

GrantStatusEnum = strawberry.enum(GrantStatus, name="CertificateGrantStatus", description=(
    "AWAITING_APPROVAL (the legal rep signs) → AWAITING_PAYMENT (the grantor or the member buys) → ACTIVE; "
    "REVOKED by the admin or legal rep; ENDED when the member leaves or the org certificate is revoked; EXPIRED "
    "after validUntil."))
GRANT_TYPE = "CertificateGrant"


def _local(global_id: str, type_name: str, field: str, message: str) -> UUID:
    ref = from_global_id(global_id, type_name)
    if ref is None:
        raise NotFound(message, field=field)
    return ref[1]


def grant_local_id(global_id: str) -> UUID:
    return _local(global_id, GRANT_TYPE, "grantId", "证书授权不存在")


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

    @classmethod
    def of(cls, g: CertificateGrant, now: dt.datetime, base_url: str) -> CertificateGrantType:
        status = g.status_at(now)
        return cls(id=to_global_id(GRANT_TYPE, g.id), status=status,
                   operations=[ScanOperation(o) for o in g.operations], valid_until=g.valid_until,
                   approval_url=approval_url(base_url, g.id) if status is GrantStatus.AWAITING_APPROVAL else None,
                   created_at=g.created_at, approved_at=g.approved_at, activated_at=g.activated_at)


async def enterprise_grants(info: Info, enterprise_global_id: str) -> list[CertificateGrantType]:
    ref = from_global_id(enterprise_global_id, "Enterprise")
    if ref is None:
        return []
    grants = info.context.use_cases.grants
    now = grants.clock.now()
    return [CertificateGrantType.of(g, now, grants.base_url)
            for g in await grants.list_enterprise_grants(info.context.principal, ref[1])]


@strawberry.input
class CreateCertificateGrantInput:
    enterprise_id: strawberry.ID
    member_id: strawberry.ID = strawberry.field(description="The member (Member ID) the grant is for.")
    platform_id: strawberry.ID
    operations: list[ScanOperationEnum]  # type: ignore[valid-type]
    valid_until: dt.date = strawberry.field(description="Last day (China Standard Time); in the future and not "
                                                        "beyond the enterprise's entitlement on that platform.")


@strawberry.input
class ApproveCertificateGrantInput:
    grant_id: strawberry.ID
    appearance_id: strawberry.ID = strawberry.field(description="One of the caller's signature appearances.")
    sms_code: str = strawberry.field(description="A code of purpose SIGN sent to the caller's phone.")


@strawberry.input
class RevokeCertificateGrantInput:
    grant_id: strawberry.ID


def _errors() -> list[UserError]:
    return []


@strawberry.type
class CertificateGrantPayload:
    grant: CertificateGrantType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


def _grant(info: Info, g: CertificateGrant) -> CertificateGrantPayload:
    grants = info.context.use_cases.grants
    return CertificateGrantPayload(grant=CertificateGrantType.of(g, grants.clock.now(), grants.base_url))


@strawberry.type
class CertificateGrantMutations:
    @strawberry.mutation(description="§8.5.1/§8.5.2 the admin or the legal rep grants a member the org certificate "
                                     "for a platform and operations; it waits for the legal rep's signature "
                                     "(approveCertificateGrant — the legal rep approves their own at once).")
    async def create_certificate_grant(self, info: Info, input: CreateCertificateGrantInput
                                       ) -> CertificateGrantPayload:
        ctx = info.context

        async def act():
            g = await ctx.use_cases.grants.create_certificate_grant(CreateCertificateGrantCommand(
                ctx.principal, _local(input.enterprise_id, "Enterprise", "enterpriseId", "企业不存在"),
                _local(input.member_id, "Member", "memberId", "该成员不在本企业中"),
                _local(input.platform_id, "TradingPlatform", "platformId", "交易平台不存在"),
                list(input.operations), input.valid_until, ctx.meta))
            return _grant(info, g)
        return await run_mutation(CertificateGrantPayload, act, input)

    @strawberry.mutation(description="§8.5 the legal rep signs the grant letter (SMS code, purpose SIGN); the grant "
                                     "then waits for the grantor or the member to buy (placeOrder with grantId).")
    async def approve_certificate_grant(self, info: Info, input: ApproveCertificateGrantInput
                                        ) -> CertificateGrantPayload:
        ctx = info.context

        async def act():
            g = await ctx.use_cases.grants.approve_certificate_grant(ApproveCertificateGrantCommand(
                ctx.principal, grant_local_id(input.grant_id), _appearance(input.appearance_id), input.sms_code,
                ctx.meta))
            return _grant(info, g)
        return await run_mutation(CertificateGrantPayload, act, input)

    @strawberry.mutation(description="§8.5 the admin or the legal rep revokes a grant; final.")
    async def revoke_certificate_grant(self, info: Info, input: RevokeCertificateGrantInput
                                       ) -> CertificateGrantPayload:
        ctx = info.context

        async def act():
            g = await ctx.use_cases.grants.revoke_certificate_grant(RevokeCertificateGrantCommand(
                ctx.principal, grant_local_id(input.grant_id), ctx.meta))
            return _grant(info, g)
        return await run_mutation(CertificateGrantPayload, act, input)
