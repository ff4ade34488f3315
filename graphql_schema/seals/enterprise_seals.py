"""§8.2 org seals: createEnterpriseSeal and the resolver of Enterprise.seals. changeSealFace, revokeSeal and ExportSeal
are the seal mutations and node field of graphql_schema/seals, which serve org seals too."""

from __future__ import annotations

import strawberry

from application.seals.create_enterprise_seal import CreateEnterpriseSealCommand
from application.signing.cosigning import NeedsCoSignature
from domain.errors import NotFound
from graphql_schema.common.context import Info
from graphql_schema.common.errors import run_mutation
from graphql_schema.common.node import from_global_id
from graphql_schema.seals.types import SealKindEnum, SealPayload, SealType
from graphql_schema.signing.types import CoSignatureInput, SigningRequestType, co_signature


@strawberry.input
class CreateEnterpriseSealInput:
    enterprise_id: strawberry.ID
    name: str = strawberry.field(description="The seal's name, e.g. 北京数信科技有限公司合同专用章.")
    kind: SealKindEnum = strawberry.field(  # type: ignore[valid-type]
        description="OFFICIAL, CONTRACT, FINANCE, INVOICE, PERSONNEL, OTHER (its name is cut under the star, at "
                    "most 8 characters) or LEGAL_REP (the legal rep's square name seal).")
    seal_admin_member_id: strawberry.ID | None = strawberry.field(
        default=None, description="The Member who manages and uses the seal; the caller when omitted.")
    co_signature: CoSignatureInput | None = strawberry.field(
        default=None, description="Second call: the caller's co-signature over the signingRequest of the first.")


@strawberry.type
class CreateEnterpriseSealPayload(SealPayload):
    pass


@strawberry.type
class EnterpriseSealMutations:
    @strawberry.mutation(description="§8.2.1 制作机构印章 / §8.2.2 制作法人代表章: by the admin or legal rep of a certified "
                                     "enterprise with an active org certificate, approved by the caller's co-signature "
                                     "(two calls, SPEC §C). "
                                     "One live OFFICIAL and one live LEGAL_REP seal per enterprise.")
    async def create_enterprise_seal(self, info: Info, input: CreateEnterpriseSealInput
                                     ) -> CreateEnterpriseSealPayload:
        ctx = info.context

        async def act():
            enterprise = from_global_id(input.enterprise_id, "Enterprise")
            if enterprise is None:
                raise NotFound("企业不存在", field="enterpriseId")
            admin = None
            if input.seal_admin_member_id is not None:
                ref = from_global_id(input.seal_admin_member_id, "Member")
                if ref is None:
                    raise NotFound("该成员不存在", field="sealAdminMemberId")
                admin = ref[1]
            r = await ctx.use_cases.enterprise_seals.create_enterprise_seal(CreateEnterpriseSealCommand(
                principal=ctx.principal, enterprise_id=enterprise[1], name=input.name, kind=input.kind,
                co_signature=co_signature(input.co_signature), seal_admin_member_id=admin, meta=ctx.meta))
            if isinstance(r, NeedsCoSignature):
                return CreateEnterpriseSealPayload(signing_request=SigningRequestType.one(r))
            return CreateEnterpriseSealPayload(seal=SealType.of(r))
        return await run_mutation(CreateEnterpriseSealPayload, act, input)


async def enterprise_seals(info: Info, enterprise_global_id: str, include_invalid: bool) -> list[SealType]:
    ref = from_global_id(enterprise_global_id, "Enterprise")
    if ref is None:
        return []
    ctx = info.context
    views = await ctx.use_cases.enterprise_seals.list_enterprise_seals(ctx.principal, ref[1], include_invalid)
    return [SealType.of(v) for v in views]
