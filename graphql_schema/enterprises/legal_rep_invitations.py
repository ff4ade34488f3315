"""§5.1.1.2 legal-rep authorisation initiated by an admin: invite the legal rep, and the legal rep accepts.
The invited legal rep then signs with signAuthorizationLetter (after passing the face check)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from application.enterprises.legal_rep_invitations import (
    AcceptLegalRepInvitationCommand,
    InviteLegalRepCommand,
    IssuedInvitation,
)
from domain.errors import NotFound
from graphql_schema.accounts.types import FaceVerificationTicket
from graphql_schema.common.context import Info
from graphql_schema.common.errors import UserError, run_mutation
from graphql_schema.common.node import from_global_id, to_global_id
from graphql_schema.enterprises.types import AuthorizationLetterType


@strawberry.input
class InviteLegalRepAuthorizationInput:
    enterprise_id: strawberry.ID
    legal_rep_phone: str = strawberry.field(description="The legal rep's mainland mobile number; the link goes "
                                                        "there by SMS and only that number may accept it.")


@strawberry.input
class AcceptLegalRepInvitationInput:
    invitation_token: str = strawberry.field(description="The `token` parameter of the invitation's url.")


@strawberry.type(name="LegalRepInvitation", description="法定代表人授权邀请 (§5.1.1.2), valid 24 hours; a new one "
                                                        "replaces the previous.")
class LegalRepInvitationType:
    id: strawberry.ID
    url: str = strawberry.field(description="The link sent to the legal rep's phone.")
    qr_content: str = strawberry.field(description="What the QR code shows: the same link.")
    expires_at: datetime

    @classmethod
    def of(cls, issued: IssuedInvitation) -> LegalRepInvitationType:
        return cls(id=to_global_id("LegalRepInvitation", issued.invitation.id), url=issued.url,
                   qr_content=issued.qr_content, expires_at=issued.invitation.expires_at)


def _errors() -> list[UserError]:
    return []


@strawberry.type
class InviteLegalRepAuthorizationPayload:
    invitation: LegalRepInvitationType | None = None
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
                                     "the invitation: they become LEGAL_REP, face liveness starts, the letter is "
                                     "rendered.")
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
