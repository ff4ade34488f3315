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
