"""SQLAlchemy repositories of the signing keys and signing requests."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from adapters.persistence import tables_signing as t
from domain.errors import Conflict
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

    async def batch_of(self, request_id: UUID) -> list[SigningRequest]:
        c = t.signing_requests.c
        of = select(c.batch_id).where(c.id == request_id).scalar_subquery()
        q = select(SigningRequest).where(c.batch_id == of).order_by(c.position)
        return list((await self._s.execute(q)).scalars())

    async def record_spent(self, requests: list[SigningRequest]) -> None:
        """The requests just spent (`SigningRequest.spend`), written in one statement instead of one a request;
        a request another transaction spent first makes it a Conflict, as the version check would."""
        if not requests:
            return
        c = t.signing_requests.c
        spent_at = requests[0].spent_at
        if spent_at is None or any(r.spent_at != spent_at or r.sealed_nonce for r in requests):
            return  # not one batch spent at one moment: the ORM's flush writes them one by one
        versions = [r.version for r in requests]
        for r in requests:  # what the row is about to hold: nothing left for the ORM's flush to write
            set_committed_value(r, "sealed_nonce", b"")
            set_committed_value(r, "spent_at", spent_at)
            set_committed_value(r, "version", r.version + 1)
        with self._s.no_autoflush:
            done = await self._s.execute(
                update(t.signing_requests)
                .where(or_(*[(c.id == r.id) & (c.version == v) for r, v in zip(requests, versions, strict=True)]),
                       c.spent_at.is_(None))
                .values(sealed_nonce=b"", spent_at=spent_at, version=c.version + 1))
        if done.rowcount != len(requests):
            raise Conflict()

    async def batch(self, batch_id: UUID) -> list[SigningRequest]:
        c = t.signing_requests.c
        q = select(SigningRequest).where(c.batch_id == batch_id).order_by(c.position)
        return list((await self._s.execute(q)).scalars())

    async def delete_spent_before(self, moment: datetime) -> int:
        c = t.signing_requests.c
        result = await self._s.execute(delete(t.signing_requests).where(
            or_(c.spent_at < moment, c.created_at < moment - REQUEST_LIFETIME)))
        return result.rowcount or 0
