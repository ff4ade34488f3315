"""ApplicationDriver's acts of §5.2 (加入企业) and §8.1 (成员管理): a mixin of features.driver.ApplicationDriver,
which provides `app`, `_call` and `_principal`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from application.context import RequestMeta

# ApplicationDriver's caller (features.driver.META; not imported, that module imports this one).
_META = RequestMeta(client_ip="198.51.100.20", user_agent="数信签/1.0 (features)")


@dataclass(frozen=True)
class MemberInfo:
    id: Any
    role: str
    name: str | None
    phone_masked: str | None
    status: str  # ACTIVE | INVITED


@dataclass(frozen=True)
class JoinApplicationInfo:
    id: Any
    status: str
    applicant_name: str | None = None


@dataclass(frozen=True)
class InvitationInfo:
    """A member invitation (§8.1.1) or a legal-rep invitation (§5.1.1.2) as the admin's list shows it."""

    id: Any
    name: str | None
    phone_masked: str | None
    status: str  # PENDING | EXPIRED | ACCEPTED | CANCELLED (| USED | SUPERSEDED for the legal rep's)


class EnterpriseMembersDriver:
    async def apply_to_join(self, session, enterprise_name: str, admin_name: str, admin_phone: str,
                            reason: str) -> JoinApplicationInfo:
        from application.enterprises.apply_to_join import ApplyToJoinEnterpriseCommand

        a = await self._call(self.app.enterprises.members.apply_to_join(ApplyToJoinEnterpriseCommand(
            await self._principal(session), enterprise_name, admin_name, admin_phone, reason, _META)))
        return JoinApplicationInfo(a.id, a.status.value, a.applicant_name)

    async def decide_join_application(self, session, application_id: Any, approve: bool) -> str:
        from application.enterprises.decide_join_application import DecideJoinApplicationCommand

        a = await self._call(self.app.enterprises.members.decide_join_application(DecideJoinApplicationCommand(
            await self._principal(session), application_id, approve, _META)))
        return a.status.value

    async def pending_join_applications(self, session, enterprise_id: Any) -> list[JoinApplicationInfo] | None:
        from domain.enterprises.members import JoinApplicationStatus

        page = await self.app.enterprises.members.list_join_applications(
            await self._principal(session), enterprise_id, JoinApplicationStatus.PENDING, 20, None)
        if page is None:
            return None
        return [JoinApplicationInfo(a.id, a.status.value, a.applicant_name) for a in page.items]

    async def add_member(self, session, enterprise_id: Any, name: str, phone: str, role: str) -> MemberInfo:
        from application.enterprises.add_member import AddMemberCommand
        from domain.enterprises.members import MemberRole

        r = await self._call(self.app.enterprises.members.add_member(AddMemberCommand(
            await self._principal(session), enterprise_id, name, phone, MemberRole(role), _META)))
        return MemberInfo(r.membership.id if r.membership else r.invitation.id, r.role.value, r.name,  # type: ignore[union-attr]
                          r.phone_masked, "ACTIVE" if r.membership else "INVITED")

    async def members(self, session, enterprise_id: Any, page_size: int = 2) -> list[MemberInfo] | None:
        """Every member, page by page (small pages, so the cursors are used)."""
        from domain.accounts.phone import PhoneNumber

        principal, after, found = await self._principal(session), None, []
        while True:
            page = await self.app.enterprises.members.list_members(principal, enterprise_id, page_size, after)
            if page is None:
                return None
            found += [MemberInfo(r.membership.id, r.membership.role.value, r.legal_name,
                                 PhoneNumber(r.phone).masked if r.phone else None, "ACTIVE") for r in page.items]
            if not page.has_next:
                return found
            after = page.end_cursor

    async def remove_member(self, session, member_id: Any) -> None:
        from application.enterprises.remove_member import RemoveMemberCommand

        await self._call(self.app.enterprises.members.remove_member(RemoveMemberCommand(
            await self._principal(session), member_id, _META)))

    # §8.1 the invitations addMember made, as the admin manages them

    async def member_invitations(self, session, enterprise_id: Any,
                                 pending_only: bool = True) -> list[InvitationInfo] | None:
        page = await self.app.enterprises.members.list_member_invitations(
            await self._principal(session), enterprise_id, pending_only, 100, None)
        if page is None:
            return None
        return [InvitationInfo(r.invitation.id, r.invitation.name, r.invitation.phone_masked, r.status.value)
                for r in page.items]

    async def cancel_member_invitation(self, session, invitation_id: Any) -> str:
        from application.enterprises.cancel_member_invitation import CancelMemberInvitationCommand

        row = await self._call(self.app.enterprises.members.cancel_member_invitation(CancelMemberInvitationCommand(
            await self._principal(session), invitation_id, _META)))
        return row.status.value

    async def resend_member_invitation(self, session, invitation_id: Any) -> str:
        from application.enterprises.resend_member_invitation import ResendMemberInvitationCommand

        row = await self._call(self.app.enterprises.members.resend_member_invitation(ResendMemberInvitationCommand(
            await self._principal(session), invitation_id, _META)))
        return row.status.value

    # §5.1.1.2 the legal-rep invitation, as the admin manages it

    async def legal_rep_invitations(self, session, enterprise_id: Any,
                                    live_only: bool = True) -> list[InvitationInfo] | None:
        from domain.accounts.phone import PhoneNumber

        rows = await self.app.enterprises.list_legal_rep_invitations(await self._principal(session), enterprise_id,
                                                                     live_only)
        if rows is None:
            return None
        return [InvitationInfo(r.invitation.id, None, PhoneNumber(r.invitation.phone).masked, r.status.value)
                for r in rows]

    async def cancel_legal_rep_invitation(self, session, invitation_id: Any) -> str:
        from application.enterprises.cancel_legal_rep_invitation import CancelLegalRepInvitationCommand

        invitation = await self._call(self.app.enterprises.cancel_legal_rep_invitation(
            CancelLegalRepInvitationCommand(await self._principal(session), invitation_id, _META)))
        return invitation.status.value

    async def resend_legal_rep_invitation(self, session, invitation_id: Any) -> str:
        """The new invitation's link."""
        from application.enterprises.resend_legal_rep_invitation import ResendLegalRepInvitationCommand

        issued = await self._call(self.app.enterprises.resend_legal_rep_invitation(
            ResendLegalRepInvitationCommand(await self._principal(session), invitation_id, _META)))
        return issued.url
