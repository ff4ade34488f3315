"""GraphQLDriver's acts of §5.1.1.2 (企业管理员发起企业认证), with the contract documents: a mixin of
GraphQLDriver, which provides `_mutate`, `_op` and `_appearances`."""

from __future__ import annotations

from features.driver_legal_rep import AcceptedInvitationInfo


class LegalRepInvitationGraphQLDriver:
    async def invite_legal_rep(self, session, enterprise_id: str, phone: str) -> str:
        r = await self._mutate("InviteLegalRepAuthorization", "inviteLegalRepAuthorization",
                               {"enterpriseId": enterprise_id, "legalRepPhone": phone}, session)
        invitation = r["invitation"]
        assert invitation["qrContent"] == invitation["url"] and invitation["id"] and invitation["expiresAt"]
        return invitation["url"]

    async def accept_legal_rep_invitation(self, session, token: str) -> AcceptedInvitationInfo:
        r = await self._mutate("AcceptLegalRepInvitation", "acceptLegalRepInvitation",
                               {"invitationToken": token}, session)
        found = (await self._op("MySignatureAppearances", session=session))["me"]["signatureAppearances"]
        self._appearances = {a["kind"]: a["id"] for a in found}
        return AcceptedInvitationInfo(r["faceVerification"]["token"], r["letter"]["id"])
