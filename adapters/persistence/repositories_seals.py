"""SQLAlchemy repository of seals and their face history."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence import tables_seals as t
from domain.seals.seal import Seal, SealFace


class SqlAlchemySealRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, seal: Seal) -> None:
        self._s.add(seal)

    def add_face(self, face: SealFace) -> None:
        self._s.add(face)

    async def get(self, seal_id: UUID) -> Seal | None:
        return await self._s.get(Seal, seal_id)

    async def for_account(self, account_id: UUID) -> list[Seal]:
        c = t.seals.c
        q = select(Seal).where(c.holder_account_id == account_id).order_by(c.created_at, c.id)
        return list((await self._s.execute(q)).scalars())

    async def for_enterprise(self, enterprise_id: UUID) -> list[Seal]:
        c = t.seals.c
        q = select(Seal).where(c.holder_enterprise_id == enterprise_id).order_by(c.created_at, c.id)
        return list((await self._s.execute(q)).scalars())

    async def faces_of(self, seal_id: UUID) -> list[SealFace]:
        c = t.seal_faces.c
        q = select(SealFace).where(c.seal_id == seal_id).order_by(c.created_at, c.id)
        return list((await self._s.execute(q)).scalars())
