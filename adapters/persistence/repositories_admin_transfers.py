"""SQLAlchemy repository of the admin transfers (§8.4)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence import tables_admin_transfers as t
from domain.enterprises.admin_transfer import AdminTransfer


class SqlAlchemyAdminTransferRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, transfer: AdminTransfer) -> None:
        self._s.add(transfer)

    async def get(self, transfer_id: UUID) -> AdminTransfer | None:
        return await self._s.get(AdminTransfer, transfer_id)

    async def pending_for(self, enterprise_id: UUID) -> AdminTransfer | None:
        q = select(AdminTransfer).where(t.admin_transfers.c.pending_enterprise_id == enterprise_id)
        return (await self._s.execute(q)).scalars().first()

    async def for_enterprise(self, enterprise_id: UUID, *, pending_only: bool = False) -> list[AdminTransfer]:
        c = t.admin_transfers.c
        q = select(AdminTransfer).where(c.pending_enterprise_id == enterprise_id if pending_only
                                        else c.enterprise_id == enterprise_id)
        q = q.order_by(c.requested_at.desc(), c.id.desc()).limit(100)
        return list((await self._s.execute(q)).scalars())
