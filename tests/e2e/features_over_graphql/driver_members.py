"""GraphQLDriver's acts of §5.2 (加入企业) and §8.1 (成员管理), with the contract documents: a mixin of GraphQLDriver,
which provides `_mutate` and `_op`."""

from __future__ import annotations

from features.driver_members import InvitationInfo, JoinApplicationInfo, MemberInfo
from graphql_schema.common.node import from_global_id


class EnterpriseMembersGraphQLDriver:
    async def apply_to_join(self, session, enterprise_name: str, admin_name: str, admin_phone: str,
                            reason: str) -> JoinApplicationInfo:
        r = await self._mutate("ApplyToJoinEnterprise", "applyToJoinEnterprise", {
            "enterpriseName": enterprise_name, "adminName": admin_name, "adminPhone": admin_phone,
            "reason": reason}, session)
        return JoinApplicationInfo(r["application"]["id"], r["application"]["status"])

    async def decide_join_application(self, session, application_id: str, approve: bool) -> str:
        r = await self._mutate("DecideJoinApplication", "decideJoinApplication",
                               {"applicationId": application_id, "approve": approve}, session)
        return r["application"]["status"]

    async def _enterprise_members(self, session, enterprise_id: str, first: int, after: str | None):
        return (await self._op("EnterpriseMembers", {"enterpriseId": enterprise_id, "first": first, "after": after},
                               session))["node"]

    async def pending_join_applications(self, session, enterprise_id: str) -> list[JoinApplicationInfo] | None:
        node = await self._enterprise_members(session, enterprise_id, 1, None)
        if node is None or node["joinApplications"] is None:
            return None
        return [JoinApplicationInfo(e["node"]["id"], "PENDING", e["node"]["applicantName"])
                for e in node["joinApplications"]["edges"]]

    async def add_member(self, session, enterprise_id: str, name: str, phone: str, role: str) -> MemberInfo:
        r = await self._mutate("AddMember", "addMember",
                               {"enterpriseId": enterprise_id, "name": name, "phone": phone, "role": role}, session)
        m = r["member"]
        # The contract document does not ask for the status: an invitation's id is not a Member's.
        kind = from_global_id(m["id"])
        return MemberInfo(m["id"], m["role"], m["name"], m["phoneMasked"],
                          "INVITED" if kind and kind[0] == "MemberInvitation" else "ACTIVE")

    async def members(self, session, enterprise_id: str, page_size: int = 2) -> list[MemberInfo] | None:
        after, found = None, []
        while True:
            node = await self._enterprise_members(session, enterprise_id, page_size, after)
            if node is None or node["members"] is None:
                return None
            found += [MemberInfo(e["node"]["id"], e["node"]["role"], e["node"]["name"], e["node"]["phoneMasked"],
                                 "ACTIVE") for e in node["members"]["edges"]]
            info = node["members"]["pageInfo"]
            if not info["hasNextPage"]:
                return found
            after = info["endCursor"]

    async def remove_member(self, session, member_id: str) -> None:
        await self._mutate("RemoveMember", "removeMember", {"memberId": member_id}, session)

    # §8.1 the invitations addMember made (enterprise_invitations.graphql)

    async def member_invitations(self, session, enterprise_id: str,
                                 pending_only: bool = True) -> list[InvitationInfo] | None:
        found = (await self._op("EnterpriseMemberInvitations", {"enterpriseId": enterprise_id,
                                                                "pendingOnly": pending_only}, session))["enterprise"]
        if found is None or found["memberInvitations"] is None:
            return None
        return [InvitationInfo(e["node"]["id"], e["node"]["name"], e["node"]["phoneMasked"], e["node"]["status"])
                for e in found["memberInvitations"]["edges"]]

    async def cancel_member_invitation(self, session, invitation_id: str) -> str:
        r = await self._mutate("CancelMemberInvitation", "cancelMemberInvitation", {"invitationId": invitation_id},
                               session)
        return r["invitation"]["status"]

    async def resend_member_invitation(self, session, invitation_id: str) -> str:
        r = await self._mutate("ResendMemberInvitation", "resendMemberInvitation", {"invitationId": invitation_id},
                               session)
        return r["invitation"]["status"]

    # §5.1.1.2 the legal-rep invitation

    async def legal_rep_invitations(self, session, enterprise_id: str,
                                    live_only: bool = True) -> list[InvitationInfo] | None:
        found = (await self._op("EnterpriseLegalRepInvitations", {"enterpriseId": enterprise_id,
                                                                  "liveOnly": live_only}, session))["enterprise"]
        if found is None or found["legalRepInvitations"] is None:
            return None
        return [InvitationInfo(i["id"], None, i["phoneMasked"], i["status"]) for i in found["legalRepInvitations"]]

    async def cancel_legal_rep_invitation(self, session, invitation_id: str) -> str:
        r = await self._mutate("CancelLegalRepInvitation", "cancelLegalRepInvitation",
                               {"invitationId": invitation_id}, session)
        return r["invitation"]["status"]

    async def resend_legal_rep_invitation(self, session, invitation_id: str) -> str:
        r = await self._mutate("ResendLegalRepInvitation", "resendLegalRepInvitation",
                               {"invitationId": invitation_id}, session)
        assert r["invitation"]["qrContent"] == r["invitation"]["url"]
        return r["invitation"]["url"]
