"""§5.1.1.2 legal-rep authorisation initiated by an admin: invite the legal rep, and the legal rep accepts.
The invited legal rep then signs with signAuthorizationLetter (after passing the face check). The admin and legal
rep list the invitations (Enterprise.legalRepInvitations), cancel or resend them."""

from __future__ import annotations

from datetime import datetime

import strawberry

from application.enterprises.cancel_legal_rep_invitation import CancelLegalRepInvitationCommand
from application.enterprises.legal_rep_invitations import (
    AcceptLegalRepInvitationCommand,
    InviteLegalRepCommand,
    IssuedInvitation,
)
from application.enterprises.ports import LegalRepInvitationRow
from application.enterprises.resend_legal_rep_invitation import ResendLegalRepInvitationCommand
from domain.enterprises.legal_rep_invitation import InvitationStatus
from domain.errors import NotFound
from graphql_schema.accounts.types import FaceVerificationTicket
from graphql_schema.common.context import Info
from graphql_schema.common.errors import UserError, run_mutation
from graphql_schema.common.node import from_global_id, local_id, to_global_id
from graphql_schema.enterprises.member_types import mask_phone
from graphql_schema.enterprises.types import AuthorizationLetterType


@strawberry.input
class InviteLegalRepAuthorizationInput:
    enterprise_id: strawberry.ID
    legal_rep_phone: str = strawberry.field(description="The legal rep's mainland mobile number; the link goes "
                                                        "there by SMS and only that number may accept it.")


@strawberry.input
class AcceptLegalRepInvitationInput:
    invitation_token: str = strawberry.field(description="The `token` parameter of the invitation's url.")


LegalRepInvitationStatusEnum = strawberry.enum(
    InvitationStatus, name="LegalRepInvitationStatus",
    description="PENDING: sent, not opened. ACCEPTED: opened by the legal rep (face check, letter). USED: the letter "
                "was signed. SUPERSEDED: replaced by a newer one (sent again). CANCELLED: withdrawn. EXPIRED: pending "
                "or accepted past its 24 hours.")


@strawberry.type(name="LegalRepInvitation", description="法定代表人授权邀请 (§5.1.1.2), valid 24 hours; a new one "
                                                        "replaces the previous.")
class LegalRepInvitationType:
    id: strawberry.ID
    url: str | None = strawberry.field(description="The link sent to the legal rep's phone: only in the answer that "
                                                   "made it (inviteLegalRepAuthorization, resendLegalRepInvitation); "
                                                   "only a hash of it is kept.")
    qr_content: str | None = strawberry.field(description="What the QR code shows: the same link.")
    expires_at: datetime
    status: LegalRepInvitationStatusEnum  # type: ignore[valid-type]
    phone_masked: str | None = strawberry.field(description="The invited phone, like 139****9000.")
    created_at: datetime

    @classmethod
    def of(cls, issued: IssuedInvitation) -> LegalRepInvitationType:
        i = issued.invitation
        return cls(id=to_global_id("LegalRepInvitation", i.id), url=issued.url, qr_content=issued.qr_content,
                   expires_at=i.expires_at, status=i.status, phone_masked=mask_phone(i.phone), created_at=i.created_at)

    @classmethod
    def of_row(cls, row: LegalRepInvitationRow) -> LegalRepInvitationType:
        i = row.invitation
        return cls(id=to_global_id("LegalRepInvitation", i.id), url=None, qr_content=None, expires_at=i.expires_at,
                   status=row.status, phone_masked=mask_phone(i.phone), created_at=i.created_at)


def _errors() -> list[UserError]:
    return []


@strawberry.type
class InviteLegalRepAuthorizationPayload:
    invitation: LegalRepInvitationType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.input
class LegalRepInvitationInput:
    invitation_id: strawberry.ID


@strawberry.type
class CancelLegalRepInvitationPayload:
    invitation: LegalRepInvitationType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class ResendLegalRepInvitationPayload:
    invitation: LegalRepInvitationType | None = strawberry.field(
        default=None, description="The new invitation (new link and QR, 24 hours); the old link no longer opens.")
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class AcceptLegalRepInvitationPayload:
    face_verification: FaceVerificationTicket | None = strawberry.field(
        default=None, description="Face liveness against the licence's legal rep; sign the letter once it passed.")
    letter: AuthorizationLetterType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=_errors)


