"""§5.1.1.2 the admin or legal rep withdraws the legal-rep invitation: its link no longer opens and a letter rendered
from it can no longer be signed. Nothing was granted by it (the role comes with the signature), so nothing is
taken back."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.enterprises.member_access import administered_legal_rep_invitation
from application.ports import Clock, UnitOfWorkFactory
from domain.enterprises.legal_rep_invitation import InvitationInvalid, LegalRepInvitation


@dataclass(frozen=True)
class CancelLegalRepInvitationCommand:
    principal: Principal | None
    invitation_id: UUID
    meta: RequestMeta | None = None


class CancelLegalRepInvitation:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, cmd: CancelLegalRepInvitationCommand) -> LegalRepInvitation:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            enterprise, invitation = await administered_legal_rep_invitation(uow, p.id, cmd.invitation_id)
            now = self._clock.now()
            try:
                invitation.cancel(now)
            except InvitationInvalid:
                raise InvitationInvalid("该邀请已使用、已取消或已被新的邀请取代", field="invitationId") from None
            audit(uow, "enterprise.legal_rep_invitation_cancelled", now, cmd.meta, account_id=p.id,
                  enterprise_id=str(enterprise.id), invitation_id=str(invitation.id))
            await uow.commit()  # Conflict when it was signed or replaced meanwhile (its version)
        return invitation
