"""SQLAlchemy repositories of bank transfers and enterprise changes."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence import tables_enterprise_transfers as t
from domain.enterprises.bank_transfer import BankTransfer, TransferStatus
from domain.enterprises.change import OPEN, EnterpriseChange


class SqlAlchemyBankTransferRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, transfer: BankTransfer) -> None:
        self._s.add(transfer)

    async def get(self, transfer_id: UUID) -> BankTransfer | None:
        return await self._s.get(BankTransfer, transfer_id)

    async def open_for(self, enterprise_id: UUID) -> list[BankTransfer]:
        c = t.bank_transfers.c
        q = (select(BankTransfer).where(c.enterprise_id == enterprise_id, c.status == TransferStatus.AWAITING_CODE)
             .order_by(c.created_at, c.id))
        return list((await self._s.execute(q)).scalars())

    async def for_enterprise(self, enterprise_id: UUID) -> list[BankTransfer]:
        c = t.bank_transfers.c
        q = select(BankTransfer).where(c.enterprise_id == enterprise_id).order_by(c.created_at, c.id)
        return list((await self._s.execute(q)).scalars())


class SqlAlchemyEnterpriseChangeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, change: EnterpriseChange) -> None:
        self._s.add(change)

    async def get(self, change_id: UUID) -> EnterpriseChange | None:
        return await self._s.get(EnterpriseChange, change_id)

    async def open_for(self, enterprise_id: UUID) -> EnterpriseChange | None:
        c = t.enterprise_changes.c
        q = select(EnterpriseChange).where(c.enterprise_id == enterprise_id, c.status.in_(list(OPEN)))
        return (await self._s.execute(q)).scalars().first()
