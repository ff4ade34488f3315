"""Mutations of joining (§5.2) and members (§8.1): map input → command, call the use case, map the result."""

from __future__ import annotations

import strawberry

from application.enterprises.add_member import AddMemberCommand
from application.enterprises.apply_to_join import ApplyToJoinEnterpriseCommand
from application.enterprises.cancel_member_invitation import CancelMemberInvitationCommand
from application.enterprises.decide_join_application import DecideJoinApplicationCommand
from application.enterprises.remove_member import RemoveMemberCommand
from application.enterprises.resend_member_invitation import ResendMemberInvitationCommand
from domain.enterprises.members import MemberRole
from domain.errors import DomainError
from graphql_schema.common.context import Info
from graphql_schema.common.errors import run_mutation
from graphql_schema.common.node import from_global_id, local_id
from graphql_schema.enterprises import member_types as t


@strawberry.input
class ApplyToJoinEnterpriseInput:
    enterprise_name: str = strawberry.field(description="The enterprise's full name as on its licence.")
    admin_name: str = strawberry.field(description="The legal name of one of its admins (or its legal rep).")
    admin_phone: str = strawberry.field(description="That admin's mobile number.")
    reason: str = strawberry.field(description="At most 200 characters.")


@strawberry.input
class DecideJoinApplicationInput:
    application_id: strawberry.ID
    approve: bool


@strawberry.input
class AddMemberInput:
    enterprise_id: strawberry.ID
    name: str = strawberry.field(description="The person's legal name.")
    phone: str
    role: t.MemberRoleEnum  # type: ignore[valid-type]


@strawberry.input
class RemoveMemberInput:
    member_id: strawberry.ID


@strawberry.input
class MemberInvitationInput:
    invitation_id: strawberry.ID = strawberry.field(description="A MemberInvitation id (what addMember answered as "
                                                                "the member's id for an invitation).")


@strawberry.type
class EnterpriseMemberMutations:
    @strawberry.mutation(description="§5.2 加入企业: by the full name of a CERTIFIED enterprise and one of its admins' "
                                     "name and phone; refused with JOIN_REFUSED, whatever did not match.")
    async def apply_to_join_enterprise(self, info: Info, input: ApplyToJoinEnterpriseInput
                                       ) -> t.ApplyToJoinEnterprisePayload:
        ctx = info.context

        async def act():
            a = await ctx.use_cases.enterprises.members.apply_to_join(ApplyToJoinEnterpriseCommand(
                ctx.principal, input.enterprise_name, input.admin_name, input.admin_phone, input.reason, ctx.meta))
            return t.ApplyToJoinEnterprisePayload(application=t.JoinApplicationType.of(a))
        return await run_mutation(t.ApplyToJoinEnterprisePayload, act, input)

    @strawberry.mutation(description="§8.1.2 the admin or legal rep approves (the applicant becomes a MEMBER) or "
                                     "rejects; the applicant hears by SMS.")
    async def decide_join_application(self, info: Info, input: DecideJoinApplicationInput
                                      ) -> t.DecideJoinApplicationPayload:
        ctx = info.context

        async def act():
            application_id = local_id(input.application_id, "JoinApplication", "applicationId", "申请不存在")
            a = await ctx.use_cases.enterprises.members.decide_join_application(DecideJoinApplicationCommand(
                ctx.principal, application_id, input.approve, ctx.meta))
            return t.DecideJoinApplicationPayload(application=t.JoinApplicationType.of(a))
        return await run_mutation(t.DecideJoinApplicationPayload, act, input)

    @strawberry.mutation(description="§8.1.1 添加成员 by the admin or legal rep: a verified account with that phone "
                                     "and name joins at once; any other phone gets an SMS invitation (member status "
                                     "INVITED) that activates when it registers and verifies with that name. Role "
                                     "ADMIN is refused (ADMIN_ALREADY_EXISTS) while the enterprise has its one admin; "
                                     "admin changes hands by requestAdminTransfer.")
    async def add_member(self, info: Info, input: AddMemberInput) -> t.AddMemberPayload:
        ctx = info.context

        async def act():
            enterprise_id = local_id(input.enterprise_id, "Enterprise", "enterpriseId", "企业不存在")
            added = await ctx.use_cases.enterprises.members.add_member(AddMemberCommand(
                ctx.principal, enterprise_id, input.name, input.phone, MemberRole(input.role), ctx.meta))
            return t.AddMemberPayload(member=t.MemberType.of_added(added))
        return await run_mutation(t.AddMemberPayload, act, input)

    @strawberry.mutation(description="§8.1.3 移除成员 by the admin or legal rep: never the legal rep, never the admin "
                                     "(CANNOT_REMOVE_LAST_ADMIN; admin changes hands by requestAdminTransfer). The "
                                     "removed person hears by SMS. Given the id addMember answered for an invitation, "
                                     "it cancels that invitation (as cancelMemberInvitation).")
    async def remove_member(self, info: Info, input: RemoveMemberInput) -> t.RemoveMemberPayload:
        ctx = info.context

        async def act():
            invitation = from_global_id(input.member_id, "MemberInvitation")
            if invitation is not None:  # addMember's answer for an invitation: removing it cancels it
                try:
                    await ctx.use_cases.enterprises.members.cancel_member_invitation(CancelMemberInvitationCommand(
                        ctx.principal, invitation[1], ctx.meta))
                except DomainError as err:
                    raise err.at("memberId") if err.field else err from None
                return t.RemoveMemberPayload(removed_member_id=input.member_id)
            membership_id = local_id(input.member_id, "Member", "memberId", "成员不存在")
            await ctx.use_cases.enterprises.members.remove_member(RemoveMemberCommand(
                ctx.principal, membership_id, ctx.meta))
            return t.RemoveMemberPayload(removed_member_id=input.member_id)
        return await run_mutation(t.RemoveMemberPayload, act, input)

    @strawberry.mutation(description="§8.1 the admin or legal rep cancels a pending member invitation: it can no "
                                     "longer activate and the phone is told by SMS. INVITATION_INVALID once accepted "
                                     "or cancelled.")
    async def cancel_member_invitation(self, info: Info, input: MemberInvitationInput
                                       ) -> t.CancelMemberInvitationPayload:
        ctx = info.context

        async def act():
            invitation_id = local_id(input.invitation_id, "MemberInvitation", "invitationId", "邀请不存在")
            row = await ctx.use_cases.enterprises.members.cancel_member_invitation(CancelMemberInvitationCommand(
                ctx.principal, invitation_id, ctx.meta))
            return t.CancelMemberInvitationPayload(invitation=t.MemberInvitationType.of(row))
        return await run_mutation(t.CancelMemberInvitationPayload, act, input)

    @strawberry.mutation(description="§8.1 the admin or legal rep sends a pending (or expired) member invitation's SMS "
                                     "again; it then lives 30 days from now. At most once a minute (SMS_COOLDOWN) "
                                     "and 5 sends in all (INVITATION_RESEND_LIMIT).")
    async def resend_member_invitation(self, info: Info, input: MemberInvitationInput
                                       ) -> t.ResendMemberInvitationPayload:
        ctx = info.context

        async def act():
            invitation_id = local_id(input.invitation_id, "MemberInvitation", "invitationId", "邀请不存在")
            row = await ctx.use_cases.enterprises.members.resend_member_invitation(ResendMemberInvitationCommand(
                ctx.principal, invitation_id, ctx.meta))
            return t.ResendMemberInvitationPayload(invitation=t.MemberInvitationType.of(row))
        return await run_mutation(t.ResendMemberInvitationPayload, act, input)
