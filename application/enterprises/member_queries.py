"""What may be read of members (§8.1) and join applications (§8.1.2).

Members: every member of the enterprise sees the member list; anyone else gets None (no hint that it exists).
Join applications and member invitations: only the admins and the legal rep, who decide and manage them; a plain
member gets None as well, since applicants' names and reasons and invitees' phones are not theirs to read."""

from __future__ import annotations

from uuid import UUID

from application.context import Principal, account_id_of
from application.enterprises.member_access import page_size
from application.enterprises.member_ports import InvitationRow, MemberRow
from application.ports import Clock, Page, UnitOfWorkFactory, reading
from domain.enterprises.members import JoinApplication, JoinApplicationStatus


class ListMembers:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, principal: Principal | None, enterprise_id: UUID, first: int,
                       after: str | None) -> Page[MemberRow] | None:
        if (me := account_id_of(principal)) is None:
            return None
        async with reading(self._uow) as uow:
            if await uow.memberships.of(enterprise_id, me) is None:
                return None
            return await uow.member_directory.page(enterprise_id, first=page_size(first), after=after)


class GetMember:
    """One member as node(id) shows it: to members of the same enterprise only."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, principal: Principal | None, membership_id: UUID) -> MemberRow | None:
        if (me := account_id_of(principal)) is None:
            return None
        async with reading(self._uow) as uow:
            target = await uow.member_directory.get(membership_id)
            if target is None or await uow.memberships.of(target.enterprise_id, me) is None:
                return None
            account = await uow.accounts.get(target.account_id)
            identity = await uow.identities.for_account(target.account_id)
        return MemberRow(target, identity.legal_name if identity is not None and identity.is_verified else None,
                         account.phone if account is not None and account.is_active else None)


class ListJoinApplications:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, principal: Principal | None, enterprise_id: UUID, status: JoinApplicationStatus | None,
                       first: int, after: str | None) -> Page[JoinApplication] | None:
        if (me := account_id_of(principal)) is None:
            return None
        async with reading(self._uow) as uow:
            membership = await uow.memberships.of(enterprise_id, me)
            if membership is None or not membership.may_administer:
                return None
            return await uow.join_applications.page(enterprise_id, status=status, first=page_size(first),
                                                    after=after)


class ListMemberInvitations:
    """§8.1 the invitations addMember made (oldest first): those still PENDING — EXPIRED among them once past
    their 30 days — or, with pending_only False, every one, accepted and cancelled included."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, enterprise_id: UUID, pending_only: bool, first: int,
                       after: str | None) -> Page[InvitationRow] | None:
        if (me := account_id_of(principal)) is None:
            return None
        async with reading(self._uow) as uow:
            membership = await uow.memberships.of(enterprise_id, me)
            if membership is None or not membership.may_administer:
                return None
            page = await uow.member_invitations.page(enterprise_id, pending_only=pending_only,
                                                     first=page_size(first), after=after)
        now = self._clock.now()
        return Page([InvitationRow(i, i.shown_status(now)) for i in page.items], page.has_next, page.cursors)


class GetMemberInvitation:
    """One invitation as node(id) shows it: to the enterprise's admin and legal rep only."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, invitation_id: UUID) -> InvitationRow | None:
        if (me := account_id_of(principal)) is None:
            return None
        async with reading(self._uow) as uow:
            invitation = await uow.member_invitations.get(invitation_id)
            membership = await uow.memberships.of(invitation.enterprise_id, me) if invitation else None
        if invitation is None or membership is None or not membership.may_administer:
            return None
        return InvitationRow(invitation, invitation.shown_status(self._clock.now()))
