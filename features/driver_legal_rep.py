"""ApplicationDriver's acts of §5.1.1.2 (企业管理员发起企业认证): a mixin of features.driver.ApplicationDriver, which
provides `app`, `_call`, `_principal` and `_appearances`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from application.context import RequestMeta

# ApplicationDriver's caller (features.driver.META; not imported, that module imports this one).
_META = RequestMeta(client_ip="198.51.100.20", user_agent="数信签/1.0 (features)")


@dataclass(frozen=True)
class AcceptedInvitationInfo:
    face_token: str
    letter_id: Any


class LegalRepInvitationDriver:
    async def invite_legal_rep(self, session, enterprise_id: Any, phone: str) -> str:
        """Returns the invitation's url."""
        from application.enterprises.legal_rep_invitations import InviteLegalRepCommand

        issued = await self._call(self.app.enterprises.invite_legal_rep_authorization(InviteLegalRepCommand(
            await self._principal(session), enterprise_id, phone, _META)))
        await self.app.deliver()  # the outbox worker sends the SMS
        return issued.url

    async def accept_legal_rep_invitation(self, session, token: str) -> AcceptedInvitationInfo:
        """Opens the invitation; the signer's appearances are what the next signAuthorizationLetter picks from."""
        from application.enterprises.legal_rep_invitations import AcceptLegalRepInvitationCommand

        principal = await self._principal(session)
        r = await self._call(self.app.enterprises.accept_legal_rep_invitation(AcceptLegalRepInvitationCommand(
            principal, token, _META)))
        self._appearances = {a.kind.value: a for a in await self.app.list_signature_appearances(principal)}
        return AcceptedInvitationInfo(r.face.token, r.letter.id)
