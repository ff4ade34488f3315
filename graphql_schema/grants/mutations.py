"""§8.5 证书授权 over GraphQL: createCertificateGrant (admin or legal rep), approveCertificateGrant (the legal rep
signs the grant letter), revokeCertificateGrant. Paying is placeOrder(grantId). Resolvers map input → command →
payload; the use cases decide."""

from __future__ import annotations

import datetime as dt

import strawberry

from application.grants.approve_certificate_grant import ApproveCertificateGrantCommand
from application.grants.create_certificate_grant import CreateCertificateGrantCommand
from application.grants.revoke_certificate_grant import RevokeCertificateGrantCommand
from domain.grants.grant import CertificateGrant
from graphql_schema.commerce.types import ScanOperationEnum
from graphql_schema.common.context import Info
from graphql_schema.common.errors import UserError, run_mutation
from graphql_schema.common.node import local_id
from graphql_schema.enterprises.mutations import _appearance
from graphql_schema.grants.types import CertificateGrantType, grant_local_id


@strawberry.input
class CreateCertificateGrantInput:
    enterprise_id: strawberry.ID
    member_id: strawberry.ID = strawberry.field(description="The member (Member ID) the grant is for.")
    platform_id: strawberry.ID
    operations: list[ScanOperationEnum]  # type: ignore[valid-type]
    valid_until: dt.date = strawberry.field(description="Last day (China Standard Time); in the future and not "
                                                        "beyond the enterprise's entitlement on that platform.")
    seal_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="SIGN only: the enterprise's active seals the member may sign with. Revoking one "
                                  "of them ends the grant. Omitted: every active seal of the enterprise.")


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
    return CertificateGrantPayload(grant=CertificateGrantType.of(g, info))


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
                ctx.principal, local_id(input.enterprise_id, "Enterprise", "enterpriseId", "企业不存在"),
                local_id(input.member_id, "Member", "memberId", "该成员不在本企业中"),
                local_id(input.platform_id, "TradingPlatform", "platformId", "交易平台不存在"),
                list(input.operations), input.valid_until, ctx.meta,
                seal_ids=[local_id(i, "Seal", "sealIds", "印章不存在") for i in input.seal_ids or []]))
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
