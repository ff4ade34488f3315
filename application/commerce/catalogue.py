"""Reading the catalogue: platforms page by page, and their plans (batched for DataLoaders)."""

from __future__ import annotations

from uuid import UUID

from application.ports import Page, UnitOfWorkFactory, reading
from domain.commerce.catalogue import ServicePlan, TradingPlatform
from domain.commerce.entitlement import SubjectType

MAX_PAGE = 100


class ListTradingPlatforms:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, first: int, after: str | None) -> Page[TradingPlatform]:
        async with reading(self._uow) as uow:
            return await uow.trading_platforms.page(first=max(0, min(first, MAX_PAGE)), after=after)


class GetCatalogue:
    """Batched look-ups by id, for the resolvers' DataLoaders."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def platforms(self, ids: list[UUID]) -> list[TradingPlatform | None]:
        async with reading(self._uow) as uow:
            found = {p.id: p for p in await uow.trading_platforms.many(ids)}
        return [found.get(i) for i in ids]

    async def plans(self, ids: list[UUID]) -> list[ServicePlan | None]:
        async with reading(self._uow) as uow:
            found = {p.id: p for p in await uow.service_plans.many(ids)}
        return [found.get(i) for i in ids]

    async def plans_of(self, keys: list[tuple[UUID, SubjectType | None]]) -> list[list[ServicePlan]]:
        async with reading(self._uow) as uow:
            plans = await uow.service_plans.for_platforms([k[0] for k in keys], None)
        return [[p for p in plans if p.platform_id == pid and (st is None or p.subject_type is st)]
                for pid, st in keys]