@strawberry.type
class LegalRepInvitationMutations:
    @strawberry.mutation(description="§5.1.1.2 the enterprise's admin (or legal rep) sends the legal rep a link + QR "
                                     "to authorise the certification.")
    async def invite_legal_rep_authorization(self, info: Info, input: InviteLegalRepAuthorizationInput
                                             ) -> InviteLegalRepAuthorizationPayload:
        ctx = info.context

        async def act():
            ref = from_global_id(input.enterprise_id, "Enterprise")
            if ref is None:
                raise NotFound("企业不存在", field="enterpriseId")
            issued = await ctx.use_cases.enterprises.invite_legal_rep_authorization(InviteLegalRepCommand(
                ctx.principal, ref[1], input.legal_rep_phone, ctx.meta))
            return InviteLegalRepAuthorizationPayload(invitation=LegalRepInvitationType.of(issued))
        return await run_mutation(InviteLegalRepAuthorizationPayload, act, input)

    @strawberry.mutation(description="§5.1.1.2 the legal rep, signed in with the invited phone and verified, opens "
                                     "the invitation: face liveness starts and the letter is rendered. They become "
                                     "LEGAL_REP when they sign it (signAuthorizationLetter), not before.")
    async def accept_legal_rep_invitation(self, info: Info, input: AcceptLegalRepInvitationInput
                                          ) -> AcceptLegalRepInvitationPayload:
        ctx = info.context

        async def act():
            r = await ctx.use_cases.enterprises.accept_legal_rep_invitation(AcceptLegalRepInvitationCommand(
                ctx.principal, input.invitation_token, ctx.meta))
            return AcceptLegalRepInvitationPayload(
                face_verification=FaceVerificationTicket(token=r.face.token, url=r.face.url,
                                                         expires_at=r.face.expires_at),
                letter=AuthorizationLetterType.of(r.letter))
        return await run_mutation(AcceptLegalRepInvitationPayload, act, input)

    @strawberry.mutation(description="§5.1.1.2 the admin or legal rep withdraws the legal-rep invitation: its link no "
                                     "longer opens and its letter can no longer be signed.")
    async def cancel_legal_rep_invitation(self, info: Info, input: LegalRepInvitationInput
                                          ) -> CancelLegalRepInvitationPayload:
        ctx = info.context

        async def act():
            invitation_id = local_id(input.invitation_id, "LegalRepInvitation", "invitationId", "邀请不存在")
            invitation = await ctx.use_cases.enterprises.cancel_legal_rep_invitation(CancelLegalRepInvitationCommand(
                ctx.principal, invitation_id, ctx.meta))
            return CancelLegalRepInvitationPayload(invitation=LegalRepInvitationType.of_row(
                LegalRepInvitationRow(invitation, invitation.status)))
        return await run_mutation(CancelLegalRepInvitationPayload, act, input)

    @strawberry.mutation(description="§5.1.1.2 the admin or legal rep sends the live legal-rep invitation again to the "
                                     "same phone: a new link + QR valid 24 hours replaces it. At most once a minute.")
    async def resend_legal_rep_invitation(self, info: Info, input: LegalRepInvitationInput
                                          ) -> ResendLegalRepInvitationPayload:
        ctx = info.context

        async def act():
            invitation_id = local_id(input.invitation_id, "LegalRepInvitation", "invitationId", "邀请不存在")
            issued = await ctx.use_cases.enterprises.resend_legal_rep_invitation(ResendLegalRepInvitationCommand(
                ctx.principal, invitation_id, ctx.meta))
            return ResendLegalRepInvitationPayload(invitation=LegalRepInvitationType.of(issued))
        return await run_mutation(ResendLegalRepInvitationPayload, act, input)


async def enterprise_legal_rep_invitations(info: Info, enterprise_id: str, live_only: bool
                                           ) -> list[LegalRepInvitationType] | None:
    ctx = info.context
    ref = from_global_id(enterprise_id, "Enterprise")
    rows = (await ctx.use_cases.enterprises.list_legal_rep_invitations(ctx.principal, ref[1], live_only)
            if ref is not None else None)
    return [LegalRepInvitationType.of_row(r) for r in rows] if rows is not None else None
