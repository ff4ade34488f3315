"""SQLAlchemy repositories of enterprises, memberships and authorisation letters."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence import tables_enterprises as t
from domain.enterprises.enterprise import AuthorizationLetter, CertificationStatus, Enterprise, Membership


class SqlAlchemyEnterpriseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, enterprise: Enterprise) -> None:
        self._s.add(enterprise)

    async def get(self, enterprise_id: UUID) -> Enterprise | None:
        return await self._s.get(Enterprise, enterprise_id)

    async def many(self, enterprise_ids: list[UUID]) -> list[Enterprise]:
        if not enterprise_ids:
            return []
        q = select(Enterprise).where(t.enterprises.c.id.in_(enterprise_ids))
        return list((await self._s.execute(q)).scalars())

    async def certified_with_code(self, credit_code: str) -> Enterprise | None:
        q = select(Enterprise).where(t.enterprises.c.certified_credit_code == credit_code)
        return (await self._s.execute(q)).scalars().first()

    async def certified_named(self, name: str) -> list[Enterprise]:
        c = t.enterprises.c
        q = select(Enterprise).where(c.name == name, c.status == CertificationStatus.CERTIFIED).order_by(
            c.certified_at, c.id)
        return list((await self._s.execute(q)).scalars())

    async def naming_legal_rep(self, legal_rep_id_index: str) -> list[Enterprise]:
        c = t.enterprises.c
        q = select(Enterprise).where(c.legal_rep_id_index == legal_rep_id_index).order_by(c.created_at, c.id)
        return list((await self._s.execute(q)).scalars())


class SqlAlchemyMembershipRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, membership: Membership) -> None:
        self._s.add(membership)

    async def of(self, enterprise_id: UUID, account_id: UUID) -> Membership | None:
        c = t.memberships.c
        q = select(Membership).where(c.enterprise_id == enterprise_id, c.account_id == account_id)
        return (await self._s.execute(q)).scalars().first()

    async def for_account(self, account_id: UUID) -> list[Membership]:
        c = t.memberships.c
        q = select(Membership).where(c.account_id == account_id).order_by(c.joined_at, c.id)
        return list((await self._s.execute(q)).scalars())

    async def for_enterprise(self, enterprise_id: UUID) -> list[Membership]:
        c = t.memberships.c
        q = select(Membership).where(c.enterprise_id == enterprise_id).order_by(c.joined_at, c.id)
        return list((await self._s.execute(q)).scalars())


class SqlAlchemyAuthorizationLetterRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, letter: AuthorizationLetter) -> None:
        self._s.add(letter)

    async def get(self, letter_id: UUID) -> AuthorizationLetter | None:
        return await self._s.get(AuthorizationLetter, letter_id)
