"""Mapping and SQLAlchemy repository of legal-rep invitations (§5.1.1.2)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import registry

from adapters.persistence import tables_legal_rep_invitations as t
from domain.enterprises.legal_rep_invitation import LIVE, LegalRepInvitation


def map_legal_rep_invitations(mapper_registry: registry) -> None:
    mapper_registry.map_imperatively(LegalRepInvitation, t.legal_rep_invitations,
                                     version_id_col=t.legal_rep_invitations.c.version)


class SqlAlchemyLegalRepInvitationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, invitation: LegalRepInvitation) -> None:
        self._s.add(invitation)

    async def by_token_hash(self, token_hash: str) -> LegalRepInvitation | None:
        q = select(LegalRepInvitation).where(t.legal_rep_invitations.c.token_hash == token_hash)
        return (await self._s.execute(q)).scalars().first()

    async def live_for_enterprise(self, enterprise_id: UUID) -> list[LegalRepInvitation]:
        c = t.legal_rep_invitations.c
        q = (select(LegalRepInvitation).where(c.enterprise_id == enterprise_id, c.status.in_(list(LIVE)))
             .order_by(c.created_at, c.id))
        return list((await self._s.execute(q)).scalars())

    async def get(self, invitation_id: UUID) -> LegalRepInvitation | None:
        return await self._s.get(LegalRepInvitation, invitation_id)

    async def recent_for_enterprise(self, enterprise_id: UUID, limit: int) -> list[LegalRepInvitation]:
        c = t.legal_rep_invitations.c
        q = (select(LegalRepInvitation).where(c.enterprise_id == enterprise_id)
             .order_by(c.created_at.desc(), c.id.desc()).limit(limit))
        return list((await self._s.execute(q)).scalars())
