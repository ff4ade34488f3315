"""§5.1.1.2 the admin or legal rep sends the legal-rep invitation again to the same phone: a new link valid 24 hours
replaces it (only a hash of a link's token is kept, so the old link cannot be sent again; it stops working). The
invitation must still be live (PENDING or ACCEPTED, expired or not); at most once a minute."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.enterprises.legal_rep_invitations import IssuedInvitation, issue_legal_rep_invitation
from application.enterprises.member_access import administered_legal_rep_invitation
from application.ports import Clock, SecretHasher, UnitOfWorkFactory
from domain.enterprises.legal_rep_invitation import InvitationInvalid
from domain.enterprises.members import INVITATION_RESEND_COOLDOWN, InvitationResendTooSoon


@dataclass(frozen=True)
class ResendLegalRepInvitationCommand:
    principal: Principal | None
    invitation_id: UUID
    meta: RequestMeta | None = None


class ResendLegalRepInvitation:
    def __init__(self, uow: UnitOfWorkFactory, hasher: SecretHasher, clock: Clock, base_url: str) -> None:
        self._uow, self._hasher, self._clock, self._base_url = uow, hasher, clock, base_url

    async def __call__(self, cmd: ResendLegalRepInvitationCommand) -> IssuedInvitation:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            enterprise, invitation = await administered_legal_rep_invitation(uow, p.id, cmd.invitation_id)
            if not invitation.is_live:
                raise InvitationInvalid("该邀请已使用、已取消或已被新的邀请取代，请重新发起邀请", field="invitationId")
            now = self._clock.now()
            if now - invitation.created_at < INVITATION_RESEND_COOLDOWN:
                raise InvitationResendTooSoon(field="invitationId")
            issued = await issue_legal_rep_invitation(uow, self._hasher, self._base_url, enterprise, p.id,
                                                      invitation.phone, now)
            audit(uow, "enterprise.legal_rep_invitation_resent", now, cmd.meta, account_id=p.id,
                  enterprise_id=str(enterprise.id), invitation_id=str(issued.invitation.id),
                  replaces=str(invitation.id))
            await uow.commit()
        return issued
