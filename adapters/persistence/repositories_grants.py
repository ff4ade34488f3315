"""SQLAlchemy repository and mapping of the certificate grants (§8.5)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import registry

from adapters.persistence import tables_grants as t
from domain.grants.grant import CertificateGrant

_c = t.certificate_grants.c


def map_certificate_grants(mapper_registry: registry) -> None:
    mapper_registry.map_imperatively(CertificateGrant, t.certificate_grants,
                                     version_id_col=t.certificate_grants.c.version)


class SqlAlchemyCertificateGrantRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, grant: CertificateGrant) -> None:
        self._s.add(grant)

    async def get(self, grant_id: UUID) -> CertificateGrant | None:
        return await self._s.get(CertificateGrant, grant_id)

    async def _where(self, *conditions) -> list[CertificateGrant]:
        q = select(CertificateGrant).where(*conditions).order_by(_c.created_at, _c.id)
        return list((await self._s.execute(q)).scalars())

    async def for_enterprise(self, enterprise_id: UUID) -> list[CertificateGrant]:
        return await self._where(_c.enterprise_id == enterprise_id)

    async def for_member_account(self, account_id: UUID) -> list[CertificateGrant]:
        return await self._where(_c.member_account_id == account_id)

    async def for_membership(self, membership_id: UUID) -> list[CertificateGrant]:
        return await self._where(_c.membership_id == membership_id)

    async def by_order(self, order_id: UUID) -> CertificateGrant | None:
        found = await self._where(_c.order_id == order_id)
        return found[0] if found else None
