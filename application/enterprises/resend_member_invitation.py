"""§8.1 the admin or legal rep sends a member invitation's SMS again: it lives 30 days from now (an expired one is
renewed). At most once a minute and five sends in all per invitation: each send reaches a phone whose owner asked
for nothing. Invitations made before their phone was kept (migration 0015) cannot be resent: cancel and add again."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.enterprises.add_member import invitation_phone_context, invitation_text
from application.enterprises.member_access import administered_invitation, notify
from application.enterprises.member_ports import InvitationRow
from application.ports import Clock, FieldCipher, UnitOfWorkFactory
from domain.enterprises.members import MemberInvitationClosed


@dataclass(frozen=True)
class ResendMemberInvitationCommand:
    principal: Principal | None
    invitation_id: UUID
    meta: RequestMeta | None = None


class ResendMemberInvitation:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, cipher: FieldCipher) -> None:
        self._uow, self._clock, self._cipher = uow, clock, cipher

    async def __call__(self, cmd: ResendMemberInvitationCommand) -> InvitationRow:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            enterprise, invitation = await administered_invitation(uow, p.id, cmd.invitation_id)
            if invitation.phone_ciphertext is None:
                raise MemberInvitationClosed("该邀请无法重新发送，请取消后重新添加成员", field="invitationId")
            now = self._clock.now()
            invitation.resend(now)
            phone = self._cipher.decrypt(invitation.phone_ciphertext, invitation_phone_context(invitation.id)).decode()
            notify(uow, phone, invitation_text(enterprise.name, invitation.name))
            audit(uow, "enterprise.member_invitation_resent", now, cmd.meta, account_id=p.id,
                  enterprise_id=str(enterprise.id), invitation_id=str(invitation.id), sends=invitation.send_count)
            await uow.commit()  # Conflict when it changed meanwhile (its version): one resend of two at once
        return InvitationRow(invitation, invitation.shown_status(now))
