"""SQLAlchemy repositories of joining (§5.2) and members (§8.1), and the mapping of their aggregates."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import registry

from adapters.persistence import tables as ta
from adapters.persistence import tables_enterprises as te
from adapters.persistence import tables_members as t
from adapters.persistence.repositories import count_rows, decode_cursor, encode_cursor
from application.enterprises.member_ports import MemberRow
from application.ports import Page
from domain.accounts.account import AccountStatus
from domain.enterprises.enterprise import Membership
from domain.enterprises.members import (
    JoinApplication,
    JoinApplicationStatus,
    MemberInvitation,
    MemberInvitationStatus,
)
from domain.identity.identity import RealNameStatus


def map_members(mapper_registry: registry) -> None:
    """Called from mappers.start_mappers."""
    m = mapper_registry.map_imperatively
    m(JoinApplication, t.join_applications, version_id_col=t.join_applications.c.version)
    m(MemberInvitation, t.member_invitations, version_id_col=t.member_invitations.c.version)


class SqlAlchemyJoinApplicationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, application: JoinApplication) -> None:
        self._s.add(application)

    async def get(self, application_id: UUID) -> JoinApplication | None:
        return await self._s.get(JoinApplication, application_id)

    async def pending_of(self, enterprise_id: UUID, account_id: UUID) -> JoinApplication | None:
        c = t.join_applications.c
        q = select(JoinApplication).where(c.enterprise_id == enterprise_id, c.applicant_account_id == account_id,
                                          c.status == JoinApplicationStatus.PENDING)
        return (await self._s.execute(q)).scalars().first()

    async def pending_for_account(self, account_id: UUID) -> list[JoinApplication]:
        c = t.join_applications.c
        q = select(JoinApplication).where(c.applicant_account_id == account_id,
                                          c.status == JoinApplicationStatus.PENDING).order_by(c.submitted_at, c.id)
        return list((await self._s.execute(q)).scalars())

    async def page(self, enterprise_id: UUID, *, status: JoinApplicationStatus | None, first: int,
                   after: str | None) -> Page[JoinApplication]:
        c = t.join_applications.c
        q = select(JoinApplication).where(c.enterprise_id == enterprise_id).order_by(
            c.submitted_at, c.id).limit(first + 1)
        if status is not None:
            q = q.where(c.status == status)
        if after and (pos := decode_cursor(after)) is not None:
            at, id_ = pos
            q = q.where(or_(c.submitted_at > at, and_(c.submitted_at == at, c.id > id_)))
        rows = list((await self._s.execute(q)).scalars())
        items = rows[:first]
        filters = [c.enterprise_id == enterprise_id, *([c.status == status] if status is not None else [])]
        return Page(items, len(rows) > first, [encode_cursor(r.submitted_at, r.id) for r in items],
                    await count_rows(self._s, t.join_applications, filters))


class SqlAlchemyMemberInvitationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, invitation: MemberInvitation) -> None:
        self._s.add(invitation)

    async def pending_of(self, enterprise_id: UUID, phone_index: str) -> MemberInvitation | None:
        c = t.member_invitations.c
        q = select(MemberInvitation).where(c.enterprise_id == enterprise_id, c.phone_index == phone_index,
                                           c.status == MemberInvitationStatus.PENDING)
        return (await self._s.execute(q)).scalars().first()

    async def pending_for_phone(self, phone_index: str) -> list[MemberInvitation]:
        c = t.member_invitations.c
        q = select(MemberInvitation).where(c.phone_index == phone_index,
                                           c.status == MemberInvitationStatus.PENDING).order_by(c.created_at, c.id)
        return list((await self._s.execute(q)).scalars())

    async def get(self, invitation_id: UUID) -> MemberInvitation | None:
        return await self._s.get(MemberInvitation, invitation_id)

    async def count_since(self, enterprise_id: UUID, phone_index: str, since: datetime) -> int:
        c = t.member_invitations.c
        q = select(func.count()).select_from(t.member_invitations).where(
            c.enterprise_id == enterprise_id, c.phone_index == phone_index, c.created_at >= since)
        return int((await self._s.execute(q)).scalar_one())

    async def page(self, enterprise_id: UUID, *, pending_only: bool, first: int,
                   after: str | None) -> Page[MemberInvitation]:
        c = t.member_invitations.c
        q = select(MemberInvitation).where(c.enterprise_id == enterprise_id).order_by(
            c.created_at, c.id).limit(first + 1)
        if pending_only:
            q = q.where(c.status == MemberInvitationStatus.PENDING)
        if after and (pos := decode_cursor(after)) is not None:
            at, id_ = pos
            q = q.where(or_(c.created_at > at, and_(c.created_at == at, c.id > id_)))
        rows = list((await self._s.execute(q)).scalars())
        items = rows[:first]
        return Page(items, len(rows) > first, [encode_cursor(r.created_at, r.id) for r in items])


class SqlAlchemyMemberDirectory:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, membership_id: UUID) -> Membership | None:
        return await self._s.get(Membership, membership_id)

    async def page(self, enterprise_id: UUID, *, first: int, after: str | None) -> Page[MemberRow]:
        # One statement whatever the page holds: the memberships with their accounts and identities joined in.
        m, a, i = te.memberships.c, ta.accounts.c, ta.identities.c
        q = (select(Membership, a.phone, a.status, i.legal_name, i.status)
             .join(ta.accounts, a.id == m.account_id)
             .outerjoin(ta.identities, i.account_id == m.account_id)
             .where(m.enterprise_id == enterprise_id)
             .order_by(m.joined_at, m.id).limit(first + 1))
        if after and (pos := decode_cursor(after)) is not None:
            at, id_ = pos
            q = q.where(or_(m.joined_at > at, and_(m.joined_at == at, m.id > id_)))
        rows = list((await self._s.execute(q)).all())
        items = [MemberRow(membership, name if name_status is RealNameStatus.VERIFIED else None,
                           phone if account_status is AccountStatus.ACTIVE else None)
                 for membership, phone, account_status, name, name_status in rows[:first]]
        return Page(items, len(rows) > first, [encode_cursor(r.membership.joined_at, r.membership.id)
                                               for r in items],
                    await count_rows(self._s, te.memberships, [m.enterprise_id == enterprise_id]))

    async def remove(self, membership: Membership) -> None:
        await self._s.delete(membership)
        await self._s.flush()
