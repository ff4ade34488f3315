"""SQLAlchemy repository and mapping of the member service applications (§6.3)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import registry

from adapters.persistence import tables_service_applications as t
from domain.enterprises.service_application import ServiceApplication, ServiceApplicationStatus

_c = t.service_applications.c


def map_service_applications(mapper_registry: registry) -> None:
    """Called from mappers.start_mappers."""
    mapper_registry.map_imperatively(ServiceApplication, t.service_applications,
                                     version_id_col=t.service_applications.c.version)


class SqlAlchemyServiceApplicationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, application: ServiceApplication) -> None:
        self._s.add(application)

    async def get(self, application_id: UUID) -> ServiceApplication | None:
        return await self._s.get(ServiceApplication, application_id)

    async def open_with_key(self, key: str) -> ServiceApplication | None:
        q = select(ServiceApplication).where(_c.open_key == key)
        return (await self._s.execute(q)).scalars().first()

    async def for_order(self, order_id: UUID) -> ServiceApplication | None:
        q = select(ServiceApplication).where(_c.order_id == order_id)
        return (await self._s.execute(q)).scalars().first()

    async def for_applicant(self, account_id: UUID) -> list[ServiceApplication]:
        q = (select(ServiceApplication).where(_c.applicant_account_id == account_id)
             .order_by(_c.requested_at.desc(), _c.id).limit(100))
        return list((await self._s.execute(q)).scalars())

    async def for_enterprise(self, enterprise_id: UUID, *, pending_only: bool = False) -> list[ServiceApplication]:
        q = select(ServiceApplication).where(_c.enterprise_id == enterprise_id)
        if pending_only:
            q = q.where(_c.status == ServiceApplicationStatus.PENDING_APPROVAL)
        q = q.order_by(_c.requested_at.desc(), _c.id).limit(100)
        return list((await self._s.execute(q)).scalars())
