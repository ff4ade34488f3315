"""SQLAlchemy repositories of the signing keys and signing requests."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters.persistence import tables_signing as t
from domain.signing.signing_key import SigningKey
from domain.signing.signing_request import REQUEST_LIFETIME, SigningRequest


class SqlAlchemySigningKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, key: SigningKey) -> None:
        self._s.add(key)

    async def get(self, key_id: UUID) -> SigningKey | None:
        return await self._s.get(SigningKey, key_id)

    async def live_for(self, account_id: UUID) -> SigningKey | None:
        q = select(SigningKey).where(t.signing_keys.c.live_account_id == account_id)
        return (await self._s.execute(q)).scalar_one_or_none()


class SqlAlchemySigningRequestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, request: SigningRequest) -> None:
        self._s.add(request)

    async def get(self, request_id: UUID) -> SigningRequest | None:
        return await self._s.get(SigningRequest, request_id)

    async def batch(self, batch_id: UUID) -> list[SigningRequest]:
        c = t.signing_requests.c
        q = select(SigningRequest).where(c.batch_id == batch_id).order_by(c.position)
        return list((await self._s.execute(q)).scalars())

    async def delete_spent_before(self, moment: datetime) -> int:
        c = t.signing_requests.c
        result = await self._s.execute(delete(t.signing_requests).where(
            or_(c.spent_at < moment, c.created_at < moment - REQUEST_LIFETIME)))
        return result.rowcount or 0
