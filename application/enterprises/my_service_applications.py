"""My service applications (§6.3.1 查看申请记录 / 审核进度): the caller's applications for enterprise plans, newest
first, each with its status as of now (an application past its deadline shows EXPIRED) and the plan it names."""

from __future__ import annotations

from dataclasses import dataclass

from application.context import Principal, require_account
from application.ports import Clock, UnitOfWorkFactory, reading
from domain.commerce.catalogue import ServicePlan
from domain.enterprises.service_application import ServiceApplication, ServiceApplicationStatus


@dataclass(frozen=True)
class ServiceApplicationView:
    application: ServiceApplication
    status: ServiceApplicationStatus
    plan: ServicePlan | None


class ListMyServiceApplications:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None) -> list[ServiceApplicationView]:
        me = require_account(principal)
        async with reading(self._uow) as uow:
            found = await uow.service_applications.for_applicant(me.id)
            plans = {p.id: p for p in await uow.service_plans.many(list({a.plan_id for a in found}))}
        now = self._clock.now()
        return [ServiceApplicationView(a, a.effective_status(now), plans.get(a.plan_id)) for a in found]
