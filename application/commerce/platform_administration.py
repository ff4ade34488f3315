"""Admins run the catalogue from the console: list platforms with their plans, suspend or resume a platform,
retire a plan. (Registering a platform and creating a plan are RegisterPlatform and CreateServicePlan.)"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.audit import audit
from application.context import Principal, RequestMeta, require_operator
from application.ports import Clock, UnitOfWorkFactory
from domain.commerce.catalogue import ServicePlan, TradingPlatform
from domain.errors import NotFound
from domain.operators.operator import OperatorRole

MAX_PLATFORMS = 100


@dataclass(frozen=True)
class PlatformWithPlans:
    platform: TradingPlatform
    plans: list[ServicePlan]  # active ones, cheapest first


class ListPlatformsForOperators:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, principal: Principal | None) -> list[PlatformWithPlans]:
        require_operator(principal, OperatorRole.ADMIN)
        async with self._uow() as uow:
            page = await uow.trading_platforms.page(first=MAX_PLATFORMS, after=None)
            plans = await uow.service_plans.for_platforms([p.id for p in page.items], None)
        return [PlatformWithPlans(p, [plan for plan in plans if plan.platform_id == p.id]) for p in page.items]


class SetPlatformStatus:
    """A suspended platform's signed requests are refused; resuming lets them in again."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, platform_id: UUID, *, active: bool,
                       meta: RequestMeta | None = None) -> TradingPlatform:
        op = require_operator(principal, OperatorRole.ADMIN)
        async with self._uow() as uow:
            platform = await uow.trading_platforms.get(platform_id)
            if platform is None:
                raise NotFound("交易平台不存在", field="platformId")
            platform.resume() if active else platform.suspend()
            audit(uow, "platform.resumed" if active else "platform.suspended", self._clock.now(), meta,
                  operator_id=op.id, platform_code=platform.code)
            await uow.commit()
        return platform


class RetireServicePlan:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, plan_id: UUID,
                       meta: RequestMeta | None = None) -> ServicePlan:
        op = require_operator(principal, OperatorRole.ADMIN)
        async with self._uow() as uow:
            plan = await uow.service_plans.get(plan_id)
            if plan is None:
                raise NotFound("套餐不存在", field="planId")
            plan.retire()
            audit(uow, "plan.retired", self._clock.now(), meta, operator_id=op.id, plan_id=str(plan.id))
            await uow.commit()
        return plan
