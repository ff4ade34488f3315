"""§8.1 the admin or legal rep cancels a member invitation (addMember's for a phone without a verified account):
it can no longer activate, and the phone is free for a new one. The invited phone hears of it by SMS when it is
known (invitations older than migration 0015 keep only a hash of it). Also what removeMember does given the id
addMember returned for an invitation."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.enterprises.add_member import invitation_phone_context
from application.enterprises.member_access import administered_invitation, notify
from application.enterprises.member_ports import InvitationRow
from application.ports import Clock, FieldCipher, UnitOfWorkFactory


@dataclass(frozen=True)
class CancelMemberInvitationCommand:
    principal: Principal | None
    invitation_id: UUID
    meta: RequestMeta | None = None


class CancelMemberInvitation:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, cipher: FieldCipher) -> None:
        self._uow, self._clock, self._cipher = uow, clock, cipher

    async def __call__(self, cmd: CancelMemberInvitationCommand) -> InvitationRow:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            enterprise, invitation = await administered_invitation(uow, p.id, cmd.invitation_id)
            now = self._clock.now()
            invitation.withdraw(p.id, now)
            if invitation.phone_ciphertext is not None:
                phone = self._cipher.decrypt(invitation.phone_ciphertext,
                                             invitation_phone_context(invitation.id)).decode()
                notify(uow, phone, f"【数信签】“{enterprise.name}”已取消邀请{invitation.name}加入企业。")
            audit(uow, "enterprise.member_invitation_cancelled", now, cmd.meta, account_id=p.id,
                  enterprise_id=str(enterprise.id), invitation_id=str(invitation.id))
            await uow.commit()  # Conflict when it was accepted or cancelled meanwhile (its version)
        return InvitationRow(invitation, invitation.shown_status(now))
