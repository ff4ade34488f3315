"""Enterprise mutations (§5): map input → command, call the use case, map the result → payload."""

from __future__ import annotations

import strawberry

from application.enterprises.authorization_letters import SignAuthorizationLetterCommand
from application.enterprises.create_enterprise import CreateEnterpriseCommand
from application.seals.signature_appearances import AppearanceKind
from domain.errors import NotFound
from graphql_schema.common.context import Info
from graphql_schema.common.errors import run_mutation
from graphql_schema.common.node import from_global_id, local_id
from graphql_schema.enterprises import inputs as i
from graphql_schema.enterprises import types as t
from graphql_schema.identity.mutations import read_upload
from graphql_schema.seals.types import SignatureAppearanceType


def _appearance(global_id: str):
    ref = from_global_id(global_id)
    if ref is not None and ref[0] == "Seal":
        return (None, ref[1])
    if ref is not None and ref[0] == "NameSignature":
        return (AppearanceKind.NAME_SIGNATURE, ref[1])
    raise NotFound("签名样式不存在", field="appearanceId")


@strawberry.type
class EnterpriseMutations:
    @strawberry.mutation(description="§5 创建企业: licence, credit code and legal rep; the four-element check decides "
                                     "the certification paths. The caller becomes ADMIN (and LEGAL_REP when it is them).")
    async def create_enterprise(self, info: Info, input: i.CreateEnterpriseInput) -> t.CreateEnterprisePayload:
        ctx = info.context
        uc = ctx.use_cases.enterprises.create_enterprise

        async def act():
            licence = await read_upload(input.business_licence, "businessLicence", uc.upload_limit)
            r = await uc(CreateEnterpriseCommand(ctx.principal, input.name, input.credit_code, input.legal_rep_name,
                                                 input.legal_rep_id_number, licence, ctx.meta))
            return t.CreateEnterprisePayload(enterprise=t.EnterpriseType.of(r.enterprise, r.membership.role),
                                             four_element_check_passed=r.four_element_check_passed,
                                             available_methods=list(r.enterprise.available_methods))
        try:
            return await run_mutation(t.CreateEnterprisePayload, act, input)
        finally:
            if hasattr(input.business_licence, "close"):
                await input.business_licence.close()

    @strawberry.mutation(description="§5.1.1.1 the legal rep renders the authorisation letter and gets the "
                                     "appearances they may sign it with.")
    async def prepare_authorization_letter(self, info: Info, input: i.PrepareAuthorizationLetterInput
                                           ) -> t.PrepareAuthorizationLetterPayload:
        ctx = info.context

        async def act():
            enterprise_id = local_id(input.enterprise_id, "Enterprise", "enterpriseId", "企业不存在")
            r = await ctx.use_cases.enterprises.prepare_authorization_letter(ctx.principal, enterprise_id, ctx.meta)
            return t.PrepareAuthorizationLetterPayload(
                letter=t.AuthorizationLetterType.of(r.letter),
                signature_appearances=[SignatureAppearanceType.of(a) for a in r.appearances])
        return await run_mutation(t.PrepareAuthorizationLetterPayload, act, input)

    @strawberry.mutation(description="§5.1.1.1 sign the letter (SMS code, purpose SIGN) with an event certificate, "
                                     "visibly; the enterprise is CERTIFIED.")
    async def sign_authorization_letter(self, info: Info, input: i.SignAuthorizationLetterInput
                                        ) -> t.SignAuthorizationLetterPayload:
        ctx = info.context

        async def act():
            letter_id = local_id(input.letter_id, "AuthorizationLetter", "letterId", "授权书不存在")
            r = await ctx.use_cases.enterprises.sign_authorization_letter(SignAuthorizationLetterCommand(
                ctx.principal, letter_id, _appearance(input.appearance_id), input.sms_code, ctx.meta))
            return t.SignAuthorizationLetterPayload(letter=t.AuthorizationLetterType.of(r.letter),
                                                    enterprise=t.EnterpriseType.of(r.enterprise, r.membership.role))
        return await run_mutation(t.SignAuthorizationLetterPayload, act, input)
